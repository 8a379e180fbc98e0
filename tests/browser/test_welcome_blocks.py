"""A manager builds her region's welcome mail in Chromium from the issue editor's
blocks, with a survey question; a person who confirms gets it (read at the real SMTP
server) and answers from it into that survey with her own link."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.db import db
from core.models import Role
from newsletter.audience.models import Subscriber
from surveys.models import SurveyResponse
from tests import factories
from tests.browser.conftest import screenshot
from tests.fixtures.smtp import html_of, text_of
from tests.http import PASSWORD
from tests.newsletter.sending.test_welcome_mails import run_worker

pytestmark = pytest.mark.browser


def test_a_welcome_mail_of_blocks_with_a_survey_question_collects_answers(
    app, live_server, page, make_user, smtp_server
):
    survey_id = factories.made_in(
        app, factories.survey, region="suedwestfalen", title="Was brauchen Sie 2027?"
    )
    manager = make_user(Role.MANAGER, "suedwestfalen")
    page.goto(f"{live_server}/login")
    page.get_by_label("E-Mail-Adresse").fill(manager.email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()

    page.goto(f"{live_server}/welcome/suedwestfalen")
    page.get_by_role("button", name="Einrichten und Inhalt bearbeiten").first.click()
    page.get_by_label("Betreff (Deutsch)").fill("Willkommen in Südwestfalen")
    page.get_by_label("Text *").fill("{{ greeting }}, schön, dass Sie dabei sind!")
    page.locator("#new-block-type").select_option(label="Umfragefrage")
    page.get_by_role("button", name="Hinzufügen", exact=True).click()
    page.get_by_label("Umfrage *").select_option(label="Was brauchen Sie 2027?")
    page.get_by_role("button", name="Speichern", exact=True).last.click()
    expect(page.get_by_text("Gespeichert.", exact=True)).to_be_visible()
    preview = page.frame_locator("#live-preview")
    expect(preview.get_by_text("Fachkräfte")).to_be_visible()
    screenshot(page, "welcome-mail-blocks")

    page.get_by_role("link", name="Willkommensmails bearbeiten").first.click()
    page.get_by_label("Diese Mail verschicken").first.check()
    page.get_by_role("button", name="Speichern").first.click()
    expect(page.get_by_text("Eingeschaltet. An 0 Personen verschickt.")).to_be_visible()

    with app.app_context():  # she confirms her sign-up
        factories.subscriber(
            db.session, email="petra@example.org", region="suedwestfalen"
        )
    run_worker(app)
    [mail] = smtp_server.to("petra@example.org")
    assert mail["Subject"] == "Willkommen in Südwestfalen"
    assert "schön, dass Sie dabei sind!" in text_of(mail)
    links = re.findall(r'href="https?://[^/"]+(/umfrage/[^"]+)"', html_of(mail))
    assert len(links) == 2
    page.goto(live_server + links[0].replace("&amp;", "&"))
    page.get_by_role("button", name="Senden").click()
    expect(page.get_by_text("Frage 2 von 3")).to_be_visible()

    with app.app_context():
        petra = db.session.scalar(
            select(Subscriber).where(Subscriber.email == "petra@example.org")
        )
        [response] = db.session.scalars(select(SurveyResponse))
        assert (response.survey_id, response.subscriber_id) == (survey_id, petra.id)
    page.goto(f"{live_server}/welcome/suedwestfalen")
    expect(page.get_by_text("An 1 Person verschickt.")).to_be_visible()
