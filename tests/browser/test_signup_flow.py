"""A person signs up in Chromium, gets the mail at a real SMTP server, and confirms."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.db import db
from newsletter.audience.models import Subscriber
from tests.browser.conftest import screenshot
from tests.fixtures.smtp import link_in

pytestmark = pytest.mark.browser


def test_sign_up_and_confirm_in_the_browser(app, live_server, page, smtp_server):
    page.goto(f"{live_server}/anmelden/suedwestfalen")
    screenshot(page, "signup-suedwestfalen")
    page.get_by_label("E-Mail-Adresse").fill("greta.vogel@example.org")
    page.get_by_label("Newsletter Südwestfalen").check()
    page.get_by_text("Erzählen Sie uns mehr über sich").click()
    page.get_by_label("Organisation", exact=True).fill("Vogel Kunststoff GmbH")
    page.get_by_label("Kreis").select_option(label="Märkischer Kreis")
    page.get_by_label("Ja, ich möchte den Newsletter").check()
    page.get_by_role("button", name="Abonnieren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Bitte prüfen Sie Ihr Postfach"
    )

    [mail] = smtp_server.arrived("greta.vogel@example.org")
    page.goto(live_server + link_in(mail, "/bestaetigen/"))
    screenshot(page, "signup-confirm")
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank!")
    with app.app_context():
        person = db.session.scalar(
            select(Subscriber).where(Subscriber.email == "greta.vogel@example.org")
        )
        assert person.status == "active"
        assert person.district.name == "Märkischer Kreis"


def test_a_refused_form_leads_back_to_what_was_typed(live_server, page):
    """Invisible control characters (pasted from elsewhere) are refused with a 400
    page; its button goes back to the form, filled in as it was left."""
    page.goto(f"{live_server}/anmelden/suedwestfalen")
    page.get_by_label("E-Mail-Adresse").fill("greta.vogel@example.org")
    page.get_by_label("Newsletter Südwestfalen").check()
    page.get_by_text("Erzählen Sie uns mehr über sich").click()
    page.get_by_label("Organisation", exact=True).fill("Vogel\x0b Kunststoff")
    page.get_by_label("Ja, ich möchte den Newsletter").check()
    page.get_by_role("button", name="Abonnieren").click()
    expect(page.get_by_text("unsichtbare Steuerzeichen")).to_be_visible()
    expect(page.get_by_role("link", name="Zurück zur Übersicht")).to_have_count(0)
    page.get_by_role("link", name="Zurück zum Formular").click()
    expect(page.get_by_label("E-Mail-Adresse")).to_have_value("greta.vogel@example.org")
    expect(page.get_by_label("Newsletter Südwestfalen")).to_be_checked()
