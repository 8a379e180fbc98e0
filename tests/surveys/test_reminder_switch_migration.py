"""Reminder plans saved before a plan could be off stay on after the upgrade, and the
downgrade drops the switch, not the plan."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from core.db import db
from tests.core.test_migrations import fresh_database_at, insert_row

BEFORE = "7c41e0d2b9a3"


def test_existing_reminder_plans_stay_switched_on(empty_app):
    fresh_database_at(BEFORE)
    with db.engine.begin() as connection:
        insert_row(connection, "surveys", id=1)
        insert_row(connection, "reminder_plans", survey_id=1, steps=2)

    upgrade(revision="7c3e9d1f4a20")

    with db.engine.connect() as connection:
        active = connection.execute(text("SELECT active FROM reminder_plans")).all()
    assert [bool(row[0]) for row in active] == [True]

    downgrade(revision=BEFORE)
    with db.engine.connect() as connection:
        steps = connection.execute(text("SELECT steps FROM reminder_plans")).all()
    assert steps == [(2,)]
