"""survey waves

A survey can repeat an earlier one as its next wave (`surveys.previous_wave_id`);
each copied option points at the option of the first wave it continues
(`options.origin_id`), so trends follow options, not labels. Two nullable columns;
downgrade drops them (the copies stay as unrelated surveys).

Revision ID: 26ceec8602fa
Revises: ae404875a959
Create Date: 2026-12-04 18:42:56.964254

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '26ceec8602fa'
down_revision = 'ae404875a959'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('options', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_options_origin_id_options'), 'options', ['origin_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_wave_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_surveys_previous_wave_id'), ['previous_wave_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_surveys_previous_wave_id_surveys'), 'surveys', ['previous_wave_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_surveys_previous_wave_id_surveys'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_surveys_previous_wave_id'))
        batch_op.drop_column('previous_wave_id')

    with op.batch_alter_table('options', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_options_origin_id_options'), type_='foreignkey')
        batch_op.drop_column('origin_id')

