"""facilitator forms are idempotent: each sent form's key is stored once (actions, register, sessions started)

Scribe responses use the responses' idempotency_key column the attendees' forms already use.

Revision ID: 7d3f9a1c5e20
Revises: 5b1e7c2a9d40
Create Date: 2026-11-29 22:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = "7d3f9a1c5e20"
down_revision = "5b1e7c2a9d40"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("actions") as batch:
        batch.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
        batch.create_unique_constraint("uq_actions_idempotency", ["session_id", "idempotency_key"])
    with op.batch_alter_table("attendees") as batch:
        batch.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
        batch.create_unique_constraint("uq_attendees_idempotency", ["session_id", "idempotency_key"])
    with op.batch_alter_table("briefing_sessions") as batch:
        batch.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
        batch.create_unique_constraint("uq_briefing_sessions_idempotency", ["facilitator_id", "idempotency_key"])


def downgrade():
    with op.batch_alter_table("briefing_sessions") as batch:
        batch.drop_constraint("uq_briefing_sessions_idempotency", type_="unique")
        batch.drop_column("idempotency_key")
    with op.batch_alter_table("attendees") as batch:
        batch.drop_constraint("uq_attendees_idempotency", type_="unique")
        batch.drop_column("idempotency_key")
    with op.batch_alter_table("actions") as batch:
        batch.drop_constraint("uq_actions_idempotency", type_="unique")
        batch.drop_column("idempotency_key")
