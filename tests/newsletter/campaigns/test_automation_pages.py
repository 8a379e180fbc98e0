"""A welcome mail and a survey reminder are not issues: nobody picks their lists. Their
editor and pre-send checklist say whom they reach, what starts them and what is sent
when, instead of asking for a list ("Kein Verteiler ... gewählt" would be untrue)."""

from core.db import db
from core.models import Role
from newsletter.sending.welcome import welcome_mail
from surveys.reminders.plans import start_due_reminders
from tests import factories
from tests.newsletter.sending.test_welcome_mails import switch_on
from tests.surveys.test_reminders import issue_with_survey, plan

NO_LIST = "Kein Verteiler und kein Segment als Ziel gewählt."


def welcome_campaign_id(app, step=1, region="dortmund"):
    with app.app_context():
        found = factories.find_region(db.session, region)
        return welcome_mail(db.session, found, step).campaign_id


def reminder_campaign_id(app, smtp_server):
    survey_id, _mails = issue_with_survey(app, smtp_server)
    plan(app, survey_id)
    with app.app_context():
        [created] = start_due_reminders(db.session)
        return created


def test_a_welcome_mails_checklist_names_its_lists_and_its_trigger(
    app, client, login_as
):
    switch_on(app)
    login_as(Role.MANAGER, "dortmund")
    checklist = f"/campaigns/{welcome_campaign_id(app)}/preview"
    assert f'href="{checklist}"' in client.get("/welcome/dortmund").text
    page = client.get(checklist).text
    assert NO_LIST not in page
    assert "Zielgruppe: wer einen Verteiler von Dortmund selbst bestätigt" in page
    assert "Newsletter Dortmund" in page
    assert "Brückenschlag interregional" not in page  # another controller's list
    assert "Auslöser: die Bestätigung der Anmeldung" in page
    assert "einmal, etwa eine Minute nach der Bestätigung" in page
    assert "Eingeschaltet seit" in page


def test_the_second_welcome_mail_says_how_many_days_later_it_goes(
    app, client, login_as
):
    switch_on(app, step=2, delay_days=5)
    login_as(Role.MANAGER, "dortmund")
    page = client.get(f"/campaigns/{welcome_campaign_id(app, step=2)}/preview").text
    assert "einmal, 5 Tage nach der Bestätigung" in page


def test_a_switched_off_welcome_mail_says_nobody_gets_it(app, client, login_as):
    switch_on(app, enabled=False)
    login_as(Role.MANAGER, "dortmund")
    page = client.get(f"/campaigns/{welcome_campaign_id(app)}/preview").text
    assert "Ausgeschaltet: niemand erhält diese Mail." in page


def test_a_reminders_checklist_names_its_issue_and_who_gets_it(
    app, client, login_as, smtp_server
):
    reminder = reminder_campaign_id(app, smtp_server)
    login_as(Role.MANAGER, "dortmund")
    page = client.get(f"/campaigns/{reminder}/preview").text
    assert NO_LIST not in page
    assert "Erinnerung 1 von 2 an die Umfrage „Was brauchen Sie?“" in page
    assert "Ausgabe mit der Umfrage: Märzausgabe" in page
    assert (
        "Zielgruppe: wer diese Ausgabe erhalten und noch nicht geantwortet hat" in page
    )
    assert "nach der Ausgabe" in page


def test_the_editor_of_an_automated_mail_shows_its_audience_not_list_choices(
    app, client, login_as, smtp_server
):
    switch_on(app)
    reminder = reminder_campaign_id(app, smtp_server)
    login_as(Role.MANAGER, "dortmund")
    welcome = client.get(f"/campaigns/{welcome_campaign_id(app)}").text
    assert 'name="lists"' not in welcome
    assert "Auslöser: die Bestätigung der Anmeldung" in welcome
    assert 'href="/welcome/dortmund"' in welcome
    sending = client.get(f"/campaigns/{welcome_campaign_id(app)}/send").text
    assert "<h2>Zielgruppe und Versand</h2>" in sending
    assert "Auslöser: die Bestätigung der Anmeldung" in sending
    reminded = client.get(f"/campaigns/{reminder}").text
    assert 'name="lists"' not in reminded
    assert "Ausgabe mit der Umfrage: Märzausgabe" in reminded
    assert "/reminders" in reminded


def test_another_regions_manager_cannot_open_them(app, client, login_as, smtp_server):
    switch_on(app)
    reminder = reminder_campaign_id(app, smtp_server)
    login_as(Role.MANAGER, "suedwestfalen")
    for campaign_id in (welcome_campaign_id(app), reminder):
        for path in ("", "/preview"):
            assert client.get(f"/campaigns/{campaign_id}{path}").status_code == 404
