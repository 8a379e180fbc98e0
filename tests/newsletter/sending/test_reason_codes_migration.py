"""Reasons stored as texts before the codes existed become codes; a campaign's pause
text becomes its stop reason with what it said, and back."""

import json

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from core.db import db
from tests.core.test_migrations import fresh_database_at, insert_row

BEFORE = "c451490b5a7f"
OLD_TEXTS = {
    1: ("bounced", "550 5.1.1 No such user"),
    2: ("failed", "554 5.7.1 Rejected by policy"),
    3: ("failed", "451 4.2.2 Mailbox full"),
    4: ("skipped", "left the list before sending"),
    5: ("skipped", "cancelled"),
    6: ("uncertain", "interrupted between the server's reply and our record"),
    7: ("bounced", "5.1.1 (failed)"),
    8: ("sent", ""),
}


def test_stored_texts_become_reason_codes_and_back(empty_app):
    fresh_database_at(BEFORE)
    with db.engine.begin() as connection:
        insert_row(connection, "regions", id=1, slug="r")
        insert_row(
            connection,
            "campaigns",
            id=1,
            status="paused",
            paused_reason="20 errors in a row; last: [Errno 111] Connection refused",
        )
        insert_row(
            connection,
            "campaigns",
            id=2,
            status="paused",
            paused_reason="pausiert von Anna",
        )
        insert_row(connection, "campaigns", id=3, status="sent", paused_reason="")
        for row_id, (status, error) in OLD_TEXTS.items():
            insert_row(
                connection,
                "deliveries",
                id=row_id,
                campaign_id=3,
                status=status,
                last_error=error,
            )
    upgrade()
    with db.engine.connect() as connection:
        reasons = dict(
            connection.execute(text("SELECT id, reason FROM deliveries")).all()
        )
        answers = dict(
            connection.execute(text("SELECT id, last_error FROM deliveries")).all()
        )
        stops = {
            row.id: (
                row.stop_reason,
                json.loads(row.stop_details)
                if isinstance(row.stop_details, str)
                else row.stop_details,
            )
            for row in connection.execute(
                text("SELECT id, stop_reason, stop_details FROM campaigns")
            )
        }
    assert reasons == {
        1: "mailbox_unknown",
        2: "refused_by_policy",
        3: "deferred",
        4: "left_before_sending",
        5: "cancelled",
        6: "interrupted",
        7: "mailbox_unknown",
        8: "",
    }
    assert answers[1] == "550 5.1.1 No such user"  # the relay's answer stays a detail
    assert answers[4] == ""
    assert stops[1] == (
        "relay_outage",
        {"errors": 20, "answer": "[Errno 111] Connection refused"},
    )
    assert stops[2] == ("by_person", {"by": "Anna"})
    assert stops[3] == ("", {})
    downgrade(revision=BEFORE)
    with db.engine.connect() as connection:
        paused = dict(
            connection.execute(text("SELECT id, paused_reason FROM campaigns")).all()
        )
    assert paused[1] == "20 errors in a row; last: [Errno 111] Connection refused"
    assert paused[2] == "paused by Anna"
    upgrade()
