"""sender of the joint list

Whom the interregional (joint) list's mails come from, naming both agencies. An
existing installation gets no row: it keeps sending from MAIL_FROM until an
administrator sets the sender (Administration → Regionen und Impressum).

Revision ID: 2a29d368e2c9
Revises: c044822d89bb
Create Date: 2026-12-04 21:33:51.366490

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2a29d368e2c9'
down_revision = 'c044822d89bb'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('joint_senders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender_name', sa.String(length=120), nullable=False),
    sa.Column('sender_email', sa.String(length=254), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_joint_senders'))
    )


def downgrade():
    op.drop_table('joint_senders')
