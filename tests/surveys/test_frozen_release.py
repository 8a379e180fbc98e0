"""An answer changed today by someone who answered before today changes none of
today's figures, once the worker has kept the day's inputs: otherwise an analyst
would read her old and new answers off the difference (outside review, HIGH)."""

from sqlalchemy import select

from core.db import db, utcnow
from core.models import Region, Role
from surveys.analysis.release import release_point
from surveys.jobs import freeze_releases
from surveys.models import Answer, SurveyResponse
from tests import factories


def test_an_answer_changed_today_changes_no_figure_of_today(app, client, login_as):
    with app.app_context():
        question = factories.one_question_survey(db.session)
        first, second, _third = question.options
        factories.answer(db.session, question, [first], region="dortmund", times=7)
        factories.answer(db.session, question, [second], region="dortmund", times=6)
        survey_id, first_id, second_id = question.survey_id, first.id, second.id
        assert freeze_releases() == [survey_id]
        assert freeze_releases() == []  # once a day
    login_as(Role.ANALYST)
    before = client.get(f"/api/surveys/{survey_id}/tables").get_json()
    with app.app_context():  # she changes her answer and her region today
        changed = db.session.scalar(
            select(Answer).where(Answer.option_id == first_id).limit(1)
        )
        changed.option_id = second_id
        response = db.session.get(SurveyResponse, changed.response_id)
        response.region_id = db.session.scalar(
            select(Region.id).where(Region.slug == "suedwestfalen")
        )
        response.updated_at = utcnow()
        from surveys.models import Survey

        db.session.get(Survey, survey_id).version += 1  # and the survey is edited
        db.session.commit()
    after = client.get(f"/api/surveys/{survey_id}/tables").get_json()
    assert after == before


def test_the_days_inputs_follow_the_start_of_the_day(app):
    with app.app_context():
        question = factories.one_question_survey(db.session)
        factories.answer(db.session, question, [question.options[0]], times=6)
        freeze_releases()
        from surveys.models import FrozenRelease

        (kept,) = db.session.scalars(select(FrozenRelease)).all()
        assert kept.until == release_point(utcnow())


def test_every_survey_with_answers_is_kept_once_for_today_only(app):
    from datetime import timedelta

    from surveys.models import FrozenRelease, Survey

    with app.app_context():
        open_one = factories.one_question_survey(db.session)
        closed = factories.one_question_survey(db.session)
        for question in (open_one, closed):
            factories.answer(db.session, question, [question.options[0]], times=6)
        db.session.get(Survey, closed.survey_id).closes_at = utcnow() - timedelta(
            days=1
        )
        db.session.add(
            FrozenRelease(
                survey_id=open_one.survey_id,
                until=release_point(utcnow()) - timedelta(days=1),
                people=b"",
                answers=b"",
            )
        )
        db.session.commit()
        assert sorted(freeze_releases()) == sorted(
            [open_one.survey_id, closed.survey_id]
        )
        kept = db.session.scalars(select(FrozenRelease.until)).all()
        assert kept == [release_point(utcnow())] * 2
