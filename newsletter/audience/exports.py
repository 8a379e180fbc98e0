"""Subscriber exports for managers (personal data: never offered to analysts)."""

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from core.db import AnySelect, SessionLike
from newsletter.audience.models import Subscriber, Subscription

HEADER = [
    _l("Email"),
    _l("Name"),
    _l("Organisation"),
    _l("Type of organisation"),
    _l("District"),
    _l("Sector"),
    _l("Size"),
    _l("Language"),
    _l("Region"),
    _l("Status"),
    _l("Newsletters"),
    _l("Signed up"),
    _l("Confirmed"),
    _l("Own fields"),
]


def header() -> list[str]:
    return [str(name) for name in HEADER]


def rows(session: SessionLike, query: AnySelect) -> Iterator[Sequence[Any]]:
    """One row per subscriber, fetched in chunks so that large exports stream."""
    query = query.order_by(Subscriber.id).options(
        selectinload(Subscriber.subscriptions).selectinload(Subscription.mailing_list),
        selectinload(Subscriber.district),
        selectinload(Subscriber.region),
    )
    result: Iterable[Subscriber] = session.scalars(
        query.execution_options(yield_per=1000)
    )
    for subscriber in result:
        active = [
            sub.mailing_list.name
            for sub in subscriber.subscriptions
            if sub.status == "active"
        ]
        yield [
            subscriber.email,
            subscriber.name,
            subscriber.organisation,
            subscriber.org_type or "",
            subscriber.district.name if subscriber.district else "",
            subscriber.sector,
            subscriber.size,
            subscriber.language,
            subscriber.region.name,
            subscriber.status,
            ", ".join(active),
            subscriber.created_at.strftime("%Y-%m-%d %H:%M"),
            subscriber.confirmed_at.strftime("%Y-%m-%d %H:%M")
            if subscriber.confirmed_at
            else "",
            "; ".join(f"{k}: {v}" for k, v in (subscriber.extra_fields or {}).items()),
        ]
