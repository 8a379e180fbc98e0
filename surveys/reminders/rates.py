"""How many of the people reminded answered, after the issue and after each
reminder: for the managers of the survey's region, with small counts suppressed as
everywhere (never on the analysts' side, where a reminder's count next to its
answers would single out its few late respondents)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from core.db import SessionLike
from newsletter.campaigns.models import Campaign
from newsletter.sending.models import Delivery, DeliveryStatus
from surveys.models import SurveyResponse
from surveys.reminders.plans import issues_with, sent_steps


@dataclass(frozen=True)
class StepRate:
    step: int  # 0: the issue itself
    started_at: datetime | None
    reached: int | None  # None: fewer than MIN_CELL, not shown
    answered: int | None

    @property
    def share(self) -> float | None:
        if not self.reached or self.answered is None:
            return None
        return self.answered / self.reached


def _shown(count: int, min_cell: int) -> int | None:
    return count if count >= min_cell else None


def step_rates(session: SessionLike, survey_id: int, min_cell: int) -> list[StepRate]:
    """Per step: the people it reached and how many of them answered before the
    next step started (or until now)."""
    issues = issues_with(session, survey_id)
    steps: list[tuple[int, list[int], datetime | None]] = [
        (
            0,
            [c.id for c in issues],
            min((c.started_at for c in issues if c.started_at), default=None),
        )
    ]
    for reminder in sent_steps(session, survey_id):
        campaign = session.get(Campaign, reminder.campaign_id)
        steps.append(
            (
                reminder.step,
                [reminder.campaign_id],
                campaign.started_at if campaign else None,
            )
        )
    rates = []
    for index, (step, campaign_ids, started_at) in enumerate(steps):
        following = steps[index + 1][2] if index + 1 < len(steps) else None
        reached = select(Delivery.subscriber_id).where(
            Delivery.campaign_id.in_(campaign_ids),
            Delivery.status == DeliveryStatus.SENT,
        )
        answered = select(
            func.count(func.distinct(SurveyResponse.subscriber_id))
        ).where(
            SurveyResponse.survey_id == survey_id,
            SurveyResponse.subscriber_id.in_(reached),
        )
        if step and started_at is not None:
            answered = answered.where(SurveyResponse.created_at >= started_at)
        if following is not None:
            answered = answered.where(SurveyResponse.created_at < following)
        count = session.scalar(
            select(func.count(func.distinct(Delivery.subscriber_id))).where(
                Delivery.campaign_id.in_(campaign_ids),
                Delivery.status == DeliveryStatus.SENT,
            )
        )
        rates.append(
            StepRate(
                step,
                started_at,
                _shown(int(count or 0), min_cell),
                _shown(int(session.scalar(answered) or 0), min_cell),
            )
        )
    return rates
