"""Reminders to the people who got a survey in an issue and have not answered.

Each step of a survey's plan becomes a campaign of kind `reminder` when it is due:
the job creates it (one `SurveyReminder` row per survey and step decides who creates
it), the dispatcher starts it, and its audience — registered with the outbox — is
computed then: the issue's recipients without an answer who still want the list.
The gate re-checks, before each message, that the survey is open and that the person
has not answered meanwhile."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Table, and_, bindparam, exists, func, or_, select
from sqlalchemy.exc import IntegrityError

from core.db import AnySelect, SessionLike, UTCDateTime, utcnow
from newsletter.audience.models import Subscriber, Subscription
from newsletter.campaigns.audiences import Audience
from newsletter.campaigns.models import ISSUE, Campaign, CampaignStatus
from newsletter.sending.models import Delivery, DeliveryStatus
from newsletter.sending.outbox import eligible
from surveys.models import ReminderPlan, Survey, SurveyReminder, SurveyResponse

REMINDER = "reminder"
MAX_STEPS = 3
STARTED = (CampaignStatus.SENDING, CampaignStatus.PAUSED, CampaignStatus.SENT)


class PlanError(ValueError):
    """A plan that cannot be saved; the message says why, for the manager."""


@dataclass(frozen=True)
class PlanInput:
    steps: int
    interval_days: int
    subject: dict[str, str]
    body: dict[str, str]


def save_plan(session: SessionLike, survey: Survey, given: PlanInput) -> ReminderPlan:
    """Create or change the survey's plan (the caller commits)."""
    plan = session.get(ReminderPlan, survey.id) or ReminderPlan(survey_id=survey.id)
    plan.steps = given.steps
    plan.interval_days = given.interval_days
    plan.subject = {k: v.strip() for k, v in given.subject.items() if v.strip()}
    plan.body = {k: v.strip() for k, v in given.body.items() if v.strip()}
    session.add(plan)
    session.flush()
    return plan


def issues_with(session: SessionLike, survey_id: int) -> list[Campaign]:
    """The issues that went out with the survey's question in them."""
    started = session.scalars(
        select(Campaign)
        .where(Campaign.kind == ISSUE, Campaign.status.in_(STARTED))
        .order_by(Campaign.id)
    )
    return [c for c in started if survey_id in _embedded_surveys(c)]


def _embedded_surveys(campaign: Campaign) -> set[int]:
    return {
        int(block["survey"])
        for blocks in (campaign.blocks or {}).values()
        for block in blocks
        if block.get("type") == "survey_question"
        and str(block.get("survey") or "").isdigit()
    }


def sent_steps(session: SessionLike, survey_id: int) -> list[SurveyReminder]:
    return list(
        session.scalars(
            select(SurveyReminder)
            .where(SurveyReminder.survey_id == survey_id)
            .order_by(SurveyReminder.step)
        )
    )


def next_due_at(
    session: SessionLike, plan: ReminderPlan
) -> tuple[int, datetime] | None:
    """The plan's next step and when it is due: `interval_days` after the last issue
    with the survey (the first step) or after the previous reminder started. So a
    step due while the worker was stopped goes out once when it runs again, and the
    next one an interval later, not all at once."""
    done = sent_steps(session, plan.survey_id)
    step = len(done) + 1
    if step > min(plan.steps, MAX_STEPS):
        return None
    if done:
        previous = session.get(Campaign, done[-1].campaign_id)
        since = previous.started_at if previous is not None else None
    else:
        starts = [c.started_at for c in issues_with(session, plan.survey_id)]
        since = max((s for s in starts if s is not None), default=None)
    if since is None:
        return None
    return step, since + timedelta(days=plan.interval_days)


