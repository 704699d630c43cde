"""baseline: an empty database that later migrations build on

Revision ID: c35a70f244f9
Revises: 
Create Date: 2026-11-25 14:25:29.178319

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c35a70f244f9'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
