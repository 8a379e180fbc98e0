"""axe-core on every page, in Chromium: public pages, each role's pages, error pages
and the mail's HTML, with 0 violations of WCAG 2.1 A and AA (BITV 2.0 binds both
agencies). axe is injected by Playwright into a context that bypasses the CSP; the
app's own CSP stays `script-src 'self'`."""

from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from core.db import db, utcnow
from newsletter.audience.models import Subscriber
from newsletter.audience.tokens import (
    confirm_token,
    preferences_token,
    unsubscribe_token,
)
from newsletter.campaigns.models import Campaign
from newsletter.campaigns.rendering import Recipient
from newsletter.campaigns.web_links import web_token
from newsletter.sending.welcome import WelcomeInput, save_welcome
from surveys.answering.responses import answer_token
from surveys.models import Survey
from surveys.reminders.plans import PlanInput, save_plan
from tests import factories
from tests.browser.conftest import screenshot
from tests.factories import every_block
from tests.http import PASSWORD

pytestmark = pytest.mark.browser

WCAG_21_AA = {
    # Every rule still runs; only the nodes of passed rules are not collected and
    # sent back (a tenth of the test's CPU).
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
}
axe = Axe()


@dataclass
class Demo:
    survey: int
    option: int
    public_key: str
    subscriber: int
    link_key: str
    list_id: int
    draft: int
    sent: int


@pytest.fixture
def demo(app, demo_data) -> Demo:
    """The demo data (subscribers, a survey with answers) plus issues to look at."""
    draft = factories.made_in(
        app, factories.campaign, region="suedwestfalen", blocks=every_block()
    )
    sent = factories.made_in(app, factories.campaign, region="suedwestfalen")
    with app.app_context():
        survey = db.session.scalar(select(Survey))
        campaign = db.session.get(Campaign, draft)
        campaign.blocks = {
            "de": [
                *campaign.blocks_for("de"),
                {"id": "s", "type": "survey_question", "survey": str(survey.id)},
                {"id": "r", "type": "survey_results", "survey": str(survey.id)},
            ]
        }
        done = db.session.get(Campaign, sent)
        done.status, done.sent_at = "sent", utcnow()
        person = db.session.scalar(
            select(Subscriber).where(Subscriber.status == "active").limit(1)
        )
        db.session.commit()
        return Demo(
            survey=survey.id,
            option=survey.questions[0].options[0].id,
            public_key=survey.public_key,
            subscriber=person.id,
            link_key=person.link_key,
            list_id=person.subscriptions[0].list_id,
            draft=draft,
            sent=sent,
        )


