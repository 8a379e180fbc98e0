"""The migration that lets erasure unlink deliveries, up and down, with data."""

import json

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from core.db import db, utcnow
from tests.core.test_migrations import fresh_database_at, insert_row

BEFORE = "733b14a1d86f"


def rows(sql: str) -> list[tuple]:
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_applied_import_files_are_emptied_and_unlinked_deliveries_go_on_downgrade(
    empty_app,
):
    with empty_app.app_context():
        fresh_database_at(BEFORE)
        with db.engine.begin() as connection:
            insert_row(connection, "regions", id=1, slug="r")
            insert_row(connection, "subscribers", id=1, region_id=1, status="active")
            insert_row(connection, "campaigns", id=1, status="sent")
            insert_row(
                connection,
                "deliveries",
                id=1,
                campaign_id=1,
                subscriber_id=1,
                status="sent",
            )
            for batch_id, applied in ((1, utcnow()), (2, None)):
                insert_row(
                    connection,
                    "import_batches",
                    id=batch_id,
                    region_id=1,
                    applied_at=applied,
                    data={"headers": ["E-Mail"], "rows": [["a@example.org"]]},
                )
        upgrade()
        data = {
            batch_id: json.loads(value) if isinstance(value, str) else value
            for batch_id, value in rows("SELECT id, data FROM import_batches")
        }
        assert data[1] == {"headers": [], "rows": []}
        assert data[2]["rows"] == [["a@example.org"]]  # not applied: still needed
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE deliveries SET subscriber_id = NULL"))
            insert_row(
                connection,
                "deliveries",
                id=2,
                campaign_id=1,
                subscriber_id=1,
                status="sent",
            )
        downgrade(revision=BEFORE)
        assert rows("SELECT id, subscriber_id FROM deliveries") == [(2, 1)]
        upgrade()
