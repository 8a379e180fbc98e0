"""A manager sets up reminders in Chromium; the worker sends them to the people who
have not answered and still want the list (read at the real SMTP server: who
answered or unsubscribed gets none); one who answers from her reminder gets no
second one; the page shows the answers per step."""

import re
from collections import Counter
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from core.db import db, utcnow
from core.models import Role
from newsletter.campaigns.models import Campaign
from tests.browser.conftest import screenshot
from tests.fixtures.smtp import html_of, link_in
from tests.http import PASSWORD
from tests.surveys.test_reminders import issue_with_survey, run_worker

pytestmark = pytest.mark.browser


def test_a_manager_sets_reminders_and_only_non_respondents_get_them(
    app, live_server, page, make_user, smtp_server
):
    survey_id, mails = issue_with_survey(app, smtp_server)
    manager = make_user(Role.MANAGER, "dortmund")
    page.goto(f"{live_server}/login")
    page.get_by_label("E-Mail-Adresse").fill(manager.email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()

    # Anna answers from the issue.
    link = re.findall(
        r'href="https?://[^/"]+(/umfrage/[^"]+)"', html_of(mails["anna@example.org"])
    )[0]
    page.goto(live_server + link.replace("&amp;", "&"))
    page.get_by_role("button", name="Senden").click()
    # Ben leaves with his issue's unsubscribe link.
    page.goto(live_server + link_in(mails["ben@example.org"], "/abmelden/"))
    page.get_by_role("button", name="Abmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Abgemeldet")

    page.goto(f"{live_server}/surveys/{survey_id}")
    page.get_by_role("link", name="Erinnerungen an alle, die noch nicht").click()
    page.get_by_label("Anzahl der Erinnerungen").fill("2")
    page.get_by_label("Tage nach der Ausgabe").fill("7")
    page.get_by_label("Betreff (Deutsch)").fill("Noch eine Minute für uns?")
    page.get_by_label("Text über der Frage (Deutsch)").fill(
        "{{ greeting }}, Ihre Antwort fehlt uns noch."
    )
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Gespeichert.", exact=True)).to_be_visible()
    expect(page.get_by_text("Als Nächstes: Erinnerung 1")).to_be_visible()
    run_worker(app)
    first = Counter(r.envelope_to[0] for r in smtp_server.handler.received)
    assert first == {"clara@example.org": 1, "dave@example.org": 1}
    [reminder] = smtp_server.to("clara@example.org")
    assert reminder["Subject"] == "Noch eine Minute für uns?"

    # Clara answers from her reminder; a week later only Ben and Dave get step 2.
    link = re.findall(r'href="https?://[^/"]+(/umfrage/[^"]+)"', html_of(reminder))[1]
    page.goto(live_server + link.replace("&amp;", "&"))
    page.get_by_role("button", name="Senden").click()
    smtp_server.handler.received.clear()
    with app.app_context():
        db.session.execute(
            update(Campaign).values(started_at=utcnow() - timedelta(days=8))
        )
        db.session.commit()
    run_worker(app)
    second = Counter(r.envelope_to[0] for r in smtp_server.handler.received)
    assert second == {"dave@example.org": 1}

    page.goto(f"{live_server}/surveys/{survey_id}/reminders")
    table = page.locator("table.data")
    expect(table.get_by_text("Erinnerung 2")).to_be_visible()
    expect(table.get_by_text("weniger als 5").first).to_be_visible()
    screenshot(page, "survey-reminders")
