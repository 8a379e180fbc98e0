"""The outbox: due campaigns become one Delivery row per recipient, exactly once.

The scheduler only wakes this up; a conditional update decides which process starts a
campaign, and the unique (campaign, subscriber) key makes a second enqueue harmless."""

import time
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, literal, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.db import AnySelect, SessionLike, UTCDateTime, utcnow
from newsletter.audience.filters import SubscriberFilter
from newsletter.audience.models import (
    MailingList,
    Segment,
    Subscriber,
    SubscriberStatus,
    Subscription,
    SubscriptionStatus,
)
from newsletter.campaigns.audiences import audiences, standing_kinds
from newsletter.campaigns.models import ISSUE, Campaign, CampaignStatus, StopReason
from newsletter.campaigns.tracking import record_links
from newsletter.sending.counts import by_status, counts
from newsletter.sending.models import (
    OPEN_DELIVERY_STATES,
    REACHED_RELAY_STATES,
    CampaignCount,
    Delivery,
    DeliveryStatus,
)
from newsletter.sending.reasons import Reason


def eligible(query: AnySelect) -> AnySelect:
    """Only confirmed, active people: never pending, unsubscribed, bounced, erased."""
    return query.where(
        Subscriber.status == SubscriberStatus.ACTIVE,
        Subscriber.email.is_not(None),
        Subscription.status == SubscriptionStatus.ACTIVE,
    )


def same_controller(campaign: Campaign) -> AnySelect:
    """The ids of the lists whose consent names the campaign's sender: its region's
    lists, or for an interregional issue the joint lists. Nothing else is ever sent
    to, however a campaign got its target."""
    query = select(MailingList.id)
    if campaign.region_id is None:
        return query.where(MailingList.region_id.is_(None))
    return query.where(MailingList.region_id == campaign.region_id)


def recipient_queries(session: SessionLike, campaign: Campaign) -> list[AnySelect]:
    """SELECTs of (subscriber id, list id): each confirmed recipient with the list
    through which they get the issue (its unsubscribe link). An automated campaign
    asks its registered audience; the sender's own lists still bound it."""
    if campaign.kind != ISSUE:
        audience = audiences().get(campaign.kind)
        if audience is None:
            return []
        return [
            _within(query, same_controller(campaign))
            for query in audience.recipients(session, campaign)
        ]
    return _issue_recipients(session, campaign)


def _within(query: AnySelect, allowed_lists: AnySelect) -> AnySelect:
    picked = query.subquery()
    return select(picked.c[0], picked.c[1]).where(picked.c[1].in_(allowed_lists))


def _issue_recipients(session: SessionLike, campaign: Campaign) -> list[AnySelect]:
    queries: list[AnySelect] = []
    allowed_lists = same_controller(campaign)
    if campaign.list_ids:
        queries.append(
            eligible(
                select(Subscriber.id, func.min(Subscription.list_id))
                .join(Subscription, Subscription.subscriber_id == Subscriber.id)
                .where(
                    Subscription.list_id.in_(campaign.list_ids),
                    Subscription.list_id.in_(allowed_lists),
                )
            ).group_by(Subscriber.id)
        )
    for segment_id in campaign.segment_ids:
        segment = session.get(Segment, segment_id)
        if segment is None:
            continue
        # A segment selects people; consent still comes from a list of the sender.
        query = (
            SubscriberFilter.from_mapping(segment.filters)
            .apply(
                select(Subscriber.id, func.min(Subscription.list_id)).join(
                    Subscription, Subscription.subscriber_id == Subscriber.id
                )
            )
            .where(Subscription.list_id.in_(allowed_lists))
        )
        queries.append(eligible(query).group_by(Subscriber.id))
    return queries


def _insert(session: SessionLike):  # type: ignore[no-untyped-def]
    dialect = session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(Delivery)


def enqueue(session: SessionLike, campaign: Campaign) -> None:
    """Create the missing Delivery rows inside the database (INSERT … SELECT), so that
    memory does not grow with the number of recipients; the unique key skips doubles."""
    now = utcnow()
    for query in recipient_queries(session, campaign):
        picked = query.subquery()
        source = select(
            literal(campaign.id),
            picked.c[0],
            picked.c[1],
            literal("queued"),
            literal(0),
            literal(""),
            literal(now, UTCDateTime),
        )
        statement = (
            _insert(session)
            .from_select(
                [
                    "campaign_id",
                    "subscriber_id",
                    "list_id",
                    "status",
                    "attempts",
                    "last_error",
                    "created_at",
                ],
                source.where(true()),  # SQLite's upsert needs a WHERE after a SELECT
            )
            .on_conflict_do_nothing(index_elements=["campaign_id", "subscriber_id"])
        )
        session.execute(statement)


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
        record_links(session, campaign)
        session.commit()
        started.append(campaign_id)
    return started


