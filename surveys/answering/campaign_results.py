"""The survey section of an issue's results page: answers given through the issue
and the response rate, per embedded survey."""

from sqlalchemy import func, select

from core.db import db
from core.home import Panel
from newsletter.campaigns.models import Campaign
from newsletter.sending.models import Delivery, DeliveryStatus
from surveys.answering.question_block import embedded_survey_ids
from surveys.models import Survey, SurveyResponse


def survey_results_section(campaign: Campaign) -> Panel | None:
    answered = dict(
        db.session.execute(
            select(SurveyResponse.survey_id, func.count())
            .where(SurveyResponse.campaign_id == campaign.id)
            .group_by(SurveyResponse.survey_id)
        ).all()
    )
    survey_ids = sorted(set(embedded_survey_ids(campaign)) | set(answered))
    if not survey_ids:
        return None
    delivered = (
        db.session.scalar(
            select(func.count())
            .select_from(Delivery)
            .where(
                Delivery.campaign_id == campaign.id,
                Delivery.status == DeliveryStatus.SENT,
            )
        )
        or 0
    )
    rows = [
        {
            "survey": survey,
            "answers": answered.get(survey.id, 0),
            "rate": answered.get(survey.id, 0) / delivered if delivered else None,
        }
        for survey in db.session.scalars(
            select(Survey).where(Survey.id.in_(survey_ids)).order_by(Survey.id)
        )
    ]
    return Panel("surveys/_campaign_results.html", {"rows": rows}, order=40)
