"""The reminder plan page: for the managers of the survey's region only, German
messages for bad input that keep what was typed, and the answers per step with
small counts suppressed."""

import pytest

from core.db import db
from core.models import Role
from surveys.models import ReminderPlan
from tests import factories
from tests.fixtures.smtp import text_of
from tests.http import csrf_token, submit

PLAN = {
    "steps": "2",
    "interval_days": "7",
    "subject_de": "Erinnerung: Ihre Meinung zählt",
    "body_de": "Eine Minute genügt.",
    "subject_en": "",
    "body_en": "",
}


def plan_of(app, survey_id):
    with app.app_context():
        return db.session.get(ReminderPlan, survey_id)


def test_a_manager_sets_up_reminders_for_her_regions_survey(app, client, login_as):
    survey_id = factories.made_in(app, factories.survey, region="dortmund")
    login_as(Role.MANAGER, "dortmund")
    editor = client.get(f"/surveys/{survey_id}").get_data(as_text=True)
    assert f"/surveys/{survey_id}/reminders" in editor

    page = f"/surveys/{survey_id}/reminders"
    shown = client.get(page).get_data(as_text=True)
    assert "Erinnerung: Was brauchen Sie?" in shown  # a subject to start from
    response = submit(client, page, data=PLAN, follow_redirects=True)
    assert "Gespeichert." in response.get_data(as_text=True)
    plan = plan_of(app, survey_id)
    assert (plan.steps, plan.interval_days) == (2, 7)
    assert plan.subject == {"de": "Erinnerung: Ihre Meinung zählt"}
    assert plan.body == {"de": "Eine Minute genügt."}


