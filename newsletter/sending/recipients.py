"""Who would get an issue if it went out now: the exact count per list and language
(from the same queries the outbox fills itself with), and who of them already got an
issue with the same content in the last 24 hours. Shown before anything is sent."""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Subquery, func, or_, select

from core.db import SessionLike, utcnow
from newsletter.audience.models import MailingList, Subscriber
from newsletter.campaigns.models import Campaign, CampaignStatus
from newsletter.campaigns.rendering import language_for
from newsletter.sending.models import Delivery, DeliveryStatus
from newsletter.sending.outbox import recipient_queries

DUPLICATE_WINDOW = timedelta(hours=24)
# Deliveries that reached (or may have reached) the person.
RECEIVED = (DeliveryStatus.SENT, DeliveryStatus.SENDING, DeliveryStatus.UNCERTAIN)


@dataclass(frozen=True)
class ListCount:
    list_name: str
    language: str  # the language the person reads the issue in
    count: int


@dataclass(frozen=True)
class Duplicate:
    campaign: Campaign
    recipients: int  # how many of this recipients got it
    last_sent_at: datetime | None


@dataclass
class Recipients:
    rows: list[ListCount] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(row.count for row in self.rows)


def _recipients_subquery(session: SessionLike, campaign: Campaign) -> Subquery | None:
    """(subscriber id, list id) of each recipient once: the first target that
    names a person decides the list, as in the outbox."""
    queries = recipient_queries(session, campaign)
    if not queries:
        return None
    picked = []
    for index, query in enumerate(queries):
        seen_before = [
            q.with_only_columns(q.selected_columns[0]) for q in queries[:index]
        ]
        ids = query.subquery()
        one = select(ids.c[0].label("subscriber_id"), ids.c[1].label("list_id"))
        for earlier in seen_before:
            one = one.where(ids.c[0].not_in(earlier))
        picked.append(one)
    if len(picked) == 1:
        return picked[0].subquery()
    return picked[0].union_all(*picked[1:]).subquery()


def count_recipients(
    session: SessionLike, campaign: Campaign, now: datetime | None = None
) -> Recipients:
    """The recipients per list and language, and issues of the same content they got
    within the last 24 hours."""
    people = _recipients_subquery(session, campaign)
    if people is None:
        return Recipients()
    rows = session.execute(
        select(MailingList.name, Subscriber.language, func.count())
        .select_from(people)
        .join(Subscriber, Subscriber.id == people.c.subscriber_id)
        .join(MailingList, MailingList.id == people.c.list_id)
        .group_by(MailingList.name, Subscriber.language)
        .order_by(MailingList.name, Subscriber.language)
    )
    counts: dict[tuple[str, str], int] = {}
    for name, language, count in rows:
        reads = language_for(campaign, language or "de")
        counts[(name, reads)] = counts.get((name, reads), 0) + int(count)
    return Recipients(
        rows=[ListCount(name, lang, n) for (name, lang), n in counts.items()],
        duplicates=_duplicates(session, campaign, people, now or utcnow()),
    )


def content_fingerprint(campaign: Campaign) -> str:
    """Subject and blocks per language without block ids: a copy of an issue has
    the same fingerprint as the issue."""
    blocks = {
        language: [{k: v for k, v in b.items() if k != "id"} for b in items]
        for language, items in (campaign.blocks or {}).items()
        if items
    }
    subject = {k: v for k, v in (campaign.subject or {}).items() if v}
    payload = json.dumps({"s": subject, "b": blocks}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def _duplicates(
    session: SessionLike, campaign: Campaign, people: Subquery, now: datetime
) -> list[Duplicate]:
    since = now - DUPLICATE_WINDOW
    recent = session.scalars(
        select(Campaign).where(
            Campaign.id != campaign.id,
            Campaign.status.in_(
                (CampaignStatus.SENDING, CampaignStatus.PAUSED, CampaignStatus.SENT)
            ),
            or_(Campaign.sent_at >= since, Campaign.started_at >= since),
        )
    )
    mine = content_fingerprint(campaign)
    found = []
    for other in recent:
        if content_fingerprint(other) != mine:
            continue
        overlap, last = session.execute(
            select(func.count(), func.max(Delivery.sent_at)).where(
                Delivery.campaign_id == other.id,
                Delivery.status.in_(RECEIVED),
                or_(Delivery.sent_at >= since, Delivery.sent_at.is_(None)),
                Delivery.subscriber_id.in_(select(people.c.subscriber_id)),
            )
        ).one()
        if overlap:
            found.append(Duplicate(other, int(overlap), last))
    return found
