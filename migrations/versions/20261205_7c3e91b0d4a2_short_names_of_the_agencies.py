"""short names of the agencies

The name each agency is also known by (SWA, WFDO): the joint list's sender must
name both agencies, by their full or their short names. The two agencies the
installation starts with get theirs; any other region's stays empty until an
administrator sets it.

Revision ID: 7c3e91b0d4a2
Revises: 2a29d368e2c9
Create Date: 2026-12-05 00:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c3e91b0d4a2'
down_revision = '2a29d368e2c9'
branch_labels = None
depends_on = None

KNOWN = {
    "Südwestfalen Agentur GmbH": "SWA",
    "Wirtschaftsförderung Dortmund": "WFDO",
}


def upgrade():
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('short_name', sa.String(length=40), server_default='', nullable=False))
    regions = sa.table('regions', sa.column('agency', sa.String), sa.column('short_name', sa.String))
    for agency, short in KNOWN.items():
        op.execute(regions.update().where(regions.c.agency == agency).values(short_name=short))


def downgrade():
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.drop_column('short_name')
