"""Each region's complete imprint (§ 5 DDG) and privacy link, edited by
administrators in the browser, in every mail and on every public page."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from core.db import db
from core.models import Region, Role
from tests import factories
from tests.core.test_migrations import fresh_database_at, insert_row
from tests.fixtures.smtp import html_of, link_in, text_of
from tests.http import csrf_token, login
from tests.http import sign_up as sign_up_over_http
from tests.privacy.person import send_due

SWF_IMPRINT = (
    "Südwestfalen Agentur GmbH",
    "Musterstraße 1, 57462 Olpe",
    "Dr. Maria Beispiel (Geschäftsführerin)",
    "info@suedwestfalen-agentur.example",
    "+49 2761 90000-0",
    "Amtsgericht Siegen, HRB 12345",
    "DE123456789",
)


def list_id(app, slug: str) -> int:
    with app.app_context():
        return factories.find_list(db.session, slug).id


def region_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Region.id).where(Region.slug == slug))


def test_every_mail_carries_the_complete_imprint_and_the_privacy_link(
    app, client, smtp_server
):
    sign_up_over_http(
        client,
        "suedwestfalen",
        "ida@example.org",
        [list_id(app, "newsletter-suedwestfalen")],
    )
    with app.app_context():
        factories.audience(db.session, 1, region="suedwestfalen")
    factories.made_in(app, factories.campaign, region="suedwestfalen", due=True)
    send_due(app)
    [confirmation] = smtp_server.to("ida@example.org")
    [issue] = smtp_server.to("person0@example.org")
    for mail in (confirmation, issue):
        for part in (text_of(mail), html_of(mail)):
            for line in SWF_IMPRINT:
                assert line in part, (mail["Subject"], line)
            assert "/datenschutz/suedwestfalen" in part


def test_every_public_page_carries_the_imprint(app, client, smtp_server):
    sign_up_over_http(
        client,
        "suedwestfalen",
        "ida@example.org",
        [list_id(app, "newsletter-suedwestfalen")],
    )
    confirm = link_in(smtp_server.to("ida@example.org")[0], "/bestaetigen/")
    for path in (
        "/anmelden/suedwestfalen",
        "/anmelden/suedwestfalen/danke",
        "/datenschutz/suedwestfalen",
        "/archiv/suedwestfalen",
        confirm,
    ):
        page = client.get(path).get_data(as_text=True)
        footer = page.split('<footer class="site-footer">')[-1]
        assert "DE123456789" in footer, path
        assert "Amtsgericht Siegen" in footer, path
        assert "/datenschutz/suedwestfalen" in footer, path
    privacy = client.get("/datenschutz/interregional").get_data(as_text=True)
    assert "Südwestfalen Agentur GmbH" in privacy
    assert "Wirtschaftsförderung Dortmund" in privacy
    assert "Art. 26" in privacy


def test_an_administrator_edits_the_imprint_and_the_next_mail_shows_it(
    app, client, smtp_server, make_user
):
    path = f"/admin/regions/{region_id(app, 'suedwestfalen')}"
    manager = app.test_client()
    login(manager, make_user(Role.MANAGER, "suedwestfalen").email)
    assert manager.get(path).status_code == 403
    admin = app.test_client()
    login(admin, make_user(Role.ADMIN).email)
    overview = admin.get("/admin/regions").get_data(as_text=True)
    assert "Amtsgericht Siegen" in overview
    form = admin.get(path).get_data(as_text=True)
    values = {
        "csrf_token": csrf_token(form),
        "agency": "Südwestfalen Agentur GmbH",
        "legal_form": "GmbH",
        "street": "Neue Straße 5",
        "postcode": "57462",
        "city": "Olpe",
        "representatives": "Dr. Maria Beispiel (Geschäftsführerin)",
        "contact_email": "info@suedwestfalen-agentur.example",
        "phone": "+49 2761 12345",
        "register_court": "Amtsgericht Siegen",
        "register_number": "HRB 12345",
        "vat_id": "",
        "privacy_url": "/datenschutz/suedwestfalen",
    }
    refused = admin.post(path, data=values)
    assert refused.status_code == 200
    assert "Bitte füllen Sie diesen Teil des Impressums aus." in refused.get_data(
        as_text=True
    )
    saved = admin.post(path, data={**values, "vat_id": "DE111222333"})
    assert saved.status_code == 302
    sign_up_over_http(
        client,
        "suedwestfalen",
        "ida@example.org",
        [list_id(app, "newsletter-suedwestfalen")],
    )
    [mail] = smtp_server.to("ida@example.org")
    assert "Neue Straße 5" in text_of(mail)
    assert "+49 2761 12345" in text_of(mail)
    assert "DE111222333" in text_of(mail)


def test_the_one_line_imprint_becomes_fields_and_back(empty_app):
    with empty_app.app_context():
        fresh_database_at("af40c6743dc4")
        with db.engine.begin() as connection:
            insert_row(
                connection,
                "regions",
                id=1,
                slug="suedwestfalen",
                agency="Südwestfalen Agentur GmbH",
                imprint="Südwestfalen Agentur GmbH · Musterstraße 1 · 57462 Olpe",
            )
            insert_row(
                connection,
                "regions",
                id=2,
                slug="x",
                agency="Agentur X",
                imprint="Weg 1 · 12345 Ort",
            )
        upgrade()
        with db.engine.connect() as connection:
            rows = {
                row.id: row for row in connection.execute(text("SELECT * FROM regions"))
            }
        assert rows[1].vat_id == "DE123456789"
        assert rows[1].register_number == "HRB 12345"
        assert rows[1].imprint_note == ""
        assert rows[2].imprint_note == "Weg 1 · 12345 Ort"  # nothing is lost
        downgrade(revision="af40c6743dc4")
        with db.engine.connect() as connection:
            found = connection.execute(text("SELECT id, imprint FROM regions"))
            lines = {row.id: row.imprint for row in found}
        assert "USt-IdNr.: DE123456789" in lines[1]
        assert lines[2] == "Agentur X · Weg 1 · 12345 Ort"
        upgrade()
