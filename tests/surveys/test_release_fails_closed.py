"""When the auditor cannot prove a release safe, nothing of it is shown: the
analyst reads why (in German) on every page, file and API, and a mail's results
block is left out rather than sent with unaudited figures.

The auditor is made to give up by allowing it no round at all."""

import pytest

from core.db import db
from core.models import Role
from tests import factories


@pytest.fixture
def auditor_gives_up(monkeypatch):
    monkeypatch.setattr("surveys.analysis.disclosure_audit.MAX_ROUNDS", 0)


def a_survey_with_answers(app) -> int:
    with app.app_context():
        question = factories.one_question_survey(db.session)
        first, second = question.options[:2]
        factories.answer(db.session, question, [first], region="dortmund", times=9)
        factories.answer(db.session, question, [second], region="dortmund", times=2)
        factories.answer(db.session, question, [first], region="suedwestfalen", times=8)
        return question.survey_id


def test_pages_files_and_api_show_nothing_and_say_why(
    app, client, login_as, auditor_gives_up
):
    survey_id = a_survey_with_answers(app)
    login_as(Role.ANALYST)
    for path in (
        f"/analysis/{survey_id}",
        f"/analysis/{survey_id}/bericht",
        f"/analysis/{survey_id}/download.csv",
        f"/analysis/{survey_id}/download.xlsx",
    ):
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 503, path
        assert "ohne kleine Gruppen preiszugeben" in page, path
        assert "Südwestfalen" not in page or "<html" in page, path
    api = client.get(
        f"/api/surveys/{survey_id}/tables", headers={"Accept": "application/json"}
    )
    assert api.status_code == 503
    assert "kleine Gruppen" in api.get_json()["message"]


def test_a_mails_results_block_is_left_out(app, auditor_gives_up):
    from newsletter.campaigns.rendering import compile_campaign

    survey_id = a_survey_with_answers(app)
    with app.app_context():
        block = {"id": "r", "type": "survey_results", "survey": str(survey_id)}
        campaign = factories.campaign(
            db.session, region="suedwestfalen", blocks=[{**block, "heading": ""}]
        )
        compiled = compile_campaign(campaign, "de")
    assert "Anteil" not in compiled.text
    assert "%" not in compiled.text


def test_answers_without_a_required_question_do_not_close_the_analysis(
    app, client, login_as
):
    """A question made required after answers came in leaves responses without
    it: the audit must not assume that everyone answered it (the LP it solves
    had no solution, and the survey showed no figures at all)."""
    with app.app_context():
        survey = factories.survey(db.session)
        first, scale = survey.questions[:2]
        a, b = first.options[:2]
        factories.answer(db.session, first, [b], region=None, times=2)
        factories.answer(db.session, scale, value=3, region="dortmund")  # not first
        factories.answer(db.session, first, [b], org_type="company", times=4)
        factories.answer(db.session, first, [a], region=None, times=9)
        factories.answer(
            db.session, first, [a], region="suedwestfalen", org_type="company", times=9
        )
        survey_id = survey.id
    login_as(Role.ANALYST)
    response = client.get(f"/analysis/{survey_id}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]


def test_a_survey_with_only_small_groups_shows_no_count_of_nobody(
    app, client, login_as
):
    """One answer: its region is under 5 and left out of every total, so the
    total holds nobody; the chart says so instead of „0 Personen"."""
    with app.app_context():
        question = factories.one_question_survey(db.session)
        factories.answer(db.session, question, [question.options[0]], times=1)
        survey_id = question.survey_id
    login_as(Role.ANALYST)
    page = client.get(f"/analysis/{survey_id}").get_data(as_text=True)
    assert "0 Personen" not in page
    assert "noch niemand gezählt" in page
