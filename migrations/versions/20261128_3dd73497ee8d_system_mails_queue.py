"""system mails queue

The opt-in confirmation goes through a queue (`system_mails`) with retry instead of
being sent inside the sign-up request, where a relay answering 451 lost it. A new
table only; downgrade drops it (mails still queued then are not sent).

Revision ID: 3dd73497ee8d
Revises: 5e913eda38d1
Create Date: 2026-11-28 05:31:20.435672

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '3dd73497ee8d'
down_revision = '5e913eda38d1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('system_mails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('list_ids', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'sent', 'failed')", name=op.f('ck_system_mails_status')),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscribers.id'], name=op.f('fk_system_mails_subscriber_id_subscribers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_system_mails'))
    )
    with op.batch_alter_table('system_mails', schema=None) as batch_op:
        batch_op.create_index('ix_system_mails_queue', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_system_mails_subscriber_id'), ['subscriber_id'], unique=False)



def downgrade():
    with op.batch_alter_table('system_mails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_system_mails_subscriber_id'))
        batch_op.drop_index('ix_system_mails_queue')

    op.drop_table('system_mails')
