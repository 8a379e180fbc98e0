"""Public pages lead somewhere: the logo goes to the region's public page (its
archive, with the sign-up), never to the staff login; the pages after confirming
and unsubscribing link onward."""

import re

from core.db import db
from core.models import Role
from newsletter.audience.tokens import make_token, unsubscribe_token
from tests import factories
from tests.http import csrf_token


def logo_link(html: str) -> str | None:
    found = re.search(r'<a class="brand" href="([^"]+)"', html)
    return found.group(1) if found else None


def test_the_logo_of_a_regions_public_page_leads_to_its_archive(app, client, list_ids):
    assert logo_link(client.get("/anmelden/dortmund").text) == "/archiv/dortmund"
    assert logo_link(client.get("/archiv/suedwestfalen").text) == (
        "/archiv/suedwestfalen"
    )
    with app.app_context():
        person = factories.subscriber(db.session, email="lea@example.org")
        leave = unsubscribe_token(person.id, list_ids["newsletter-dortmund"])
    assert logo_link(client.get(f"/abmelden/{leave}").text) == "/archiv/dortmund"


def test_a_page_of_no_region_has_no_logo_link_to_the_login(app, client):
    page = client.get("/datenschutz/interregional").text
    assert logo_link(page) in (None, "/archiv/dortmund", "/archiv/suedwestfalen")
    assert logo_link(page) != "/"


def test_staff_pages_keep_the_logo_to_the_start_page(client, login_as):
    login_as(Role.MANAGER, "dortmund")
    assert logo_link(client.get("/subscribers").text) == "/"


def test_the_confirmation_page_links_to_the_regions_archive(app, client, list_ids):
    with app.app_context():
        person = factories.subscriber(
            db.session, email="ida@example.org", confirmed=False
        )
        token = make_token(
            "confirm", {"s": person.id, "l": [list_ids["newsletter-dortmund"]]}
        )
    page = client.get(f"/bestaetigen/{token}").text
    done = client.post(f"/bestaetigen/{token}", data={"csrf_token": csrf_token(page)})
    assert "Vielen Dank!" in done.text
    assert 'href="/archiv/dortmund"' in done.text.split("<main", 1)[1]
