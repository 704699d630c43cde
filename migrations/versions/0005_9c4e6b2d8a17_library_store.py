"""the library lives in the database: briefings with their versions, the library generation, editor accounts

Revision ID: 9c4e6b2d8a17
Revises: 7d3f9a1c5e20
Create Date: 2026-11-30 00:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = "9c4e6b2d8a17"
down_revision = "7d3f9a1c5e20"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stored_briefings",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("live_version", sa.Integer(), nullable=True),
        sa.Column("review_by", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source_name", sa.String(length=255), nullable=False),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "briefing_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("briefing_id", sa.String(length=120), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.Column("saved_by", sa.String(length=80), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["briefing_id"], ["stored_briefings.id"], name="fk_briefing_versions_briefing_id_stored_briefings",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("briefing_id", "number", name="uq_briefing_versions_number"),
    )
    generation = op.create_table(
        "library_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # The one row every library change updates (app/library_store/models.py, LibraryGeneration).
    op.bulk_insert(generation, [{"id": 1, "value": 1}])

    # Every existing account keeps running sessions; nobody is a library editor until made one
    # (`flask users roles NAME --editor`). The defaults stay, so an account added by any means gets the same.
    with op.batch_alter_table("facilitators") as batch:
        batch.add_column(sa.Column("is_facilitator", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("is_editor", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("facilitators") as batch:
        batch.drop_column("is_editor")
        batch.drop_column("is_facilitator")
    op.drop_table("library_generation")
    op.drop_table("briefing_versions")
    op.drop_table("stored_briefings")
