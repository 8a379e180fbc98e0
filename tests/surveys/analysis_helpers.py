"""Responses made directly for analysis tests: exact counts per region and option."""

from sqlalchemy import select

from core.db import db
from core.models import Region
from newsletter.audience.models import Subscriber
from surveys.builder import add_option, add_question, create_survey, update_question
from surveys.models import Answer, SurveyResponse


def survey_with_choices(
    app, kind="single", labels=("A", "B", "C")
) -> tuple[int, int, list]:
    with app.app_context():
        survey = create_survey(db.session, "Analyse", None)
        question = add_question(db.session, survey, kind)
        update_question(question, {"de": "Frage"}, False, None)
        options = [
            add_option(db.session, question, {"de": label}, None, None).id
            for label in labels
        ]
        db.session.commit()
        return survey.id, question.id, options


def respond(
    app, survey_id, question_id, region_slug, option_ids, times=1, org_type=None
):
    """`times` respondents of the region, each choosing all of option_ids."""
    with app.app_context():
        region = db.session.scalar(select(Region).where(Region.slug == region_slug))
        for _ in range(times):
            response = SurveyResponse(
                survey_id=survey_id,
                source="public",
                region_id=region.id,
                org_type=org_type,
            )
            response.answers = [
                Answer(question_id=question_id, option_id=o) for o in option_ids
            ]
            db.session.add(response)
        db.session.commit()


def subscriber_count(app):
    with app.app_context():
        return db.session.scalar(select(Subscriber.id))
