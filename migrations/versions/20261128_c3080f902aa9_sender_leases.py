"""sender leases: each claimed delivery carries the lease of the sender that claimed it

Rows claimed before the upgrade have no lease; the restarted sender returns them to
the queue by its name at its first run, as after any restart.

Revision ID: c3080f902aa9
Revises: d97f993f2d27
Create Date: 2026-11-28 05:08:18.359779

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3080f902aa9'
down_revision = 'd97f993f2d27'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease', sa.String(length=32), nullable=True))

    with op.batch_alter_table('sender_workers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('sender_workers', schema=None) as batch_op:
        batch_op.drop_column('lease')

    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_column('lease')
