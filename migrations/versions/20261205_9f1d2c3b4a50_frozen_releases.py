"""frozen releases

What a survey's release of one day is counted from, kept as it was at the start of
that day: an answer changed later that day changes none of the day's figures.

Revision ID: 9f1d2c3b4a50
Revises: 7c3e9d1f4a20
Create Date: 2026-12-05 10:30:00.000000

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '9f1d2c3b4a50'
down_revision = '7c3e9d1f4a20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'frozen_releases',
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('until', sa.DateTime(timezone=True), nullable=False),
        sa.Column('people', sa.LargeBinary(), nullable=False),
        sa.Column('answers', sa.LargeBinary(), nullable=False),
        sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['survey_id'],
            ['surveys.id'],
            name=op.f('fk_frozen_releases_survey_id_surveys'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('survey_id', 'until', name=op.f('pk_frozen_releases')),
    )


def downgrade():
    op.drop_table('frozen_releases')
