"""The rights of the person: a copy of their data, and erasure at once.

Erasure clears every personal field and the consent log, keeps a keyed hash of the
address (so a re-import cannot re-add it silently), and leaves anonymous rows that other
tables point to (deliveries, survey answers) without anything that names the person."""

import hashlib
import hmac
from typing import Any

from flask import current_app
from sqlalchemy import delete, select

from core.db import SessionLike, utcnow
from newsletter.audience.models import (
    ConsentEvent,
    ErasedAddress,
    Subscriber,
    SubscriberStatus,
    Subscription,
)


def address_hash(email: str, key: str) -> str:
    """HMAC-SHA256 of the normalised address under the installation's key."""
    return hmac.new(
        key.encode(), email.strip().lower().encode(), hashlib.sha256
    ).hexdigest()


def was_erased(session: SessionLike, email: str, key: str) -> bool:
    """True if this address was erased before."""
    digest = address_hash(email, key)
    return (
        session.scalar(
            select(ErasedAddress.id).where(ErasedAddress.address_hash == digest)
        )
        is not None
    )


def erase(session: SessionLike, subscriber: Subscriber, key: str) -> None:
    """Remove the person's personal data at once."""
    if subscriber.email and not was_erased(session, subscriber.email, key):
        session.add(ErasedAddress(address_hash=address_hash(subscriber.email, key)))
    session.execute(
        delete(ConsentEvent).where(ConsentEvent.subscriber_id == subscriber.id)
    )
    session.execute(
        delete(Subscription).where(Subscription.subscriber_id == subscriber.id)
    )
    session.expire(subscriber, ["subscriptions"])
    subscriber.email = None
    subscriber.name = ""
    subscriber.organisation = ""
    subscriber.sector = ""
    subscriber.size = ""
    subscriber.org_type = None
    subscriber.district_id = None
    subscriber.interests = []
    subscriber.confirmed_at = None
    subscriber.confirmation_sent_at = None
    subscriber.status = SubscriberStatus.ERASED
    session.flush()


def personal_data(subscriber: Subscriber) -> dict[str, Any]:
    """Everything we hold about the person, as plain JSON-ready data."""
    return {
        "exported_at": utcnow().isoformat(),
        "email": subscriber.email,
        "name": subscriber.name,
        "organisation": subscriber.organisation,
        "organisation_type": subscriber.org_type,
        "district": subscriber.district.name if subscriber.district else None,
        "sector": subscriber.sector,
        "size": subscriber.size,
        "language": subscriber.language,
        "region": subscriber.region.name,
        "status": subscriber.status,
        "signed_up_at": subscriber.created_at.isoformat(),
        "confirmed_at": subscriber.confirmed_at.isoformat()
        if subscriber.confirmed_at
        else None,
        "interests": [topic.name for topic in subscriber.interests],
        "subscriptions": [
            {
                "list": sub.mailing_list.name,
                "status": sub.status,
                "confirmed_at": sub.confirmed_at.isoformat()
                if sub.confirmed_at
                else None,
                "unsubscribed_at": (
                    sub.unsubscribed_at.isoformat() if sub.unsubscribed_at else None
                ),
            }
            for sub in subscriber.subscriptions
        ],
        "consent_log": [
            {
                "at": event.at.isoformat(),
                "event": event.kind,
                "list": event.mailing_list.name if event.mailing_list else None,
                "source": event.source,
                "consent_text_version": event.consent_text_version,
                "privacy_version": event.privacy_version,
                "ip_address": event.ip_address,
                "user_agent": event.user_agent,
            }
            for event in consent_log(subscriber)
        ],
    }


def consent_log(subscriber: Subscriber) -> list[ConsentEvent]:
    """The subscriber's consent events, oldest first."""
    from sqlalchemy.orm import object_session

    session = object_session(subscriber)
    if session is None:
        return []
    return list(
        session.scalars(
            select(ConsentEvent)
            .where(ConsentEvent.subscriber_id == subscriber.id)
            .order_by(ConsentEvent.at, ConsentEvent.id)
        )
    )


def erasure_key() -> str:
    """The key for hashes of erased addresses."""
    return str(current_app.config["ERASURE_KEY"] or current_app.config["SECRET_KEY"])
