"""The migrations build the schema the models describe, from an empty database."""

import json

from flask_migrate import check, downgrade, upgrade
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    inspect,
    text,
)

from core.db import db, utcnow


def test_upgrade_from_empty_matches_the_models_and_downgrades(empty_app):
    upgrade()
    check()  # raises if the models and the migrated schema differ
    downgrade(revision="base")
    upgrade()


def fresh_database_at(revision: str) -> None:
    """The empty database migrated up to this revision (inside `empty_app`)."""
    upgrade(revision=revision)


def insert_row(connection, table_name: str, **values) -> None:
    """A row of the table as it is at this revision, other required columns filled."""
    table = Table(table_name, MetaData(), autoload_with=connection)
    fill = {JSON: [], DateTime: utcnow(), Integer: 0, Boolean: False, String: "x"}
    for column in table.columns:
        if column.name in values or column.nullable or column.primary_key:
            continue
        values[column.name] = next(
            v for t, v in fill.items() if isinstance(column.type, t)
        )
    connection.execute(table.insert().values(**values))


def test_campaign_targets_move_to_rows_and_back(empty_app):
    fresh_database_at("e3fdc5d1adbf")
    with db.engine.begin() as connection:
        insert_row(connection, "regions", id=1, slug="r")
        insert_row(connection, "mailing_lists", id=1, slug="l1", region_id=1)
        insert_row(connection, "mailing_lists", id=2, slug="l2", region_id=1)
        insert_row(connection, "campaigns", id=1, status="draft", list_ids=[2, 1, 99])
    upgrade()
    with db.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT campaign_id, list_id FROM campaign_lists ORDER BY 2")
        ).all()
    assert [tuple(r) for r in rows] == [(1, 1), (1, 2)]  # the deleted 99 is gone
    downgrade(revision="e3fdc5d1adbf")
    with db.engine.connect() as connection:
        kept = connection.execute(text("SELECT list_ids FROM campaigns")).scalar()
    assert (json.loads(kept) if isinstance(kept, str) else kept) == [1, 2]
    upgrade()


def test_a_status_the_code_does_not_know_cannot_be_stored(empty_app):
    upgrade()
    for table, column in [
        ("campaigns", "status"),
        ("deliveries", "status"),
        ("subscribers", "status"),
        ("subscriptions", "status"),
        ("users", "role"),
    ]:
        names = {c["name"] for c in inspect(db.engine).get_check_constraints(table)}
        assert f"ck_{table}_{column}" in names
