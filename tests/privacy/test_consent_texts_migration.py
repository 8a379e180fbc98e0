"""The migration that turns the consent text constants into records, with data: old
events point at the version 1 their region's sign-up page showed, and back."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from core.db import db
from newsletter.audience.consent import FIRST_CONSENT, FIRST_JOINT_CONSENT
from tests.core.test_migrations import fresh_database_at, insert_row

BEFORE = "8ac90fc4e41e"


def rows(sql: str) -> list[tuple]:
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_the_constants_become_version_1_and_old_events_point_at_them(empty_app):
    with empty_app.app_context():
        fresh_database_at(BEFORE)
        with db.engine.begin() as connection:
            insert_row(connection, "regions", id=1, slug="a", agency="Agentur A")
            insert_row(connection, "regions", id=2, slug="b", agency="Agentur B")
            insert_row(connection, "mailing_lists", id=1, slug="l", region_id=2)
            for person, language in ((1, "en"), (2, "de")):
                insert_row(
                    connection,
                    "subscribers",
                    id=person,
                    region_id=2,
                    language=language,
                    status="active",
                )
            for event, person, list_id, consent, privacy in (
                (1, 1, 1, "2026-11-de-en-1", "2026-11-1"),
                (2, 2, 1, "2026-11-de-en-1", "2026-11-1"),
                (3, 2, None, "2026-11-de-en-1", "2026-11-1"),  # details changed
                (4, 2, 1, "demo", "demo"),
            ):
                insert_row(
                    connection,
                    "consent_events",
                    id=event,
                    subscriber_id=person,
                    list_id=list_id,
                    kind="signup",
                    source="form",
                    consent_text_version=consent,
                    privacy_version=privacy,
                )
        upgrade()
        shown = dict(
            rows(
                "SELECT e.id, t.text FROM consent_events e"
                " LEFT JOIN consent_texts t ON t.id = e.consent_text_id"
            )
        )
        assert shown == {
            1: FIRST_CONSENT["en"].format(agency="Agentur B"),
            2: FIRST_CONSENT["de"].format(agency="Agentur B"),
            3: None,
            4: None,
        }
        privacy = dict(rows("SELECT id, privacy_text_id FROM consent_events"))
        assert privacy[1]
        assert privacy[2]
        assert privacy[3]
        assert privacy[4] is None
        joint = rows(
            "SELECT text FROM consent_texts WHERE region_id IS NULL"
            " AND kind = 'consent' AND language = 'de'"
        )
        assert joint == [
            (FIRST_JOINT_CONSENT["de"].format(agencies="Agentur A und Agentur B"),)
        ]
        assert rows("SELECT count(*) FROM consent_texts") == [(12,)]

        downgrade(revision=BEFORE)
        assert rows(
            "SELECT id, consent_text_version, privacy_version FROM consent_events"
            " ORDER BY id"
        ) == [
            (1, "2026-11-de-en-1", "2026-11-1"),
            (2, "2026-11-de-en-1", "2026-11-1"),
            (3, "", "2026-11-1"),
            (4, "", ""),
        ]
        upgrade()
