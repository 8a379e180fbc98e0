"""Welcome mails: after a confirmed sign-up, a region's (or the joint list's) welcome
mail in the person's language, and optionally a second one some days later.

Each is a standing campaign of kind `welcome` with a registered audience: whoever
confirmed a list of the region herself since the mail was switched on (and, for the
second, at least `delay_days` ago). A job adds them to the outbox every 30 seconds; the
unique (campaign, subscriber) key sends it once per person, and the gate skips
anyone who withdrew before it went."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select

from core.db import AnySelect, SessionLike, utcnow
from core.models import Region
from newsletter.audience.consent import ConsentKind
from newsletter.audience.models import (
    ConsentEvent,
    ConsentSource,
    Subscriber,
    Subscription,
)
from newsletter.campaigns.audiences import Audience
from newsletter.campaigns.blocks import new_block
from newsletter.campaigns.models import Campaign, CampaignStatus
from newsletter.sending.models import Delivery, DeliveryStatus, WelcomeMail
from newsletter.sending.outbox import eligible, enqueue, same_controller
from newsletter.sending.welcome_facts import explain_welcome

WELCOME = "welcome"
STEPS = (1, 2)


@dataclass(frozen=True)
class WelcomeInput:
    """Whether it goes out, and when (its content is edited as blocks, like an
    issue, in the editor)."""

    enabled: bool
    delay_days: int  # the second mail only


def welcome_mail(
    session: SessionLike, region: Region | None, step: int
) -> WelcomeMail | None:
    """The welcome mail of this step of a region (None: of the joint list)."""
    region_id = region.id if region else None
    return session.scalar(
        select(WelcomeMail).where(
            WelcomeMail.region_id.is_(None)
            if region_id is None
            else WelcomeMail.region_id == region_id,
            WelcomeMail.step == step,
        )
    )


def save_welcome(
    session: SessionLike, region: Region | None, step: int, given: WelcomeInput
) -> WelcomeMail:
    """Change (or create, switched off, with an empty German text block to start
    from) the welcome mail of this step of a region (None: of the joint list);
    switching it on welcomes whoever confirms from now on, not everyone before (the
    caller commits)."""
    mail = welcome_mail(session, region, step)
    if mail is None:
        region_id = region.id if region else None
        new = Campaign(
            kind=WELCOME,
            region_id=region_id,
            title=f"Willkommensmail {step}",
            blocks={"de": [new_block("text")]},
        )
        session.add(new)
        session.flush()
        mail = WelcomeMail(region_id=region_id, step=step, campaign_id=new.id)
        session.add(mail)
    campaign = session.get(Campaign, mail.campaign_id)
    assert campaign is not None  # noqa: S101 - foreign key
    mail.delay_days = given.delay_days if step > 1 else 0
    if given.enabled and campaign.status != CampaignStatus.SENDING:
        campaign.status = CampaignStatus.SENDING
        campaign.started_at = utcnow()
    elif not given.enabled and campaign.status == CampaignStatus.SENDING:
        switch_off(session, campaign)
    session.flush()
    return mail


def switch_off(session: SessionLike, campaign: Campaign) -> None:
    """Stop a welcome mail: whoever confirms while it is off is not welcomed, nor
    later when it is switched on again."""
    campaign.status = CampaignStatus.PAUSED
    session.execute(
        delete(Delivery).where(
            Delivery.campaign_id == campaign.id,
            Delivery.status == DeliveryStatus.QUEUED,
        )
    )


def newly_confirmed(session: SessionLike, campaign: Campaign) -> list[AnySelect]:
    """(subscriber id, list id) of whoever confirmed a list of the region herself
    (her opt-in mail, her preference centre; not an import or a manager) since the
    mail was switched on, at least its delay ago, and still wants it."""
    mail = session.scalar(
        select(WelcomeMail).where(WelcomeMail.campaign_id == campaign.id)
    )
    if mail is None or campaign.started_at is None:
        return []
    latest = utcnow() - timedelta(days=mail.delay_days)
    query = (
        select(Subscriber.id, func.min(Subscription.list_id))
        .join(Subscription, Subscription.subscriber_id == Subscriber.id)
        .join(
            ConsentEvent,
            (ConsentEvent.subscriber_id == Subscriber.id)
            & (ConsentEvent.list_id == Subscription.list_id),
        )
        .where(
            Subscription.list_id.in_(same_controller(campaign)),
            ConsentEvent.kind == ConsentKind.CONFIRMED,
            ConsentEvent.source == ConsentSource.FORM,
            ConsentEvent.at >= campaign.started_at,
            ConsentEvent.at <= latest,
        )
    )
    return [eligible(query).group_by(Subscriber.id)]


def enqueue_welcome_mails(session: SessionLike) -> int:
    """Add the people due for a welcome mail to the outbox (each once, whoever runs
    this, however often); returns how many campaigns were looked at."""
    running = list(
        session.scalars(
            select(Campaign).where(
                Campaign.kind == WELCOME, Campaign.status == CampaignStatus.SENDING
            )
        )
    )
    for campaign in running:
        enqueue(session, campaign)
        session.commit()
    return len(running)


def welcomed(session: SessionLike, mail: WelcomeMail) -> int:
    """How many got this welcome mail."""
    return int(
        session.scalar(
            select(func.count()).where(
                Delivery.campaign_id == mail.campaign_id,
                Delivery.status == DeliveryStatus.SENT,
            )
        )
        or 0
    )


WELCOME_AUDIENCE = Audience(
    WELCOME,
    newly_confirmed,
    standing=True,
    explain=explain_welcome,
    switch_off=switch_off,
)
