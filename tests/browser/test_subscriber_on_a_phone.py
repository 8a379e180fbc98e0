"""A subscriber on a phone (375 × 812) answers from the mail: the page says which
question of how many it is, that the preselected answer is saved only with
"Senden", keeps the 1–5 scale on one line and names the topics of a contact wish."""

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


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="de-DE",
        viewport={"width": 375, "height": 812},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    yield context.new_page()
    context.close()


def test_answering_explains_itself_on_a_phone(app, live_server, phone, smtp_server):
    with app.app_context():
        factories.audience(db.session, 1)
    survey_id = factories.made_in(app, factories.survey)
    factories.made_in(
        app,
        factories.campaign,
        subject="Kurze Frage",
        blocks=factories.survey_blocks(survey_id),
        due=True,
    )
    with app.app_context():
        dispatch_due(db.session)
        Sender(app, "browser").run(budget_seconds=30)
    html = html_of(smtp_server.messages[0])
    link = re.findall(r'href="https?://[^/"]+(/umfrage/[^"]+)"', html)[1]
    phone.goto(live_server + link.replace("&amp;", "&"))
    expect(phone.get_by_text("Frage 1 von 3")).to_be_visible()
    expect(
        phone.get_by_text(
            "Ihre Antwort aus der Mail ist unten gewählt. Gespeichert wird sie erst, "
            "wenn Sie auf „Senden“ drücken"
        )
    ).to_be_visible()
    assert phone.get_by_label("KI und Daten").is_checked()
    screenshot(phone, "phone-survey-first-question")
    with app.app_context():
        assert db.session.scalar(select(SurveyResponse)) is None
    phone.get_by_role("button", name="Senden").click()

    expect(phone.get_by_text("Frage 2 von 3")).to_be_visible()
    expect(phone.get_by_text("Frage 3 von 3")).to_be_visible()
    one = phone.locator(".scale-point").first.bounding_box()
    five = phone.locator(".scale-point").last.bounding_box()
    assert one["y"] == five["y"]  # the scale fits on one line
    assert five["x"] + five["width"] <= 375
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.get_by_label("4", exact=True).check()
    contact = phone.get_by_label("Ja, die regionalen Agenturen dürfen")
    assert "KI und Daten" in contact.evaluate("e => e.parentElement.textContent")
    contact.check()
    screenshot(phone, "phone-survey-rest")
    phone.get_by_role("button", name="Senden").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Danke für Ihre Antwort")
    screenshot(phone, "phone-survey-thanks")
