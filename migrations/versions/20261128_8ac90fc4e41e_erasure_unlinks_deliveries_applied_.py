"""erasure unlinks deliveries, applied import files emptied

Erasing a person unlinks her deliveries (they stay as anonymous rows of their
campaign's figures), so `deliveries.subscriber_id` may be NULL. Applied import files
kept every row of the uploaded file, names and addresses of erased people included;
their rows are in the subscribers table, so the copies go.

Downgrade: the old schema cannot hold a delivery without its subscriber, so those
anonymous rows are deleted (the emptied import files stay empty).

Revision ID: 8ac90fc4e41e
Revises: c3080f902aa9
Create Date: 2026-11-28 04:49:33.984964

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8ac90fc4e41e"
down_revision = "c3080f902aa9"
branch_labels = None
depends_on = None

import_batches = sa.table(
    "import_batches", sa.column("applied_at", sa.DateTime), sa.column("data", sa.JSON)
)
deliveries = sa.table("deliveries", sa.column("subscriber_id", sa.Integer))


def upgrade():
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.alter_column(
            "subscriber_id", existing_type=sa.INTEGER(), nullable=True
        )
    op.execute(
        import_batches.update()
        .where(import_batches.c.applied_at.is_not(None))
        .values(data={"headers": [], "rows": []})
    )


def downgrade():
    op.execute(deliveries.delete().where(deliveries.c.subscriber_id.is_(None)))
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.alter_column(
            "subscriber_id", existing_type=sa.INTEGER(), nullable=False
        )
