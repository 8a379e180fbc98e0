"""revocable preference links

Each subscriber gets a random link key that is signed into her preference links;
replacing it (erasure, "log out everywhere") revokes every link sent so far. Existing
rows get a key of their own here; preference links already in mails carry none and
are refused from now on (the refusal page offers a fresh link by mail).

Revision ID: c451490b5a7f
Revises: 0802cee0fbda
Create Date: 2026-11-28 12:06:06.801015

"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c451490b5a7f'
down_revision = '0802cee0fbda'
branch_labels = None
depends_on = None

subscribers = sa.table(
    "subscribers", sa.column("id", sa.Integer), sa.column("link_key", sa.String)
)


def upgrade():
    with op.batch_alter_table('subscribers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link_key', sa.String(length=32), nullable=True))
    connection = op.get_bind()
    ids = connection.scalars(sa.select(subscribers.c.id)).all()
    # One key per person, never shared: a common default would let one link open
    # every profile once the ids are guessed.
    for start in range(0, len(ids), 1000):
        connection.execute(
            subscribers.update()
            .where(subscribers.c.id == sa.bindparam("row_id"))
            .values(link_key=sa.bindparam("key")),
            [
                {"row_id": row_id, "key": secrets.token_urlsafe(16)}
                for row_id in ids[start : start + 1000]
            ],
        )
    with op.batch_alter_table('subscribers', schema=None) as batch_op:
        batch_op.alter_column(
            'link_key', existing_type=sa.String(length=32), nullable=False
        )


def downgrade():
    with op.batch_alter_table('subscribers', schema=None) as batch_op:
        batch_op.drop_column('link_key')
