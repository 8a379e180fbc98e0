"""A subscriber answers a survey from the newsletter in Chromium: the clicked answer
is preselected, one press saves it, the remaining questions follow, then thanks;
and the browser keeps no cookie of ours (she has no account, nothing to consent to)."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.db import db
from newsletter.sending.outbox import dispatch_due
from newsletter.sending.sender import Sender
from surveys.models import SurveyResponse
from tests import factories
from tests.browser.conftest import screenshot
from tests.fixtures.smtp import html_of

pytestmark = pytest.mark.browser


def second_button_of_a_sent_survey(app, smtp_server) -> str:
    """A survey issue sent to one person; the path of her mail's second answer."""
    with app.app_context():
        factories.audience(db.session, 1)
        survey_id = factories.survey(db.session).id
        factories.campaign(
            db.session, blocks=factories.survey_blocks(survey_id), due=True
        )
    with app.app_context():
        dispatch_due(db.session)
        Sender(app, "browser").run(budget_seconds=30)
    html = html_of(smtp_server.messages[0])
    link = re.findall(r'href="https?://[^/"]+(/umfrage/[^"]+)"', html)[1]
    return link.replace("&amp;", "&")


def test_answer_a_survey_from_the_mail(app, live_server, page, smtp_server):
    page.goto(live_server + second_button_of_a_sent_survey(app, smtp_server))
    assert page.get_by_label("KI und Daten").is_checked()
    screenshot(page, "survey-first-question")
    with app.app_context():
        assert db.session.scalar(select(SurveyResponse)) is None
    page.get_by_role("button", name="Senden").click()
    page.get_by_label("4", exact=True).check()
    page.get_by_label("Was noch?").fill("Gern mehr Termine in Siegen.")
    page.get_by_label("Ja, die regionalen Agenturen dürfen").check()
    screenshot(page, "survey-rest")
    page.get_by_role("button", name="Senden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Danke für Ihre Antwort")
    with app.app_context():
        response = db.session.scalar(select(SurveyResponse))
        assert len(response.answers) == 3
        assert response.contact_consent
    assert page.context.cookies() == []


def test_an_answer_refused_for_control_characters_goes_back_to_the_filled_page(
    app, live_server, page, smtp_server
):
    """A pasted invisible character refuses the second page with a 400; its button
    goes back to the page as the person left it."""
    page.goto(live_server + second_button_of_a_sent_survey(app, smtp_server))
    page.get_by_role("button", name="Senden").click()
    page.get_by_label("4", exact=True).check()
    page.get_by_label("Was noch?").fill("Gern mehr\x0b Termine.")
    page.get_by_role("button", name="Senden").click()
    expect(page.get_by_text("unsichtbare Steuerzeichen")).to_be_visible()
    page.get_by_role("link", name="Zurück zum Formular").click()
    expect(page.get_by_label("4", exact=True)).to_be_checked()
    expect(page.get_by_label("Was noch?")).to_have_value("Gern mehr\x0b Termine.")
