"""The reminder plan page: for the managers of the survey's region only, German
messages for bad input that keep what was typed, and the answers per step with
small counts suppressed."""

import pytest

from core.db import db
from core.models import Role
from surveys.models import ReminderPlan
from tests import factories
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
