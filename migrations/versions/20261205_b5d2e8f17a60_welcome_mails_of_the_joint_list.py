"""welcome mails of the joint list

A welcome mail without a region is the interregional list's, sent by both
agencies; one per step, as each region has one per step (a partial unique index:
NULLs do not collide in the regions' unique key).

Revision ID: b5d2e8f17a60
Revises: 7c3e91b0d4a2
Create Date: 2026-12-05 00:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b5d2e8f17a60'
down_revision = '7c3e91b0d4a2'
branch_labels = None
depends_on = None

JOINT_ONLY = sa.text("region_id IS NULL")


def upgrade():
    with op.batch_alter_table('welcome_mails', schema=None) as batch_op:
        batch_op.alter_column('region_id', existing_type=sa.Integer(), nullable=True)
    op.create_index(
        'uq_welcome_mails_joint_step', 'welcome_mails', ['step'], unique=True,
        sqlite_where=JOINT_ONLY, postgresql_where=JOINT_ONLY,
    )


def downgrade():
    op.drop_index('uq_welcome_mails_joint_step', table_name='welcome_mails')
    op.execute("DELETE FROM welcome_mails WHERE region_id IS NULL")
    with op.batch_alter_table('welcome_mails', schema=None) as batch_op:
        batch_op.alter_column('region_id', existing_type=sa.Integer(), nullable=False)
