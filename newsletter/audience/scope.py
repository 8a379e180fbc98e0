"""The one query scope of managers' audience pages: the lists a user acts for.

Each list has its controller (a region's agency, or both jointly for the
interregional list); a person is visible to a manager through a subscription to one
of her lists, and only that part of the person (subscriptions, consent log, the
issues of her controller sent to the person and answers to its surveys) is hers to
see, export, change or erase. Whom a user acts for is core.policy's question."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import abort
from flask_login import current_user
from sqlalchemy import ColumnElement, SQLColumnExpression, or_, select, true

from core.db import AnySelect, SessionLike, db
from core.models import Region, Role, User
from core.policy import acting_for
from newsletter.audience.models import (
    ConsentEvent,
    MailingList,
    Subscriber,
    Subscription,
)


@dataclass(frozen=True)
class Standing:
    """A person's status and dates as one controller holds them."""

    status: str
    signed_up_at: datetime | None
    confirmed_at: datetime | None


def standing(subscriptions: Iterable[Subscription]) -> Standing:
    """From these subscriptions only: active if one is, else pending if one is,
    else unsubscribed; the first sign-up and the first confirmation."""
    held = list(subscriptions)
    statuses = {sub.status for sub in held}
    status = next((s for s in ("active", "pending") if s in statuses), "unsubscribed")
    confirmed = [sub.confirmed_at for sub in held if sub.confirmed_at]
    return Standing(
        status,
        min((sub.created_at for sub in held), default=None),
        min(confirmed, default=None),
    )


@dataclass(frozen=True)
class Scope:
    """The ids of the lists a user acts for, and the controllers (region ids, None
    for the joint one) whose issues and surveys are hers; None: every one
    (administrators, and the person herself)."""

    list_ids: frozenset[int] | None
    controllers: frozenset[int | None] | None

    @classmethod
    def of(cls, session: SessionLike, user: User) -> "Scope":
        """The scope of this user."""
        if user.role == Role.ADMIN:
            return cls(None, None)
        lists = session.execute(select(MailingList.id, MailingList.region_id))
        regions: list[int | None] = [*session.scalars(select(Region.id)), None]
        return cls(
            frozenset(i for i, rid in lists if acting_for(user, rid)),
            frozenset(rid for rid in regions if acting_for(user, rid)),
        )

    def acts_for(self, region_id: int | None) -> bool:
        """True if the user acts for this region's controller (None: the joint)."""
        return self.controllers is None or region_id in self.controllers

    def held(
        self, region_column: SQLColumnExpression[int | None]
    ) -> ColumnElement[bool]:
        """A condition on the region of an issue or survey (NULL: interregional):
        true where its controller is one the user acts for."""
        if self.controllers is None:
            return true()
        regions = [rid for rid in self.controllers if rid is not None]
        condition = region_column.in_(regions)
        if None in self.controllers:
            return or_(condition, region_column.is_(None))
        return condition

    def covers(self, list_id: int | None) -> bool:
        """True if the user acts for this list."""
        return self.list_ids is None or list_id in self.list_ids

    def lists(self, query: AnySelect) -> AnySelect:
        """Narrow a query over MailingList to the user's lists."""
        if self.list_ids is None:
            return query
        return query.where(MailingList.id.in_(self.list_ids))

    def subscribers(self, query: AnySelect) -> AnySelect:
        """Narrow a query over Subscriber to people on one of the user's lists."""
        if self.list_ids is None:
            return query
        return query.where(
            Subscriber.id.in_(
                select(Subscription.subscriber_id).where(
                    Subscription.list_id.in_(self.list_ids)
                )
            )
        )

    def includes(self, subscriber: Subscriber) -> bool:
        """True if the person is on one of the user's lists."""
        return self.list_ids is None or any(
            sub.list_id in self.list_ids for sub in subscriber.subscriptions
        )

    def holds_all_of(self, subscriber: Subscriber) -> bool:
        """True if no other controller holds anything of the person."""
        return all(self.covers(sub.list_id) for sub in subscriber.subscriptions)

    def subscriptions(self, subscriber: Subscriber) -> list[Subscription]:
        """The person's subscriptions to the user's lists."""
        return [sub for sub in subscriber.subscriptions if self.covers(sub.list_id)]

    def shows_home_region(self, subscriber: Subscriber) -> bool:
        """True if the region the person's record began in (where she first
        signed up) is the user's to know: no other controller holds her, or it
        is the region of an agency the user acts for."""
        return self.holds_all_of(subscriber) or self.acts_for(subscriber.region_id)

    def standing_of(self, subscriber: Subscriber) -> Standing:
        """The person's status and dates: the record's when no other controller
        holds her, else those of the user's lists (the record began with
        whichever agency she joined first, which is not the user's to know)."""
        if self.holds_all_of(subscriber):
            return Standing(
                subscriber.status, subscriber.created_at, subscriber.confirmed_at
            )
        return standing(self.subscriptions(subscriber))

    def events(
        self, subscriber: Subscriber, events: Iterable[ConsentEvent]
    ) -> list[ConsentEvent]:
        """The person's consent events of the user's lists; those naming no list
        (about the person as a whole) only when no other controller holds her."""
        whole = self.holds_all_of(subscriber)
        return [e for e in events if self._shows(e, whole)]

    def _shows(self, event: ConsentEvent, whole: bool) -> bool:
        return whole if event.list_id is None else self.covers(event.list_id)


def current_scope() -> Scope:
    """The scope of the logged-in user."""
    return Scope.of(db.session, current_user)


def scoped_lists(scope: Scope) -> list[MailingList]:
    """The lists of the scope, by name."""
    query = scope.lists(select(MailingList).order_by(MailingList.name))
    return list(db.session.scalars(query))


def require_list(scope: Scope, list_id: int) -> None:
    """404 for a list the user does not act for."""
    if not scope.covers(list_id):
        abort(404)