def finish_completed(session: SessionLike) -> list[int]:
    """Mark sending campaigns sent once no delivery row is open: the rows decide.
    One of which not a single message reached the relay (everybody left before it
    went out) is not sent: it ends cancelled, and says why. A standing campaign (a
    welcome mail) is never done."""
    open_rows = select(Delivery.id).where(
        Delivery.campaign_id == Campaign.id, Delivery.status.in_(OPEN_DELIVERY_STATES)
    )
    tried_rows = select(Delivery.id).where(
        Delivery.campaign_id == Campaign.id,
        Delivery.status.in_(REACHED_RELAY_STATES),
    )
    done = list(
        session.scalars(
            select(Campaign.id).where(
                Campaign.status == CampaignStatus.SENDING,
                Campaign.kind.not_in(standing_kinds()),
                ~open_rows.exists(),
            )
        )
    )
    if done:
        finished = Campaign.id.in_(done), Campaign.status == CampaignStatus.SENDING
        session.execute(
            update(Campaign)
            .where(*finished, ~tried_rows.exists())
            .values(
                status=CampaignStatus.CANCELLED,
                stop_reason=StopReason.NOBODY_LEFT,
                stop_details={},
            )
        )
        session.execute(
            update(Campaign)
            .where(*finished)
            .values(status=CampaignStatus.SENT, sent_at=utcnow())
        )
        session.commit()
    return done


def progress(session: SessionLike, campaign_id: int) -> dict[str, int]:
    """Delivery counts by status for one campaign (kept, not recounted)."""
    return by_status(counts(session, campaign_id))


# Rows a cancel left in the queue, marked per transaction: short enough that nobody
# waits long for SQLite's write lock, large enough that a million take a minute.
SKIP_CHUNK = 5000


def skip_cancelled(
    session: SessionLike, budget_seconds: float = 5.0, chunk: int = SKIP_CHUNK
) -> int:
    """Mark skipped, chunk by chunk (each committed), what cancelled campaigns left
    queued or claimed; idempotent, so a run cut short is continued by the next.
    The gate already refuses these rows: this only makes the outbox say so.
    Returns how many rows were marked."""
    deadline = time.monotonic() + budget_seconds
    cancelled = list(
        session.scalars(
            select(CampaignCount.campaign_id)
            .join(Campaign, Campaign.id == CampaignCount.campaign_id)
            .where(
                Campaign.status == CampaignStatus.CANCELLED,
                CampaignCount.queued + CampaignCount.claimed > 0,
            )
        )
    )
    marked = 0
    left = Delivery.status.in_((DeliveryStatus.QUEUED, DeliveryStatus.CLAIMED))
    for campaign_id in cancelled:
        while True:  # at least one chunk per run, however late
            # Two statements, not an IN (subquery): a planner that misjudges the
            # million (stale statistics) may run such a subquery once per row.
            rows = list(
                session.scalars(
                    select(Delivery.id)
                    .where(Delivery.campaign_id == campaign_id, left)
                    .limit(chunk)
                    .with_for_update(skip_locked=True)
                )
            )
            result = session.execute(
                update(Delivery)
                .where(Delivery.id.in_(rows), left)
                .values(
                    status=DeliveryStatus.SKIPPED,
                    claimed_by=None,
                    lease=None,
                    reason=Reason.CANCELLED,
                )
                .execution_options(synchronize_session=False)
            )
            session.commit()
            count = int(getattr(result, "rowcount", 0) or 0)
            marked += count
            if count < chunk or time.monotonic() > deadline:
                break
    return marked


def recover(session: SessionLike, workers: Iterable[str]) -> tuple[int, int]:
    """After a crash: claimed-but-unsent rows go back to the queue; a row that was
    handed to SMTP may have arrived, so it becomes uncertain, never silently resent.
    Returns (requeued, uncertain); the caller commits."""
    names = list(workers)
    if not names:
        return 0, 0
    requeued = session.execute(
        update(Delivery)
        .where(Delivery.claimed_by.in_(names), Delivery.status == "claimed")
        .values(status="queued", claimed_by=None, lease=None)
    )
    uncertain = session.execute(
        update(Delivery)
        .where(Delivery.claimed_by.in_(names), Delivery.status == "sending")
        .values(
            status="uncertain",
            claimed_by=None,
            lease=None,
            reason=Reason.INTERRUPTED,
        )
    )
    return (
        int(getattr(requeued, "rowcount", 0) or 0),
        int(getattr(uncertain, "rowcount", 0) or 0),
    )
