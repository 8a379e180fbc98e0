"""welcome mails

Each region's welcome mail (step 1) and optional second mail (step 2, `delay_days`
after the confirmation); content and state live in a standing campaign of kind
`welcome`. A new table only; downgrade drops it (the campaigns stay).

Revision ID: ae404875a959
Revises: 26b455c5910f
Create Date: 2026-12-04 18:29:15.613820

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ae404875a959'
down_revision = '26b455c5910f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('welcome_mails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('delay_days', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_welcome_mails_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_welcome_mails_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_welcome_mails')),
    sa.UniqueConstraint('campaign_id', name=op.f('uq_welcome_mails_campaign_id')),
    sa.UniqueConstraint('region_id', 'step', name=op.f('uq_welcome_mails_region_id_step'))
    )


def downgrade():
    op.drop_table('welcome_mails')
