"""A script reading the analysis API gets its errors as JSON it can read (the code
and a German sentence), never a login form or an HTML error page."""

import pytest

from core.db import db
from core.models import Role
from tests import factories


def a_survey(app, region: str | None = None) -> int:
    with app.app_context():
        question = factories.one_question_survey(db.session, region=region)
        factories.answer(db.session, question, question.options[:1], times=6)
        return question.survey_id


def test_without_a_login_the_api_answers_401_in_json(app, client):
    survey_id = a_survey(app)
    response = client.get(f"/api/surveys/{survey_id}/tables")
    assert response.status_code == 401
    assert response.get_json()["error"] == 401
    assert "melden Sie sich" in response.get_json()["message"]


def test_a_survey_of_another_region_is_404_in_json(app, client, login_as):
    survey_id = a_survey(app, region="suedwestfalen")
    login_as(Role.MANAGER, "dortmund")
    response = client.get(f"/api/surveys/{survey_id}/tables")
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert "keine solche Umfrage" in response.get_json()["message"]


def test_an_unknown_survey_is_404_in_json(app, client, login_as):
    login_as(Role.ANALYST)
    response = client.get("/api/surveys/999999/tables")
    assert (response.status_code, response.get_json()["error"]) == (404, 404)


def test_a_release_that_cannot_be_proven_is_503_in_json(
    app, client, login_as, monkeypatch
):
    survey_id = a_survey(app)
    monkeypatch.setattr("surveys.analysis.disclosure_audit.MAX_ROUNDS", 0)
    login_as(Role.ANALYST)
    response = client.get(f"/api/surveys/{survey_id}/tables")  # no Accept header
    assert response.status_code == 503
    assert "kleine Gruppen" in response.get_json()["message"]


@pytest.mark.parametrize("path", ["/analysis", "/subscribers"])
def test_pages_still_send_people_to_the_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
