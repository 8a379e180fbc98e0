"""Subscriber exports for managers (personal data: never offered to analysts)."""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from core.db import AnySelect, SessionLike
from core.models import District, Region
from newsletter.audience.models import MailingList, Subscriber, Subscription
from newsletter.audience.scope import Standing, standing

COLUMNS = (
    Subscriber.id,
    Subscriber.email,
    Subscriber.name,
    Subscriber.organisation,
    Subscriber.org_type,
    District.name,
    Subscriber.sector,
    Subscriber.size,
    Subscriber.language,
    Region.name,
    Subscriber.status,
    Subscriber.created_at,
    Subscriber.confirmed_at,
    Subscriber.extra_fields,
)

CHUNK = 1000


def count(session: SessionLike, query: AnySelect) -> int:
    """How many rows the export of this query has."""
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def rows(
    session: SessionLike, query: AnySelect, list_ids: frozenset[int] | None = None
) -> Iterator[Sequence[Any]]:
    """One row per subscriber of the query, read as plain tuples in chunks (a region
    has 100,000 people: ORM objects for each cost most of an export's time).

    With `list_ids` (a manager's lists), lists, status and dates are what her
    controller holds: another agency's lists and sign-up times stay out, and so
    does the region the record began in of a person another agency holds too."""
    people = (
        query.with_only_columns(*COLUMNS)
        .outerjoin_from(Subscriber, District, District.id == Subscriber.district_id)
        .join_from(Subscriber, Region, Region.id == Subscriber.region_id)
        .order_by(Subscriber.id)
        .execution_options(yield_per=CHUNK)
    )
    for chunk in session.execute(people).partitions():
        ids = [row[0] for row in chunk]
        lists = active_list_names(session, ids, list_ids)
        held = {} if list_ids is None else _held(session, ids, list_ids)
        for (
            subscriber_id,
            email,
            name,
            organisation,
            org_type,
            district,
            sector,
            size,
            language,
            region,
            status,
            created_at,
            confirmed_at,
            extra_fields,
        ) in chunk:
            if subscriber_id in held:
                mine, began_elsewhere = held[subscriber_id]
                status = mine.status
                created_at, confirmed_at = mine.signed_up_at, mine.confirmed_at
                region = "" if began_elsewhere else region
            yield [
                email,
                name,
                organisation,
                org_type or "",
                district or "",
                sector,
                size,
                language,
                region,
                status,
                ", ".join(lists[subscriber_id]),
                _minutes(created_at),
                _minutes(confirmed_at),
                "; ".join(f"{k}: {v}" for k, v in (extra_fields or {}).items()),
            ]


def active_list_names(
    session: SessionLike,
    subscriber_ids: list[int],
    list_ids: frozenset[int] | None = None,
) -> dict[int, list[str]]:
    """The names of the lists (of `list_ids`, if given) each of these people still
    receives, in the order they joined them."""
    names: dict[int, list[str]] = defaultdict(list)
    query = (
        select(Subscription.subscriber_id, MailingList.name)
        .join(MailingList, MailingList.id == Subscription.list_id)
        .where(
            Subscription.subscriber_id.in_(subscriber_ids),
            Subscription.status == "active",
        )
        .order_by(Subscription.id)
    )
    if list_ids is not None:
        query = query.where(Subscription.list_id.in_(list_ids))
    found = session.execute(query)
    for subscriber_id, name in found:
        names[subscriber_id].append(name)
    return names


def _held(
    session: SessionLike, subscriber_ids: list[int], list_ids: frozenset[int]
) -> dict[int, tuple[Standing, bool]]:
    """Per person, her standing on these lists only, and whether the region her
    record began in is another controller's to know (another agency holds her too,
    and she did not begin in the region of one of these lists)."""
    own_regions = set(
        session.scalars(
            select(MailingList.region_id).where(MailingList.id.in_(list_ids))
        )
    )
    found: dict[int, list[Subscription]] = defaultdict(list)
    began: dict[int, int] = {}
    for subscription, region_id in session.execute(
        select(Subscription, Subscriber.region_id)
        .join(Subscriber, Subscriber.id == Subscription.subscriber_id)
        .where(Subscription.subscriber_id.in_(subscriber_ids))
    ):
        found[subscription.subscriber_id].append(subscription)
        began[subscription.subscriber_id] = region_id
    return {
        person: (
            standing(sub for sub in subs if sub.list_id in list_ids),
            began[person] not in own_regions
            and any(sub.list_id not in list_ids for sub in subs),
        )
        for person, subs in found.items()
    }


def _minutes(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""
