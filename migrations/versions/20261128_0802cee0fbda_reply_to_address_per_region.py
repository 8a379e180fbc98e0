"""reply-to address per region

Answers to a region's mails go to its Reply-To address; empty: to the sender.

Revision ID: 0802cee0fbda
Revises: 3dd73497ee8d
Create Date: 2026-11-28 07:06:19.343557

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0802cee0fbda'
down_revision = "3dd73497ee8d"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_to', sa.String(length=254), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.drop_column('reply_to')
