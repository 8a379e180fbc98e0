"""The analysts' figures move once a day, not with every answer: an analyst who
compares the figures before and after one person answered would otherwise read
that person's answer off the difference. A release holds the answers given
before the start of the day (Europe/Berlin); the figures say up to when."""

from datetime import UTC, datetime, timedelta

from core.db import db, utcnow
from core.models import Role
from surveys.analysis.release import release_point
from surveys.analysis.report import build_report
from surveys.models import Survey
from tests import factories


def test_the_release_point_is_the_start_of_the_day_in_germany():
    summer = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert release_point(summer) == datetime(2026, 6, 30, 22, 0, tzinfo=UTC)
    winter_night = datetime(2026, 12, 5, 23, 30, tzinfo=UTC)  # 0:30 on the 6th
    assert release_point(winter_night) == datetime(2026, 12, 5, 23, 0, tzinfo=UTC)


def test_an_answer_of_today_changes_no_figure_until_tomorrow(app, client, login_as):
    with app.app_context():
        question = factories.one_question_survey(db.session)
        first = question.options[0]
        factories.answer(db.session, question, [first], region="dortmund", times=7)
        survey_id = question.survey_id
    login_as(Role.ANALYST)
    before = client.get(f"/api/surveys/{survey_id}/tables").get_json()
    with app.app_context():
        question = db.session.merge(question)
        (today,) = factories.answer(
            db.session, question, [question.options[1]], region="dortmund"
        )
        today.created_at = today.updated_at = utcnow()
        db.session.commit()
    after = client.get(f"/api/surveys/{survey_id}/tables").get_json()
    assert {k: v for k, v in after.items() if k != "generated_at"} == {
        k: v for k, v in before.items() if k != "generated_at"
    }
    page = client.get(f"/analysis/{survey_id}").get_data(as_text=True)
    assert "Antworten bis" in page


def test_an_answer_of_yesterday_is_in_the_figures(app):
    with app.app_context():
        question = factories.one_question_survey(db.session)
        made = factories.answer(
            db.session, question, [question.options[0]], region="dortmund", times=6
        )
        for response in made:
            response.created_at = response.updated_at = utcnow() - timedelta(days=2)
        db.session.commit()
        survey_id = question.survey_id
        figures = build_report(
            db.session, db.session.get(Survey, survey_id), {}, 5, "de"
        )
    assert figures.respondents == 6
    assert figures.answers_until == release_point(utcnow())


def test_an_issue_sent_today_is_not_counted_with_no_answer_beside_it(app):
    """Deliveries and clicks are held to the same time as the answers: an issue sent
    today would otherwise show „0 beantwortet, 0 %" until tomorrow."""
    from newsletter.sending.models import Delivery, DeliveryStatus
    from surveys.models import Click

    with app.app_context():
        question = factories.one_question_survey(db.session)
        made = factories.answer(
            db.session, question, [question.options[0]], region="dortmund", times=6
        )
        issue = factories.campaign(db.session)
        for response in made:
            response.campaign_id = issue.id
        db.session.add_all(
            [
                Delivery(
                    campaign_id=issue.id,
                    status=DeliveryStatus.SENT,
                    sent_at=utcnow() - timedelta(days=2),
                ),
                Delivery(
                    campaign_id=issue.id, status=DeliveryStatus.SENT, sent_at=utcnow()
                ),
                Click(survey_id=question.survey_id, campaign_id=issue.id),
            ]
        )
        db.session.commit()
        figures = build_report(
            db.session, db.session.get(Survey, question.survey_id), {}, 5, "de"
        )
        assert figures.release.campaigns[issue.id] == {"delivered": 1, "clicks": 0}


def test_a_survey_opened_today_says_its_figures_come_tomorrow(app, client, login_as):
    with app.app_context():
        question = factories.one_question_survey(db.session)
        survey = db.session.get(Survey, question.survey_id)
        survey.opens_at = utcnow()
        db.session.commit()
        survey_id = survey.id
    login_as(Role.ANALYST)
    page = client.get(f"/analysis/{survey_id}").get_data(as_text=True)
    assert "Die Umfrage läuft seit heute; ihre ersten Zahlen erscheinen morgen." in page
    assert "Zu wenige Antworten" not in page
