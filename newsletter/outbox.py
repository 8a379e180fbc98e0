"""The outbox: due campaigns become one Delivery row per recipient, exactly once.

The scheduler only wakes this up; a conditional update decides which process starts a
campaign, and the unique (campaign, subscriber) key makes a second enqueue harmless."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.db import AnySelect, SessionLike, utcnow
from newsletter.campaign_models import (
    OPEN_DELIVERY_STATES,
    Campaign,
    CampaignStatus,
    Delivery,
)
from newsletter.filters import SubscriberFilter
from newsletter.models import (
    MailingList,
    Segment,
    Subscriber,
    SubscriberStatus,
    Subscription,
    SubscriptionStatus,
)

CHUNK = 5000


def eligible(query: AnySelect) -> AnySelect:
    """Only confirmed, active people: never pending, unsubscribed, bounced, erased."""
    return query.where(
        Subscriber.status == SubscriberStatus.ACTIVE,
        Subscriber.email.is_not(None),
        Subscription.status == SubscriptionStatus.ACTIVE,
    )


def recipients(session: SessionLike, campaign: Campaign) -> dict[int, int]:
    """subscriber id → the list (with confirmed consent) through which they get it."""
    found: dict[int, int] = {}
    if campaign.list_ids:
        rows = session.execute(
            eligible(
                select(Subscriber.id, func.min(Subscription.list_id))
                .join(Subscription, Subscription.subscriber_id == Subscriber.id)
                .where(Subscription.list_id.in_(campaign.list_ids))
            ).group_by(Subscriber.id)
        )
        found.update({int(sid): int(lid) for sid, lid in rows})
    for segment_id in campaign.segment_ids:
        segment = session.get(Segment, segment_id)
        if segment is None:
            continue
        # A segment selects people; consent still comes from a list of the sender.
        allowed_lists = select(MailingList.id)
        if campaign.region_id is not None:
            allowed_lists = allowed_lists.where(
                or_(
                    MailingList.region_id == campaign.region_id,
                    MailingList.region_id.is_(None),
                )
            )
        query = (
            SubscriberFilter.from_mapping(segment.filters)
            .apply(
                select(Subscriber.id, func.min(Subscription.list_id)).join(
                    Subscription, Subscription.subscriber_id == Subscriber.id
                )
            )
            .where(Subscription.list_id.in_(allowed_lists))
        )
        for subscriber_id, list_id in session.execute(
            eligible(query).group_by(Subscriber.id)
        ):
            found.setdefault(subscriber_id, list_id)
    return found


def _insert(session: SessionLike):  # type: ignore[no-untyped-def]
    dialect = session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(Delivery)


def enqueue(session: SessionLike, campaign: Campaign) -> int:
    """Create the missing Delivery rows; returns the number of recipients."""
    targets = recipients(session, campaign)
    rows = [
        {
            "campaign_id": campaign.id,
            "subscriber_id": sid,
            "list_id": lid,
            "status": "queued",
            "attempts": 0,
            "last_error": "",
            "created_at": utcnow(),
        }
        for sid, lid in targets.items()
    ]
    for start in range(0, len(rows), CHUNK):
        statement = _insert(session).on_conflict_do_nothing(
            index_elements=["campaign_id", "subscriber_id"]
        )
        session.execute(statement, rows[start : start + CHUNK])
    return len(rows)


def dispatch_due(session: SessionLike, now: datetime | None = None) -> list[int]:
    """Start every campaign whose time has come; each is started by one process only."""
    now = now or utcnow()
    started = []
    due = list(
        session.scalars(
            select(Campaign.id).where(
                Campaign.status == CampaignStatus.SCHEDULED,
                Campaign.scheduled_at <= now,
            )
        )
    )
    for campaign_id in due:
        claimed = session.execute(
            update(Campaign)
            .where(
                Campaign.id == campaign_id, Campaign.status == CampaignStatus.SCHEDULED
            )
            .values(status=CampaignStatus.SENDING, started_at=now)
        )
        if getattr(claimed, "rowcount", 0) != 1:
            session.rollback()
            continue
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None  # noqa: S101 - just updated
        enqueue(session, campaign)
        session.commit()
        started.append(campaign_id)
    return started


def finish_completed(session: SessionLike) -> list[int]:
    """Mark sending campaigns sent once no delivery row is open: the rows decide."""
    open_rows = select(Delivery.id).where(
        Delivery.campaign_id == Campaign.id, Delivery.status.in_(OPEN_DELIVERY_STATES)
    )
    done = list(
        session.scalars(
            select(Campaign.id).where(
                Campaign.status == CampaignStatus.SENDING, ~open_rows.exists()
            )
        )
    )
    if done:
        session.execute(
            update(Campaign)
            .where(Campaign.id.in_(done), Campaign.status == CampaignStatus.SENDING)
            .values(status=CampaignStatus.SENT, sent_at=utcnow())
        )
        session.commit()
    return done


def progress(session: SessionLike, campaign_id: int) -> dict[str, int]:
    """Delivery counts by status for one campaign."""
    rows = session.execute(
        select(Delivery.status, func.count())
        .where(Delivery.campaign_id == campaign_id)
        .group_by(Delivery.status)
    )
    return {str(status): int(count) for status, count in rows}


def recover(session: SessionLike, workers: Iterable[str]) -> tuple[int, int]:
    """After a crash: claimed-but-unsent rows go back to the queue; a row that was
    handed to SMTP may have arrived, so it becomes uncertain, never silently resent."""
    names = list(workers)
    if not names:
        return 0, 0
    requeued = session.execute(
        update(Delivery)
        .where(Delivery.claimed_by.in_(names), Delivery.status == "claimed")
        .values(status="queued", claimed_by=None)
    )
    uncertain = session.execute(
        update(Delivery)
        .where(Delivery.claimed_by.in_(names), Delivery.status == "sending")
        .values(
            status="uncertain",
            claimed_by=None,
            last_error="interrupted between the server's reply and our record",
        )
    )
    session.commit()
    return (
        int(getattr(requeued, "rowcount", 0) or 0),
        int(getattr(uncertain, "rowcount", 0) or 0),
    )
