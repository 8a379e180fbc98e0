"""A manager exports her subscribers and imports the same file again: the export's
columns are in her language, the import knows them (German or English), and
nothing changes."""

import io

import pytest
from sqlalchemy import select

from core.db import db
from core.models import Role
from newsletter.audience.models import Subscriber
from tests import factories
from tests.http import csrf_token


def upload(client, content: bytes, filename: str, list_id: int):
    page = client.get("/subscribers/import").get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(page),
        "lists": [str(list_id)],
        "file": (io.BytesIO(content), filename),
    }
    response = client.post(
        "/subscribers/import", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return client.get(response.headers["Location"]).get_data(as_text=True)


def people(app):
    with app.app_context():
        return [
            (s.email, s.name, s.organisation, s.org_type, s.status)
            for s in db.session.scalars(select(Subscriber).order_by(Subscriber.id))
        ]


@pytest.fixture
def dortmund(app, client, login_as):
    login_as(Role.MANAGER, "dortmund")
    with app.app_context():
        for n, org_type in enumerate(("company", "university")):
            factories.subscriber(
                db.session,
                email=f"p{n}@example.org",
                name=f"Person {n}",
                organisation="Firma",
                org_type=org_type,
            )
        return factories.newsletter_list(db.session).id


GERMAN = [
    "E-Mail",
    "Name",
    "Organisation",
    "Art der Organisation",
    "Kreis",
    "Branche",
    "Größe",
    "Sprache",
    "Region",
    "Status",
    "Newsletter",
    "Angemeldet",
    "Bestätigt",
    "Eigene Felder",
]


def test_the_export_is_headed_in_german_by_default(app, client, dortmund):
    body = client.get("/subscribers/export.csv").get_data(as_text=True)
    assert body.lstrip("\ufeff").splitlines()[0].split(",") == GERMAN


@pytest.mark.parametrize("language", ["de", "en"])
def test_an_exported_file_imports_back_without_change_or_unknown_columns(
    app, client, dortmund, language
):
    if language == "en":
        client.post(
            "/language",
            data={"lang": "en", "csrf_token": csrf_token(client.get("/").text)},
        )
    before = people(app)
    for fmt in ("csv", "xlsx"):
        exported = client.get(f"/subscribers/export.{fmt}").get_data()
        review = upload(client, exported, f"abonnenten.{fmt}", dortmund)
        unknown = "unknown column" if language == "en" else "unbekannte Spalte"
        assert unknown not in review, fmt
        # The organisation type column is read, not ignored.
        assert 'value="org_type" selected' in review, fmt
        assert ("0 of 2 rows" if language == "en" else "0 von 2 Zeilen") in review
    assert people(app) == before


def test_an_unknown_column_is_kept_as_an_own_field_unless_ignored(
    app, client, dortmund
):
    content = b"E-Mail;Lieblingsfarbe\nneu@example.org;blau\n"
    review = upload(client, content, "kontakte.csv", dortmund)
    assert 'value="extra" selected>– als eigenes Feld behalten –' in review
