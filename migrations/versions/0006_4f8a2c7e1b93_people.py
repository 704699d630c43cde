"""a partnership's people: agencies, teams, roles, invitations, single sign-on identities, the audit trail

Existing facilitators become partnership admins (a single-facilitator install keeps working as before, and its
one person can now invite others); their sessions are kept as they are.

Revision ID: 4f8a2c7e1b93
Revises: 9c4e6b2d8a17
Create Date: 2026-11-30 04:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = "4f8a2c7e1b93"
down_revision = "9c4e6b2d8a17"
branch_labels = None
depends_on = None

USUAL_AGENCIES = (  # app/people/service.py USUAL_AGENCIES, as they were when this migration was written
    "Children's social care",
    "Early help",
    "Police",
    "Health visiting",
    "Schools",
    "Adult social care",
    "Housing",
    "Voluntary sector",
)


def upgrade():
    agencies = op.create_table(
        "agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=120), nullable=False, server_default=""),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agencies.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agency_id", "name", name="uq_teams_agency_name"),
    )
    op.create_index("ix_teams_agency_id", "teams", ["agency_id"])
    op.create_table(
        "team_memberships",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["facilitators.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("account_id", "team_id"),
    )
    op.create_index("ix_team_memberships_team_id", "team_memberships", ["team_id"])
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("team_ids", sa.JSON(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["facilitators.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["facilitators.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_invitations_email", "invitations", ["email"])
    op.create_table(
        "sign_on_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["facilitators.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("issuer", "subject", name="uq_sign_on_identities_issuer_subject"),
    )
    op.create_index("ix_sign_on_identities_account_id", "sign_on_identities", ["account_id"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=80), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["facilitators.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    op.create_index("ix_audit_events_action", "audit_events", ["action"])

    # Plain ADD COLUMN on both databases (no table rebuild: the sessions' rows stay where they are).
    op.add_column("facilitators", sa.Column("is_admin", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("facilitators", sa.Column("is_manager", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("facilitators", sa.Column("email", sa.String(length=254), nullable=True))
    op.add_column("facilitators", sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False))
    op.add_column("facilitators", sa.Column("deactivated_at", sa.DateTime(), nullable=True))
    op.create_index("ix_facilitators_email", "facilitators", ["email"], unique=True)
    # On SQLite this one rebuilds the table to add the constraint (migrations/env.py turns foreign keys off
    # while it runs, so the copy cascades nothing); on PostgreSQL it is a plain ALTER TABLE.
    with op.batch_alter_table("briefing_sessions") as batch:
        batch.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_briefing_sessions_team_id", "teams", ["team_id"], ["id"], ondelete="SET NULL")
        batch.create_index("ix_briefing_sessions_team_id", ["team_id"])

    # Today's facilitators ran everything themselves: each becomes a partnership admin, keeping their roles.
    op.execute(sa.text("UPDATE facilitators SET is_admin = :yes").bindparams(yes=True))
    op.bulk_insert(agencies, [{"name": name, "active": True} for name in USUAL_AGENCIES])


def downgrade():
    with op.batch_alter_table("briefing_sessions") as batch:
        batch.drop_index("ix_briefing_sessions_team_id")
        batch.drop_constraint("fk_briefing_sessions_team_id", type_="foreignkey")
        batch.drop_column("team_id")
    op.drop_index("ix_facilitators_email", "facilitators")
    for column in ("deactivated_at", "active", "email", "is_manager", "is_admin"):
        op.drop_column("facilitators", column)
    for table in ("audit_events", "sign_on_identities", "invitations", "team_memberships", "teams", "agencies"):
        op.drop_table(table)