def start_due_reminders(session: SessionLike, now: datetime | None = None) -> list[int]:
    """Create the campaign of each due step, scheduled for now; returns their ids.
    Idempotent: a step another process created first is left to it."""
    now = now or utcnow()
    created = []
    for plan in list(session.scalars(select(ReminderPlan).where(ReminderPlan.active))):
        survey = session.get(Survey, plan.survey_id)
        if survey is None or not survey.is_open(now):
            continue  # before reading the issues: closed plans cost nothing
        due = next_due_at(session, plan)
        if due is None or due[1] > now:
            continue
        campaign = reminder_campaign(survey, plan, due[0], now)
        session.add(campaign)
        session.flush()
        session.add(
            SurveyReminder(survey_id=survey.id, step=due[0], campaign_id=campaign.id)
        )
        try:
            session.commit()
        except IntegrityError:  # another worker started this step
            session.rollback()
            continue
        created.append(campaign.id)
    return created


def reminder_campaign(
    survey: Survey, plan: ReminderPlan, step: int, now: datetime
) -> Campaign:
    """The campaign of a plan's step, scheduled for `now` (not added to a session)."""
    blocks = {
        language: [
            {"id": "r-text", "type": "text", "body": body},
            {"id": "r-survey", "type": "survey_question", "survey": str(survey.id)},
        ]
        for language, body in plan.body.items()
    }
    return Campaign(
        kind=REMINDER,
        region_id=survey.region_id,
        title=f"{survey.title_for('de')} – Erinnerung {step}",
        subject=dict(plan.subject),
        preheader={},
        blocks=blocks,
        status=CampaignStatus.SCHEDULED,
        scheduled_at=now,
    )


def _reminded_survey(session: SessionLike, campaign: Campaign) -> int | None:
    return session.scalar(
        select(SurveyReminder.survey_id).where(
            SurveyReminder.campaign_id == campaign.id
        )
    )


def non_respondents(session: SessionLike, campaign: Campaign) -> list[AnySelect]:
    """(subscriber id, list id) of everyone an issue with the survey reached who has
    not answered and still wants the list it came through."""
    survey_id = _reminded_survey(session, campaign)
    survey = session.get(Survey, survey_id) if survey_id else None
    if survey is None or not survey.is_open():
        return []
    issues = [c.id for c in issues_with(session, survey.id)]
    answered = select(SurveyResponse.subscriber_id).where(
        SurveyResponse.survey_id == survey.id,
        SurveyResponse.subscriber_id.is_not(None),
    )
    query = (
        select(Delivery.subscriber_id, func.min(Delivery.list_id))
        .join(Subscriber, Subscriber.id == Delivery.subscriber_id)
        .join(
            Subscription,
            and_(
                Subscription.subscriber_id == Delivery.subscriber_id,
                Subscription.list_id == Delivery.list_id,
            ),
        )
        .where(
            Delivery.campaign_id.in_(issues),
            Delivery.status == DeliveryStatus.SENT,
            Delivery.subscriber_id.not_in(answered),
        )
    )
    return [eligible(query).group_by(Delivery.subscriber_id)]


def still_without_answer(deliveries: Table, campaigns: Table) -> ColumnElement[bool]:
    """For the gate: the reminded survey is open now and the person has not
    answered it."""
    reminders: Table = SurveyReminder.__table__  # type: ignore[assignment]
    surveys: Table = Survey.__table__  # type: ignore[assignment]
    responses: Table = SurveyResponse.__table__  # type: ignore[assignment]
    now = bindparam("g_now", type_=UTCDateTime())
    return (
        exists()
        .where(
            reminders.c.campaign_id == campaigns.c.id,
            surveys.c.id == reminders.c.survey_id,
            or_(surveys.c.opens_at.is_(None), surveys.c.opens_at <= now),
            or_(surveys.c.closes_at.is_(None), surveys.c.closes_at > now),
            ~exists()
            .where(
                responses.c.survey_id == reminders.c.survey_id,
                responses.c.subscriber_id == deliveries.c.subscriber_id,
            )
            .correlate_except(responses),
        )
        .correlate_except(reminders, surveys)
    )


REMINDER_AUDIENCE = Audience(REMINDER, non_respondents, still_without_answer)
