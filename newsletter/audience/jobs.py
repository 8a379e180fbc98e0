"""Periodic housekeeping, idempotent: safe to run late or twice."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from core.db import db, utcnow
from newsletter.audience.mail_queue import deliver_due
from newsletter.audience.models import ConsentEvent, Subscriber, SubscriberStatus


def delete_stale_pending() -> int:
    """Delete sign-ups that were never confirmed within the retention period."""
    days = int(current_app.config["PENDING_RETENTION_DAYS"])
    cutoff = utcnow() - timedelta(days=days)
    stale = list(
        db.session.scalars(
            select(Subscriber.id).where(
                Subscriber.status == SubscriberStatus.PENDING,
                Subscriber.confirmed_at.is_(None),
                Subscriber.created_at < cutoff,
            )
        )
    )
    for subscriber_id in stale:
        subscriber = db.session.get(Subscriber, subscriber_id)
        if subscriber is not None:
            db.session.delete(subscriber)
    db.session.commit()
    return len(stale)


def purge_request_metadata() -> int:
    """Forget IP addresses and user agents in the consent log after the set period."""
    days = int(current_app.config["CONSENT_IP_RETENTION_DAYS"])
    cutoff = utcnow() - timedelta(days=days)
    result = db.session.execute(
        update(ConsentEvent)
        .where(ConsentEvent.at < cutoff)
        .where(
            ConsentEvent.ip_address.is_not(None) | ConsentEvent.user_agent.is_not(None)
        )
        .values(ip_address=None, user_agent=None)
    )
    db.session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def send_system_mails() -> int:
    """Send the confirmation mails a busy relay put off; idempotent."""
    return deliver_due(db.session)
