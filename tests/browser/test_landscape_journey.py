"""#19 done when: two subscribers in different regions answer a survey (one a need,
one an offer on the same topic), both opt in, the managers approve, matching
suggests the pair, both accept from their mails (real SMTP server), each receives
the other's contact, the follow-up question arrives eight weeks later (clock moved),
and the figures show it. A scanner opening every link in those mails decides
nothing."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.db import db
from core.models import Role
from landscape.jobs import send_follow_ups
from landscape.models import Introduction, Profile
from newsletter.audience.models import Topic
from newsletter.sending.outbox import dispatch_due
from newsletter.sending.sender import Sender
from surveys.builder.editing import (
    add_option,
    add_question,
    create_survey,
    update_question,
)
from tests import factories
from tests.browser.conftest import screenshot
from tests.fixtures.smtp import html_of, link_in, text_of
from tests.http import PASSWORD

pytestmark = pytest.mark.browser

SVEN = "sven.sauer@example.org"  # Südwestfalen: a firm that needs AI
ANNA = "anna.adler@example.org"  # Dortmund: a lab that offers it


def survey_sent_to_both(app) -> None:
    with app.app_context():
        session = db.session
        ai = session.scalar(select(Topic.id).where(Topic.slug == "ki-daten"))
        survey = create_survey(session, "Bedarfe und Angebote", None)
        survey.opens_at = factories.utcnow() - timedelta(days=1)
        question = add_question(session, survey, "single")
        update_question(question, {"de": "Was trifft auf Sie zu?"}, True, None)
        add_option(session, question, {"de": "Wir suchen KI-Know-how"}, ai, "need")
        add_option(session, question, {"de": "Wir bieten KI-Know-how"}, ai, "offer")
        session.commit()
        factories.subscriber(
            session,
            email=SVEN,
            region="suedwestfalen",
            name="Sven Sauer",
            organisation="Sauer Metall GmbH",
            org_type="company",
        )
        factories.subscriber(
            session,
            email=ANNA,
            region="dortmund",
            name="Anna Adler",
            organisation="Adler Datenlabor",
            org_type="university",
        )
        for region in ("suedwestfalen", "dortmund"):
            factories.campaign(
                session,
                region=region,
                subject="Kurze Frage",
                blocks=factories.survey_blocks(survey.id),
                due=True,
            )
    with app.app_context():
        dispatch_due(db.session)
        Sender(app, "browser").run(budget_seconds=30)


def answer_from_mail(page, live_server, smtp_server, address, option_label):
    [mail] = [m for m in smtp_server.to(address) if m["Subject"] == "Kurze Frage"]
    links = re.findall(r'href="https?://[^/"]+(/umfrage/[^"]+)"', html_of(mail))
    page.goto(live_server + links[0].replace("&amp;", "&"))
    page.get_by_label(option_label).check()
    page.get_by_role("button", name="Senden").click()
    return link_in(mail, "/einstellungen/")


def opt_in(page, live_server, preferences, org_type_label):
    page.goto(live_server + preferences)
    page.get_by_role("link", name="Profil anlegen").click()
    page.get_by_label("Art der Organisation").select_option(label=org_type_label)
    page.get_by_label("Kurzbeschreibung").fill("Wir arbeiten an KI für die Fertigung.")
    page.get_by_role("button", name="Vorschau zeigen").click()
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Bestätigen und zur Prüfung senden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vielen Dank")


def log_in(browser, live_server, make_user, role, region=None):
    user = make_user(role, region)
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    page.goto(live_server + "/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("form:has(#password) button[type=submit]")
    page.wait_for_url(live_server + "/")
    return page


def approve(page, live_server, organisation):
    page.goto(live_server + "/kompetenzlandschaft/profile")
    page.get_by_role("button", name=f"{organisation} freigeben").click()
    assert "öffentlich" in page.locator(".flash").inner_text()


def test_from_survey_answers_to_a_fruitful_introduction(
    app, live_server, page, browser, smtp_server, make_user
):
    app.config["MIN_CELL"] = 1  # one introduction, shown in the figures
    survey_sent_to_both(app)
    sven_settings = answer_from_mail(
        page, live_server, smtp_server, SVEN, "Wir suchen KI-Know-how"
    )
    anna_settings = answer_from_mail(
        page, live_server, smtp_server, ANNA, "Wir bieten KI-Know-how"
    )

    # The profile form is prefilled from the answers.
    page.goto(live_server + sven_settings)
    page.get_by_role("link", name="Profil anlegen").click()
    needs = page.locator("fieldset", has_text="Themen, die wir suchen")
    assert needs.get_by_label("KI und Daten").is_checked()
    opt_in(page, live_server, sven_settings, "Unternehmen")
    opt_in(page, live_server, anna_settings, "Hochschule / Forschung")
    assert (
        "Sauer Metall"
        not in page.request.get(live_server + "/kompetenzlandschaft").text()
    )

    approve(
        log_in(browser, live_server, make_user, Role.MANAGER, "dortmund"),
        live_server,
        "Adler Datenlabor",
    )
    swf = log_in(browser, live_server, make_user, Role.MANAGER, "suedwestfalen")
    approve(swf, live_server, "Sauer Metall GmbH")
    page.goto(live_server + "/kompetenzlandschaft?thema=ki-daten")
    expect(page.get_by_role("link", name="Adler Datenlabor")).to_be_visible()
    swf.goto(live_server + "/kompetenzlandschaft/vorschlaege")
    row = swf.locator("tr", has_text="Sauer Metall GmbH").filter(
        has_text="Adler Datenlabor"
    )
    assert "über die Regionen hinweg" in row.inner_text()
    screenshot(swf, "landscape-suggestions")
    row.get_by_role("button", name="Vorstellung vorschlagen").click()

    requests = {}
    for address in (SVEN, ANNA):
        [mail] = [m for m in smtp_server.to(address) if "Vorstellung" in m["Subject"]]
        assert (ANNA if address == SVEN else SVEN) not in text_of(mail)
        requests[address] = link_in(mail, "/kompetenzlandschaft/vorstellung/")
    # A scanner opens every link of both mails: nothing is decided.
    for address in (SVEN, ANNA):
        for mail in smtp_server.to(address):
            for path in re.findall(r"https?://[^/\s]+(/\S*)", text_of(mail)):
                assert page.request.get(live_server + path).status < 500
    with app.app_context():
        intro = db.session.scalar(select(Introduction))
        assert (intro.seeker_answer, intro.provider_answer) == (None, None)

    for address in (SVEN, ANNA):
        page.goto(live_server + requests[address])
        page.get_by_role("button", name="Ja, bitte stellen Sie uns vor").click()
    screenshot(page, "landscape-both-agreed")
    [to_sven] = [m for m in smtp_server.to(SVEN) if "Beide" in m["Subject"]]
    [to_anna] = [m for m in smtp_server.to(ANNA) if "Beide" in m["Subject"]]
    assert ANNA in text_of(to_sven)
    assert "Anna Adler" in text_of(to_sven)
    assert SVEN in text_of(to_anna)

    with app.app_context():  # eight weeks pass
        intro = db.session.scalar(select(Introduction))
        intro.exchanged_at -= timedelta(weeks=8)
        db.session.commit()
        assert send_follow_ups() == 1
    [question] = [m for m in smtp_server.to(SVEN) if "entstanden" in m["Subject"]]
    page.request.get(live_server + link_in(question, "/ergebnis"))  # the scanner
    page.goto(live_server + link_in(question, "/ergebnis"))
    page.get_by_role("button", name="Ja, daraus ist etwas entstanden").click()

    analyst = log_in(browser, live_server, make_user, Role.ANALYST)
    analyst.goto(live_server + "/analysis/kompetenzlandschaft")
    row = analyst.locator("tr", has_text="KI und Daten")
    assert re.sub(r"\s+", " ", row.inner_text()).endswith(
        "Südwestfalen → Dortmund 1 1 1"
    )
    assert "Sauer" not in analyst.content()
    screenshot(analyst, "landscape-figures")
    with app.app_context():
        assert db.session.scalar(select(Profile.status).limit(1)) == "approved"
