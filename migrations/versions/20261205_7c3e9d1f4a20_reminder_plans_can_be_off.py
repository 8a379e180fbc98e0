"""reminder plans can be off

A reminder plan whose checklist finds an error (an unknown placeholder) is saved but
not switched on: `active` false, and no step of it starts. Existing plans stay on.

Revision ID: 7c3e9d1f4a20
Revises: 7c41e0d2b9a3
Create Date: 2026-12-05 00:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c3e9d1f4a20'
down_revision = '7c41e0d2b9a3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reminder_plans', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade():
    with op.batch_alter_table('reminder_plans', schema=None) as batch_op:
        batch_op.drop_column('active')
