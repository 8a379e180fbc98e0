"""A manager tries the survey buttons of her test mail: they open a test view of
the survey with her click chosen, and nothing she does there counts as an answer.
A reader of the web version who clicks an answer finds it chosen, as in the mail."""

import re

from sqlalchemy import func, select

from core.db import db
from core.models import Role
from surveys.models import Survey, SurveyResponse
from tests import factories
from tests.fixtures.smtp import html_of, text_of
from tests.http import csrf_token


def an_issue_asking(app) -> tuple[int, int, int]:
    """(campaign id, survey id, id of the option "B")."""
    with app.app_context():
        question = factories.one_question_survey(db.session, region="suedwestfalen")
        campaign = factories.campaign(
            db.session,
            region="suedwestfalen",
            blocks=[
                {
                    "id": "s",
                    "type": "survey_question",
                    "survey": str(question.survey_id),
                }
            ],
        )
        return campaign.id, question.survey_id, question.options[1].id


def answers(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(SurveyResponse))


def test_the_buttons_of_a_test_mail_open_a_test_view_that_saves_nothing(
    app, client, login_as, smtp_server
):
    campaign_id, survey_id, option_b = an_issue_asking(app)
    login_as(Role.MANAGER, "suedwestfalen")
    page = client.get(f"/campaigns/{campaign_id}/preview").get_data(as_text=True)
    client.post(
        f"/campaigns/{campaign_id}/test",
        data={
            "csrf_token": csrf_token(page),
            "addresses": "me@example.org",
            "language": "de",
        },
    )
    [mail] = smtp_server.to("me@example.org")
    links = re.findall(r'href="([^"]+)"', html_of(mail).replace("&amp;", "&"))
    [button_b] = [link for link in links if link.endswith(f"&o={option_b}")]
    assert f"/umfrage/{survey_id}/probe/" in button_b
    assert button_b in text_of(mail)

    visitor = app.test_client()  # the mail opened anywhere, without the login
    view = visitor.get(button_b.removeprefix("http://localhost"))
    shown = view.get_data(as_text=True)
    assert view.status_code == 200
    assert "Testansicht" in shown
    assert re.search(rf'value="{option_b}"[^>]*checked', shown)
    assert 'method="post"' not in shown  # nothing to send
    assert "Set-Cookie" not in view.headers
    assert visitor.post(button_b.removeprefix("http://localhost")).status_code == 405
    assert answers(app) == 0


def test_a_test_view_needs_the_surveys_key(app, client):
    _campaign_id, survey_id, _option = an_issue_asking(app)
    assert client.get(f"/umfrage/{survey_id}/probe/geraten").status_code == 404


def test_a_click_in_the_web_version_finds_its_answer_chosen(app, client):
    _campaign_id, survey_id, option_b = an_issue_asking(app)
    with app.app_context():
        public_key = db.session.get(Survey, survey_id).public_key
    page = client.get(f"/umfrage/{survey_id}/offen/{public_key}?o={option_b}")
    shown = page.get_data(as_text=True)
    assert re.search(rf'value="{option_b}"[^>]*checked', shown)
    assert "Ihre Antwort aus der Mail ist unten gewählt" in shown
    assert answers(app) == 0  # chosen, not saved
