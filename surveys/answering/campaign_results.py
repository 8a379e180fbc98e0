"""The survey section of an issue's results page: answers given through the issue
and the response rate, per embedded survey. Everyone who answered is counted, also
people erased since (their answers stay, linked to nobody); how many of them is
said from MIN_CELL on, so that a single erasure changes nothing shown. The survey's
reminder page counts otherwise: only whom a reminder can still reach."""

from flask import current_app
from sqlalchemy import func, select

from core.db import db
from core.home import Panel
from newsletter.campaigns.models import Campaign
from newsletter.sending.models import Delivery, DeliveryStatus
from surveys.answering.question_block import embedded_survey_ids
from surveys.models import Survey, SurveyResponse


def survey_results_section(campaign: Campaign) -> Panel | None:
    counts = db.session.execute(
        select(
            SurveyResponse.survey_id,
            func.count(),
            func.count().filter(SurveyResponse.subscriber_id.is_(None)),
        )
        .where(SurveyResponse.campaign_id == campaign.id)
        .group_by(SurveyResponse.survey_id)
    ).all()
    answered = {survey_id: count for survey_id, count, _erased in counts}
    min_cell = int(current_app.config["MIN_CELL"])
    erased = {
        survey_id: count for survey_id, _count, count in counts if count >= min_cell
    }
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
            "erased": erased.get(survey.id),
            "rate": answered.get(survey.id, 0) / delivered if delivered else None,
        }
        for survey in db.session.scalars(
            select(Survey).where(Survey.id.in_(survey_ids)).order_by(Survey.id)
        )
    ]
    return Panel("surveys/_campaign_results.html", {"rows": rows}, order=40)
