"""Undoing an unsubscription from the unsubscribe page: back on the list just left,
as a new consent (kind `resubscribed`) to the text the page showed — never a silent
revert, and never for a withdrawal long past."""

from datetime import datetime, timedelta

from sqlalchemy import select

from core.db import SessionLike, utcnow
from newsletter.audience.consent import ConsentKind
from newsletter.audience.models import (
    ConsentEvent,
    ConsentSource,
    Subscriber,
    SubscriberStatus,
    SubscriptionStatus,
)
from newsletter.audience.subscriptions import RequestMeta, log_consent

# How long "Rückgängig machen" on the unsubscribe page works: for the step just
# taken, not for a withdrawal long past (whoever holds an old mail must not sign
# the person up again).
UNDO_WITHIN = timedelta(days=7)
# Events that say nothing about whether the person wants the list.
NOT_A_DECISION = (ConsentKind.CHANGED, ConsentKind.CONFIRMATION_SENT)


def withdrawal_to_undo(
    session: SessionLike,
    subscriber: Subscriber,
    list_id: int,
    now: datetime | None = None,
) -> ConsentEvent | None:
    """The withdrawal from the list that "Rückgängig machen" may still reverse: her
    last decision about the list, taken with the unsubscribe page's own button (not
    in her settings, nor by a mail program's one-click), at most UNDO_WITHIN old,
    and taken while she was confirmed on it (an ended sign-up is no subscription to
    restore)."""
    now = now or utcnow()
    decisions: list[ConsentEvent | None] = [
        *session.scalars(
            select(ConsentEvent)
            .where(
                ConsentEvent.subscriber_id == subscriber.id,
                ConsentEvent.list_id == list_id,
                ConsentEvent.kind.not_in(NOT_A_DECISION),
            )
            .order_by(ConsentEvent.id.desc())
            .limit(2)
        )
    ]
    last, before = (decisions + [None, None])[:2]
    if (
        last is None
        or last.kind != ConsentKind.WITHDRAWN
        or last.source != ConsentSource.UNSUBSCRIBE_PAGE
        or last.at < now - UNDO_WITHIN
        or before is None
        or before.kind not in (ConsentKind.CONFIRMED, ConsentKind.RESUBSCRIBED)
    ):
        return None
    return last


def undo_unsubscribe(
    session: SessionLike, subscriber: Subscriber, list_id: int, meta: RequestMeta
) -> bool:
    """Put her back on the list she just left, as a new consent with the texts
    `meta` names; False (and nothing changed) when there is nothing to undo."""
    if withdrawal_to_undo(session, subscriber, list_id) is None:
        return False
    subscription = next(s for s in subscriber.subscriptions if s.list_id == list_id)
    subscription.status = SubscriptionStatus.ACTIVE
    subscription.confirmed_at = utcnow()
    subscription.unsubscribed_at = None
    log_consent(
        session, subscriber, ConsentKind.RESUBSCRIBED, ConsentSource.FORM, list_id, meta
    )
    if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        subscriber.status = SubscriberStatus.ACTIVE
    session.flush()
    return True
