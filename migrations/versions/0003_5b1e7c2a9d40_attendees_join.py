"""attendees join from their phones: join codes, review mode, anonymous and moderated responses, failed attempts

Revision ID: 5b1e7c2a9d40
Revises: 2fa5054bffc2
Create Date: 2026-11-25 17:20:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = "5b1e7c2a9d40"
down_revision = "2fa5054bffc2"
branch_labels = None
depends_on = None

# A copy of app/sessions/join.py's alphabet: a migration must not change when the app's code does.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"


def upgrade():
    with op.batch_alter_table("briefing_sessions") as batch:
        batch.add_column(sa.Column("join_code", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("review_first", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("stage_version", sa.Integer(), nullable=False, server_default="1"))
        batch.create_unique_constraint("uq_briefing_sessions_join_code", ["join_code"])
    with op.batch_alter_table("briefing_sessions") as batch:
        batch.alter_column("review_first", server_default=None)
        batch.alter_column("stage_version", server_default=None)

    # Sessions still running when this runs get a join code, so their attendees can join too.
    connection = op.get_bind()
    running = connection.execute(sa.text("SELECT id FROM briefing_sessions WHERE status = 'running'")).scalars()
    for session_id in list(running):
        code = "".join(secrets.choice(ALPHABET) for _ in range(9))
        connection.execute(
            sa.text("UPDATE briefing_sessions SET join_code = :code WHERE id = :id"), {"code": code, "id": session_id}
        )

    with op.batch_alter_table("attendees") as batch:
        batch.add_column(sa.Column("token_hash", sa.String(length=64), nullable=True))
        batch.create_unique_constraint("uq_attendees_token_hash", ["token_hash"])

    with op.batch_alter_table("responses") as batch:
        batch.alter_column("removed", new_column_name="hidden", existing_type=sa.Boolean(), existing_nullable=False)
        batch.add_column(sa.Column("pending", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("anonymous", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("attendee_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("author_key", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("flagged", sa.String(length=120), nullable=False, server_default=""))
        batch.add_column(sa.Column("redacted", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("shown_at", sa.DateTime(), nullable=True))
        batch.create_foreign_key(
            "fk_responses_attendee_id_attendees", "attendees", ["attendee_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index("ix_responses_attendee_id", ["attendee_id"])
        batch.create_unique_constraint("uq_responses_idempotency", ["session_id", "idempotency_key"])
    # Responses from before this revision reached the screens when they were added.
    op.execute("UPDATE responses SET shown_at = created_at")
    with op.batch_alter_table("responses") as batch:
        for column in ("pending", "anonymous", "flagged", "redacted"):
            batch.alter_column(column, server_default=None)

    op.create_table(
        "failed_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_failed_attempts_key_at", "failed_attempts", ["key", "at"])
    op.create_index("ix_failed_attempts_at", "failed_attempts", ["at"])


def downgrade():
    op.drop_index("ix_failed_attempts_at", table_name="failed_attempts")
    op.drop_index("ix_failed_attempts_key_at", table_name="failed_attempts")
    op.drop_table("failed_attempts")
    with op.batch_alter_table("responses") as batch:
        batch.drop_constraint("uq_responses_idempotency", type_="unique")
        batch.drop_index("ix_responses_attendee_id")
        batch.drop_constraint("fk_responses_attendee_id_attendees", type_="foreignkey")
        for column in ("shown_at", "redacted", "flagged", "idempotency_key", "author_key", "attendee_id", "anonymous", "pending"):
            batch.drop_column(column)
        batch.alter_column("hidden", new_column_name="removed", existing_type=sa.Boolean(), existing_nullable=False)
    with op.batch_alter_table("attendees") as batch:
        batch.drop_constraint("uq_attendees_token_hash", type_="unique")
        batch.drop_column("token_hash")
    with op.batch_alter_table("briefing_sessions") as batch:
        batch.drop_constraint("uq_briefing_sessions_join_code", type_="unique")
        for column in ("stage_version", "review_first", "join_code"):
            batch.drop_column(column)
