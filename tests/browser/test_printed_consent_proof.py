"""The consent proof as it comes out of the printer: a person signs up in Chromium and
confirms from the mail; her manager prints the subscriber's data page, and the print
(PDF and PNG under test-artifacts/) shows each event with the consent text and the
privacy notice word for word, without buttons or the other controller's list."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.models import Role
from newsletter.audience.models import ConsentEvent, Subscriber
from tests.browser.conftest import ARTIFACTS
from tests.fixtures.smtp import link_in
from tests.http import PASSWORD

pytestmark = pytest.mark.browser
EMAIL = "greta.vogel@example.org"


def sign_up_and_confirm(page, live_server, smtp_server) -> None:
    page.goto(f"{live_server}/anmelden/suedwestfalen")
    page.get_by_label("E-Mail-Adresse").fill(EMAIL)
    page.get_by_label("Newsletter Südwestfalen").check()
    page.get_by_label("Ja, ich möchte den Newsletter").check()
    page.get_by_role("button", name="Abonnieren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Bitte prüfen Sie Ihr Postfach"
    )
    [mail] = smtp_server.arrived(EMAIL)
    page.goto(live_server + link_in(mail, "/bestaetigen/"))
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank!")


def test_the_printed_consent_proof(app, live_server, page, smtp_server, make_user):
    from core.db import db

    sign_up_and_confirm(page, live_server, smtp_server)
    with app.app_context():
        person = db.session.scalar(select(Subscriber).where(Subscriber.email == EMAIL))
        signup = db.session.scalar(
            select(ConsentEvent).where(
                ConsentEvent.subscriber_id == person.id, ConsentEvent.kind == "signup"
            )
        )
        consent_text = signup.consent_text.text
        first_notice_line = signup.privacy_text.text.split("\n\n")[0]
        person_id = person.id

    manager = make_user(Role.MANAGER, "suedwestfalen")
    page.goto(f"{live_server}/login")
    page.get_by_label("E-Mail-Adresse").fill(manager.email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.goto(f"{live_server}/subscribers/{person_id}/data")
    expect(page.get_by_role("heading", level=1)).to_contain_text(EMAIL)

    page.emulate_media(media="print")
    proof = page.locator("section.consent-proof")
    expect(proof).to_contain_text(consent_text)
    expect(proof).to_contain_text(first_notice_line)
    for event in ("angemeldet", "Bestätigungs-E-Mail gesendet", "bestätigt"):
        expect(proof).to_contain_text(event)
    expect(page.locator("a[data-print]")).to_be_hidden()  # not on paper
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "consent-proof-print.png"), full_page=True)
    page.pdf(path=str(ARTIFACTS / "consent-proof.pdf"), format="A4")
    assert (ARTIFACTS / "consent-proof.pdf").read_bytes().startswith(b"%PDF")