@pytest.fixture
def axe_page(browser):
    context = browser.new_context(
        locale="de-DE", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    yield page
    context.close()


def violations(page, url: str) -> list[str]:
    page.goto(url)
    found = axe.run(page, options=WCAG_21_AA).response["violations"]
    if found:
        screenshot(
            page,
            "axe-" + url.split("//", 1)[-1].split("/", 1)[-1].replace("/", "_")[:60],
        )
    return [
        f"{url}: {v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']][:3]}"
        for v in found
    ]


def check_all(page, base: str, paths: list[str]) -> None:
    found = [problem for path in paths for problem in violations(page, base + path)]
    assert found == [], "\n".join(found)


def log_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()


def test_public_pages_have_no_violations(app, live_server, axe_page, demo):
    with app.app_context():
        person = Recipient(demo.subscriber, demo.link_key)
        answer = answer_token(person, demo.survey, demo.sent)
        web = web_token(demo.subscriber, demo.list_id, demo.sent, demo.link_key)
        paths = [
            "/login",
            "/anmelden/suedwestfalen",
            "/anmelden/dortmund/danke",
            "/archiv/suedwestfalen",
            f"/ausgabe/{demo.sent}/de",
            f"/ausgabe/{demo.sent}/de/{web}",
            f"/ausgabe/{demo.sent}/eigene-links",
            f"/bestaetigen/{confirm_token(demo.subscriber, [demo.list_id])}",
            f"/abmelden/{unsubscribe_token(demo.subscriber, demo.list_id)}",
            f"/einstellungen/{preferences_token(demo.subscriber, demo.link_key)}",
            "/abmelden/kaputt",
            "/datenschutz/dortmund",
            "/testlink",
            f"/umfrage/{demo.survey}/{answer}?o={demo.option}",
            f"/umfrage/{demo.survey}/{answer}?step=rest",
            f"/umfrage/{demo.survey}/danke",
            f"/umfrage/{demo.survey}/offen/{demo.public_key}",
            "/gibt-es-nicht",
        ]
    check_all(axe_page, live_server, paths)


def test_a_managers_pages_have_no_violations(app, live_server, axe_page, demo):
    log_in(axe_page, live_server, "swf@brueckenschlag.example", "bruecke-demo-2026")
    with app.app_context():
        subscriber = db.session.scalar(
            select(Subscriber.id).where(Subscriber.region.has(slug="suedwestfalen"))
        )
    draft = f"/campaigns/{demo.draft}"
    reminders = f"/surveys/{demo.survey}/reminders"
    with app.app_context():  # a welcome mail and a reminder plan to look at
        region = factories.find_region(db.session, "suedwestfalen")
        save_welcome(db.session, region, 1, WelcomeInput(False, 0))
        save_plan(
            db.session,
            db.session.get(Survey, demo.survey),
            PlanInput(2, 7, {"de": "Erinnerung"}, {"de": "{{ greeting }}, bitte."}),
        )
        db.session.commit()
    paths = [
        "/",
        "/welcome/suedwestfalen",
        reminders,
        f"{reminders}/preview.html?lang=en",
        "/subscribers",
        f"/subscribers/{subscriber}",
        f"/subscribers/{subscriber}/edit",
        "/subscribers/new",
        "/subscribers/import",
        "/lists",
        "/segments",
        "/signup-snippet",
        "/campaigns",
        draft,
        f"{draft}?lang=en",
        f"{draft}/preview",
        f"{draft}/preview.html",
        f"{draft}/send",
        f"/campaigns/{demo.sent}/send",
        f"/campaigns/{demo.sent}/results",
        "/layouts",
        "/layouts/suedwestfalen",
        "/surveys",
        f"/surveys/{demo.survey}",
        "/topics",
        f"/analysis/{demo.survey}/free-text",
        f"/analysis/{demo.survey}/introductions",
        "/dev/mailbox/",
        "/analysis",  # not the manager's: the 403 page
    ]
    check_all(axe_page, live_server, paths)
    # The confirmation step before sending.
    axe_page.goto(f"{live_server}{draft}/send")
    axe_page.get_by_role("button", name="Jetzt senden …").click()
    found = axe.run(axe_page, options=WCAG_21_AA).response["violations"]
    assert [v["id"] for v in found] == []


def test_an_administrators_pages_have_no_violations(app, live_server, axe_page, demo):
    log_in(axe_page, live_server, "admin@brueckenschlag.example", "bruecke-demo-2026")
    check_all(axe_page, live_server, ["/", "/admin/users", "/admin/audit"])


def test_an_analysts_pages_have_no_violations(app, live_server, axe_page, demo):
    log_in(axe_page, live_server, "analyse@brueckenschlag.example", "bruecke-demo-2026")
    check_all(
        axe_page,
        live_server,
        ["/", "/analysis", f"/analysis/{demo.survey}", "/subscribers"],
    )


def test_axe_finds_a_violation_when_there_is_one(live_server, axe_page):
    """The check itself works: a picture without alternative text is reported."""
    axe_page.goto(f"{live_server}/login")
    axe_page.evaluate(
        "document.body.appendChild(Object.assign(document.createElement('img'),"
        " {src: '/static/img/logo.svg'}))"
    )
    found = axe.run(axe_page, options=WCAG_21_AA).response["violations"]
    assert "image-alt" in [v["id"] for v in found]
