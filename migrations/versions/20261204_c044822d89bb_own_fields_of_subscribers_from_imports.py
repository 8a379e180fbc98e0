"""own fields of subscribers from imports

Columns of an imported file that have no field of ours, kept per person as JSON.

Revision ID: c044822d89bb
Revises: a45661420bc3
Create Date: 2026-12-04 18:30:40.447067

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c044822d89bb'
down_revision = 'a45661420bc3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('subscribers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extra_fields', sa.JSON(), server_default='{}', nullable=False))



def downgrade():
    with op.batch_alter_table('subscribers', schema=None) as batch_op:
        batch_op.drop_column('extra_fields')