def test_bad_input_gets_german_messages_and_keeps_what_was_typed(app, client, login_as):
    survey_id = factories.made_in(app, factories.survey, region="dortmund")
    login_as(Role.MANAGER, "dortmund")
    page = f"/surveys/{survey_id}/reminders"
    response = submit(
        client,
        page,
        data={**PLAN, "steps": "5", "body_de": "", "body_en": "One minute."},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Bitte zwischen 0 (keine) und 3 Erinnerungen wählen." in html
    assert "Bitte geben Sie einen deutschen Text ein." in html
    assert "One minute." in html
    assert "Erinnerung: Ihre Meinung zählt" in html
    assert plan_of(app, survey_id) is None


@pytest.mark.parametrize(
    ("role", "region", "status"),
    [
        (Role.MANAGER, "suedwestfalen", 404),
        (Role.MANAGER, None, 404),  # the interregional manager: joint list only
        (Role.ANALYST, None, 403),
    ],
)
def test_other_regions_and_analysts_cannot_see_or_change_the_plan(
    app, client, login_as, role, region, status
):
    survey_id = factories.made_in(app, factories.survey, region="dortmund")
    login_as(role, region)
    page = f"/surveys/{survey_id}/reminders"
    assert client.get(page).status_code == status
    token = csrf_token(client.get("/").get_data(as_text=True))
    assert client.post(page, data={**PLAN, "csrf_token": token}).status_code == status
    assert plan_of(app, survey_id) is None


def test_a_post_without_csrf_token_changes_nothing(app, client, login_as):
    survey_id = factories.made_in(app, factories.survey, region="dortmund")
    login_as(Role.MANAGER, "dortmund")
    page = f"/surveys/{survey_id}/reminders"
    client.post(page, data=PLAN)
    assert plan_of(app, survey_id) is None


def test_the_answers_per_step_hide_counts_below_min_cell(
    app, client, login_as, smtp_server
):
    from tests.surveys.test_reminders import issue_with_survey, plan, run_worker

    survey_id, _ = issue_with_survey(app, smtp_server)
    plan(app, survey_id)
    run_worker(app)
    login_as(Role.MANAGER, "dortmund")
    html = client.get(f"/surveys/{survey_id}/reminders").get_data(as_text=True)
    assert "Erinnerung 1" in html
    assert "weniger als 5" in html
    assert ">4<" not in html  # four reached: too few to show


def due_plan_page(app, smtp_server):
    """A survey whose issue went out eight days ago (so a first reminder is due),
    and the address of its reminder page."""
    from tests.surveys.test_reminders import issue_with_survey

    survey_id, _mails = issue_with_survey(app, smtp_server)
    return survey_id, f"/surveys/{survey_id}/reminders"


def test_an_unknown_placeholder_is_saved_but_not_switched_on(
    app, client, login_as, smtp_server
):
    from tests.surveys.test_reminders import run_worker

    survey_id, page = due_plan_page(app, smtp_server)
    login_as(Role.MANAGER, "dortmund")
    typed = "{{ greeting }}, Ihre Antwort fehlt uns noch, {{ vorname }}."

    response = submit(client, page, data={**PLAN, "body_de": typed})
    html = client.get(response.headers["Location"]).get_data(as_text=True)

    assert "Gespeichert, aber nicht eingeschaltet" in html
    assert "Platzhalter {{ vorname }} ist unbekannt" in html
    assert typed in html  # the text kept as typed
    assert "Nicht eingeschaltet" in html
    assert run_worker(app) == []
    assert smtp_server.handler.received == []

    submit(client, page, data=PLAN)  # corrected: switched on, and the step goes
    assert "Gespeichert." in client.get(page).get_data(as_text=True)
    assert len(run_worker(app)) == 1
    assert len(smtp_server.handler.received) == 4


def test_the_checklist_says_whom_it_reaches_when_and_in_which_language(
    app, client, login_as, smtp_server
):
    survey_id, page = due_plan_page(app, smtp_server)
    login_as(Role.MANAGER, "dortmund")
    submit(client, page, data=PLAN)

    html = client.get(page).get_data(as_text=True)

    assert "Checkliste" in html
    assert "Erinnerung 1 von 2 an die Umfrage „Was brauchen Sie?“" in html
    assert "noch nicht geantwortet" in html  # whom it reaches
    assert "Versand:" in html  # when
    assert "Es gibt keine englische Fassung" in html  # language


def test_the_preview_shows_the_mail_in_german_and_english_with_the_question(
    app, client, login_as, smtp_server
):
    survey_id, page = due_plan_page(app, smtp_server)
    login_as(Role.MANAGER, "dortmund")
    submit(client, page, data={**PLAN, "body_en": "One minute is enough."})

    html = client.get(page).get_data(as_text=True)
    german = client.get(f"{page}/preview.html?lang=de")
    english = client.get(f"{page}/preview.html?lang=en").get_data(as_text=True)

    assert f"{page}/preview.html?lang=de" in html
    assert f"{page}/preview.html?lang=en" in html
    assert "sandbox" in german.headers["Content-Security-Policy"]
    shown = german.get_data(as_text=True)
    assert "Eine Minute genügt." in shown
    assert "Fachkräfte" in shown  # the first question's answers as buttons
    assert "/umfrage/" in shown
    assert "One minute is enough." in english
    assert "Skilled workers" in english


def test_a_test_mail_goes_to_the_managers_own_address_through_smtp(
    app, client, login_as, smtp_server
):
    survey_id, page = due_plan_page(app, smtp_server)
    login_as(Role.MANAGER, "dortmund")
    submit(client, page, data={**PLAN, "body_en": "One minute is enough."})

    response = submit(
        client,
        page,
        action=f"{page}/test",
        data={"language": "en", "addresses": "someone@example.org"},
        follow_redirects=True,
    )

    assert "manager-dortmund@example.org" in response.get_data(as_text=True)
    [mail] = smtp_server.to("manager-dortmund@example.org")
    assert mail["Subject"] == "[Test] Erinnerung: Ihre Meinung zählt"
    assert "One minute is enough." in text_of(mail)
    assert "Skilled workers" in text_of(mail)
    assert smtp_server.to("someone@example.org") == []
    assert len(smtp_server.handler.received) == 1  # nobody else


@pytest.mark.parametrize(
    ("role", "region", "status"),
    [(Role.MANAGER, "suedwestfalen", 404), (Role.ANALYST, None, 403)],
)
def test_other_regions_and_analysts_get_no_preview_and_no_test_mail(
    app, client, login_as, smtp_server, role, region, status
):
    survey_id, page = due_plan_page(app, smtp_server)
    from tests.surveys.test_reminders import plan

    plan(app, survey_id)
    login_as(role, region)
    assert client.get(f"{page}/preview.html?lang=de").status_code == status
    token = csrf_token(client.get("/").get_data(as_text=True))
    response = client.post(f"{page}/test", data={"csrf_token": token, "language": "de"})
    assert response.status_code == status
    client.post(f"{page}/test", data={"language": "de"})
    assert smtp_server.handler.received == []
