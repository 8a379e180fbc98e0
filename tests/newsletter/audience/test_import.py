"""Importing files as people really have them: a check first, then all valid rows or
none; addresses without documented consent get the opt-in mail."""

import io
import re
from pathlib import Path

from sqlalchemy import func, select

from core.db import db
from core.models import AuditEntry, Role
from newsletter.audience.import_jobs import run_queued_imports
from newsletter.audience.models import ConsentEvent, Subscriber
from tests import factories
from tests.fixtures.smtp import link_in
from tests.http import csrf_token, login

DATA = Path(__file__).resolve().parents[2] / "data"


def upload(client, filename, lists, region_id=None):
    page = client.get("/subscribers/import").get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(page),
        "lists": [str(i) for i in lists],
        "file": (io.BytesIO((DATA / filename).read_bytes()), filename),
    }
    if region_id:
        data["region_id"] = str(region_id)
    return client.post(
        "/subscribers/import", data=data, content_type="multipart/form-data"
    )


def count_subscribers(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Subscriber))


def test_windows_1252_semicolon_file_is_checked_then_imported(
    app, list_ids, client, login_as, smtp_server
):
    login_as(Role.MANAGER, "suedwestfalen")
    swf = list_ids["newsletter-suedwestfalen"]
    response = upload(client, "kontakte_windows1252_semikolon.csv", [swf])
    assert response.status_code == 302
    review = client.get(response.headers["Location"]).get_data(as_text=True)
    assert count_subscribers(app) == 0  # nothing before the manager confirms

    assert "jürgen.schäfer@example.org" in review  # umlauts survived Windows-1252
    assert "ungültige E-Mail-Adresse" in review
    assert "doppelt in dieser Datei" in review
    # An unknown district is a warning: the row goes in without one.
    assert "unbekannter Kreis „Kreis Atlantis“ (bleibt leer)" in review
    assert "keine dokumentierte Einwilligung: erhält die Opt-in-E-Mail" in review
    assert "4 von 6 Zeilen können importiert werden" in review

    apply_url = re.search(r'action="([^"]+/apply)"', review).group(1)
    done = client.post(apply_url, data={"csrf_token": csrf_token(review)})
    assert done.status_code == 302
    assert count_subscribers(app) == 0  # the worker imports, not the request
    running = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Der Import läuft" in running
    with app.app_context():
        assert run_queued_imports() == 1
        assert run_queued_imports() == 0  # once
    finished = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Der Import ist abgeschlossen" in finished
    batch_id = int(done.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    numbers = client.get(f"/subscribers/import/{batch_id}/progress.json").get_json()
    assert numbers["status"] == "done"
    assert (numbers["done"], numbers["total"], numbers["imported"]) == (1, 1, 4)
    with app.app_context():
        found = {s.email: s for s in db.session.scalars(select(Subscriber))}
        assert set(found) == {
            "jürgen.schäfer@example.org",
            "petra.koenig@example.org",
            "ole.unbekannt@example.org",
            "formel@example.org",
        }
        assert found["ole.unbekannt@example.org"].district is None
        assert found["jürgen.schäfer@example.org"].status == "active"
        assert found["jürgen.schäfer@example.org"].district.name == "Kreis Olpe"
        assert found["petra.koenig@example.org"].status == "pending"
        notes = set(db.session.scalars(select(ConsentEvent.note)))
        assert "Messe Südwestfalen 2025, schriftlich" in notes
        assert db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "import")
        )
    # Only the address without documented consent gets the opt-in mail.
    assert len(smtp_server.to("petra.koenig@example.org")) == 1
    assert smtp_server.to("jürgen.schäfer@example.org") == []
    link_in(smtp_server.to("petra.koenig@example.org")[0], "/bestaetigen/")


def test_utf8_comma_file_with_english_headers(
    app, list_ids, client, login_as, smtp_server
):
    login_as(Role.MANAGER, "suedwestfalen")
    swf = list_ids["newsletter-suedwestfalen"]
    review = client.get(
        upload(client, "contacts_utf8_comma.csv", [swf]).headers["Location"]
    )
    html = review.get_data(as_text=True)
    assert "2 von 3 Zeilen" in html
    assert "doppelt in dieser Datei" in html


def test_xlsx_file_and_a_broken_one(app, list_ids, client, login_as, smtp_server):
    login_as(Role.MANAGER, "suedwestfalen")
    swf = list_ids["newsletter-suedwestfalen"]
    review = client.get(upload(client, "kontakte.xlsx", [swf]).headers["Location"])
    assert "2 von 3 Zeilen" in review.get_data(as_text=True)
    broken = upload(client, "kaputt.xlsx", [swf])
    assert broken.status_code == 200
    assert "konnte nicht als Excel-Arbeitsmappe" in broken.get_data(as_text=True)


def test_an_erased_address_is_not_re_added_silently(
    app, list_ids, client, login_as, smtp_server
):
    from newsletter.audience.erasure import erase

    with app.app_context():
        person = factories.subscriber(
            db.session, email="jürgen.schäfer@example.org", region="suedwestfalen"
        )
        erase(db.session, person, app.config["SECRET_KEY"])
        db.session.commit()
    login_as(Role.MANAGER, "suedwestfalen")
    swf = list_ids["newsletter-suedwestfalen"]
    review = client.get(
        upload(client, "kontakte_windows1252_semikolon.csv", [swf]).headers["Location"]
    )
    assert "früher gelöscht: nur mit neuer Einwilligung" in review.get_data(
        as_text=True
    )


def test_another_regions_manager_cannot_see_the_batch(
    app, list_ids, client, make_user, login_as
):
    login_as(Role.MANAGER, "suedwestfalen")
    swf = list_ids["newsletter-suedwestfalen"]
    location = upload(client, "kontakte.xlsx", [swf]).headers["Location"]
    other = app.test_client()
    login(other, make_user(Role.MANAGER, "dortmund").email)
    assert other.get(location).status_code == 404
