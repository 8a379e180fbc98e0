"""campaign targets as association tables, status checks

A campaign's lists and segments were JSON arrays of ids: nothing stopped an id of a
deleted list (or of another region's) from staying there. They are now rows with
foreign keys. Status columns get CHECK constraints, so that a status the code does
not know cannot be stored.

Revision ID: 733b14a1d86f
Revises: e3fdc5d1adbf
Create Date: 2026-11-28 04:30:38.575598

"""
import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '733b14a1d86f'
down_revision = 'e3fdc5d1adbf'
branch_labels = None
depends_on = None

TARGETS = (
    # association table, its id column, the table it points to, the old JSON column
    ("campaign_lists", "list_id", "mailing_lists", "list_ids"),
    ("campaign_segments", "segment_id", "segments", "segment_ids"),
)
CHECKS = {
    "users": ("role", ("admin", "manager", "analyst")),
    "subscribers": (
        "status",
        ("pending", "active", "unsubscribed", "bounced", "erased"),
    ),
    "subscriptions": ("status", ("pending", "active", "unsubscribed")),
    "campaigns": (
        "status",
        ("draft", "scheduled", "sending", "paused", "sent", "cancelled"),
    ),
    "deliveries": (
        "status",
        (
            "queued",
            "claimed",
            "sending",
            "sent",
            "failed",
            "bounced",
            "uncertain",
            "skipped",
        ),
    ),
}


def _ids(value):
    if isinstance(value, str):
        value = json.loads(value or "[]")
    return [int(i) for i in value or []]


def upgrade():
    connection = op.get_bind()
    for table, column, target, _old in TARGETS:
        op.create_table(
            table,
            sa.Column('campaign_id', sa.Integer(), nullable=False),
            sa.Column(column, sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f(f'fk_{table}_campaign_id_campaigns'), ondelete='CASCADE'),
            sa.ForeignKeyConstraint([column], [f'{target}.id'], name=op.f(f'fk_{table}_{column}_{target}'), ondelete='CASCADE'),
            sa.PrimaryKeyConstraint('campaign_id', column, name=op.f(f'pk_{table}')),
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f'ix_{table}_{column}'), [column], unique=False)

    # Copy each campaign's targets; ids of lists or segments deleted since are dropped.
    for table, column, target, old in TARGETS:
        existing = {row[0] for row in connection.execute(sa.text(f"SELECT id FROM {target}"))}
        rows = [
            {"c": campaign_id, "t": target_id}
            for campaign_id, value in connection.execute(
                sa.text(f"SELECT id, {old} FROM campaigns")
            )
            for target_id in dict.fromkeys(_ids(value))
            if target_id in existing
        ]
        if rows:
            connection.execute(
                sa.text(f"INSERT INTO {table} (campaign_id, {column}) VALUES (:c, :t)"),
                rows,
            )

    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('segment_ids')
        batch_op.drop_column('list_ids')

    for table, (column, values) in CHECKS.items():
        allowed = ", ".join(f"'{v}'" for v in values)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(
                op.f(f"ck_{table}_{column}"), f"{column} IN ({allowed})"
            )


def downgrade():
    connection = op.get_bind()
    for table in CHECKS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_{CHECKS[table][0]}"), type_="check")

    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('list_ids', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('segment_ids', sa.JSON(), nullable=False, server_default='[]'))

    for table, column, _target, old in TARGETS:
        targets = {}
        for campaign_id, target_id in connection.execute(
            sa.text(f"SELECT campaign_id, {column} FROM {table} ORDER BY {column}")
        ):
            targets.setdefault(campaign_id, []).append(target_id)
        for campaign_id, ids in targets.items():
            connection.execute(
                sa.text(f"UPDATE campaigns SET {old} = :ids WHERE id = :c"),
                {"ids": json.dumps(ids), "c": campaign_id},
            )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_{column}'))
        op.drop_table(table)
