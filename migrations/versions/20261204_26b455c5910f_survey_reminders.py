"""survey reminders

Campaigns get a kind (`issue`, the default for every existing row, or an automated
kind such as `reminder`); a survey gets a reminder plan, and each step that went out
is a row tying the survey to its reminder campaign (unique per survey and step).
Downgrade drops the plans and the kind; reminder campaigns stay as plain issues.

Revision ID: 26b455c5910f
Revises: 190a96bfdd0e
Create Date: 2026-12-04 18:20:36.792895

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '26b455c5910f'
down_revision = '190a96bfdd0e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reminder_plans',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('steps', sa.Integer(), nullable=False),
    sa.Column('interval_days', sa.Integer(), nullable=False),
    sa.Column('subject', sa.JSON(), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_reminder_plans_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', name=op.f('pk_reminder_plans'))
    )
    op.create_table('survey_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_survey_reminders_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_reminders_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_reminders')),
    sa.UniqueConstraint('campaign_id', name=op.f('uq_survey_reminders_campaign_id')),
    sa.UniqueConstraint('survey_id', 'step', name=op.f('uq_survey_reminders_survey_id_step'))
    )
    with op.batch_alter_table('survey_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_reminders_survey_id'), ['survey_id'], unique=False)

    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='issue', nullable=False))



def downgrade():
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('kind')

    with op.batch_alter_table('survey_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_reminders_survey_id'))

    op.drop_table('survey_reminders')
    op.drop_table('reminder_plans')
