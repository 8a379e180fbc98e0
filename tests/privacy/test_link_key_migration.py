"""The migration that gives every subscriber her own preference-link key."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from core.db import db
from tests.core.test_migrations import fresh_database_at, insert_row

BEFORE = "3dd73497ee8d"


def test_existing_subscribers_each_get_their_own_link_key(empty_app):
    with empty_app.app_context():
        fresh_database_at(BEFORE)
        with db.engine.begin() as connection:
            insert_row(connection, "regions", id=1, slug="r")
            for subscriber_id in (1, 2, 3):
                insert_row(
                    connection,
                    "subscribers",
                    id=subscriber_id,
                    region_id=1,
                    status="active",
                )
        upgrade(revision="c451490b5a7f")
        with db.engine.connect() as connection:
            keys = connection.scalars(text("SELECT link_key FROM subscribers")).all()
        assert len(keys) == 3
        assert all(key and len(key) >= 20 for key in keys)
        assert len(set(keys)) == 3
        downgrade(revision=BEFORE)
