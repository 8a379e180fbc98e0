"""Filters over subscribers: the managers' list, saved segments and campaign targets
share one definition, so a segment means exactly what the list showed."""

from dataclasses import asdict, dataclass, fields
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select, true

from core.db import AnySelect, SessionLike
from core.ids import MAX_ID
from core.models import District
from newsletter.audience.models import (
    MailingList,
    Subscriber,
    Subscription,
    subscriber_topics,
)
from newsletter.audience.scope import Scope


@dataclass(frozen=True)
class SubscriberFilter:
    q: str = ""
    region_id: int | None = None
    status: str = ""
    list_id: int | None = None
    org_type: str = ""
    district_id: int | None = None
    sector: str = ""
    topic_id: int | None = None

    @classmethod
    def from_mapping(cls, values: Any) -> "SubscriberFilter":
        """Read a filter from query arguments or a stored dict; junk becomes 'any'."""
        parsed: dict[str, Any] = {}
        for item in fields(cls):
            raw = values.get(item.name)
            if raw in (None, ""):
                continue
            if item.type is not str:
                number = str(raw).strip()
                # an id the database cannot hold matches nothing: treat it as junk
                if number.isdigit() and 0 < int(number) <= MAX_ID:
                    parsed[item.name] = int(number)
            else:
                parsed[item.name] = str(raw).strip()[:200]
        return cls(**parsed)

    def as_dict(self) -> dict[str, Any]:
        """Only the set criteria, for storing and for links."""
        return {
            key: value for key, value in asdict(self).items() if value not in (None, "")
        }

    def apply(
        self, query: AnySelect, details: ColumnElement[bool] | None = None
    ) -> AnySelect:
        """Narrow a query over Subscriber to the criteria; `details`: where the
        person's details may be searched (a manager's, see Scope.sees_details)."""
        query = query.where(Subscriber.email.is_not(None))
        seen = true() if details is None else details
        if self.q:
            pattern = f"%{self.q.lower()}%"
            query = query.where(
                or_(
                    Subscriber.email.like(pattern),
                    and_(
                        seen,
                        or_(
                            func.lower(Subscriber.name).like(pattern),
                            func.lower(Subscriber.organisation).like(pattern),
                        ),
                    ),
                )
            )
        if any(
            value not in (None, "")
            for value in (
                self.region_id,
                self.status,
                self.org_type,
                self.district_id,
                self.sector,
                self.topic_id,
            )
        ):
            query = query.where(seen)
        if self.region_id is not None:
            query = query.where(Subscriber.region_id == self.region_id)
        if self.status:
            query = query.where(Subscriber.status == self.status)
        if self.org_type:
            query = query.where(Subscriber.org_type == self.org_type)
        if self.district_id is not None:
            query = query.where(Subscriber.district_id == self.district_id)
        if self.sector:
            query = query.where(func.lower(Subscriber.sector) == self.sector.lower())
        if self.list_id is not None:
            query = query.where(
                Subscriber.id.in_(
                    select(Subscription.subscriber_id).where(
                        Subscription.list_id == self.list_id
                    )
                )
            )
        if self.topic_id is not None:
            query = query.where(
                Subscriber.id.in_(
                    select(subscriber_topics.c.subscriber_id).where(
                        subscriber_topics.c.topic_id == self.topic_id
                    )
                )
            )
        return query


def subscribers_query(criteria: SubscriberFilter, scope: Scope) -> AnySelect:
    """Subscribers matching the criteria on the lists a user acts for; a list
    outside them matches nobody."""
    if criteria.list_id is not None and not scope.covers(criteria.list_id):
        return select(Subscriber).where(false())
    return scope.subscribers(criteria.apply(select(Subscriber), scope.details_seen()))


def within_region(
    session: SessionLike, criteria: SubscriberFilter, scope: Scope
) -> SubscriberFilter:
    """The criteria without a list or district of another region or a list the
    user does not act for (a segment is bound to its region; other ids have no
    place in it)."""
    values = criteria.as_dict()
    if criteria.list_id is not None:
        mailing_list = session.get(MailingList, criteria.list_id)
        if (
            mailing_list is None
            or mailing_list.region_id not in (None, criteria.region_id)
            or not scope.covers(mailing_list.id)
        ):
            values.pop("list_id")
    if criteria.district_id is not None:
        district = session.get(District, criteria.district_id)
        if district is None or district.region_id != criteria.region_id:
            values.pop("district_id")
    return SubscriberFilter.from_mapping(values)
