"""Periodic housekeeping, idempotent: safe to run late or twice."""

import os
import socket
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from core.db import db, utcnow
from newsletter.models import ConsentEvent, Subscriber, SubscriberStatus


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


__all__ = ["delete_stale_pending", "purge_request_metadata"]


def dispatch_campaigns() -> list[int]:
    """Start due campaigns (idempotent: a campaign starts once, whoever runs this)."""
    from newsletter.outbox import dispatch_due

    return dispatch_due(db.session)


def send_queued() -> int:
    """Send what is queued, for up to 20 seconds; the next run continues."""
    from newsletter.sending import Sender

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    sender = app.extensions.get("newsletter_sender")
    if sender is None:
        # Unique per process unless named: two senders must never share a name, or
        # each would take the other's messages in flight for a crash.
        name = app.config["SENDER_NAME"] or f"{socket.gethostname()}:{os.getpid()}"
        sender = app.extensions["newsletter_sender"] = Sender(app, name)
    return sender.run()


def poll_bounce_inbox() -> str:
    """Apply the DSNs that arrived in the IMAP bounce mailbox (BOUNCE_IMAP_URL)."""
    from newsletter.bounce_inbox import InboxError, InboxSettings, poll_bounces
    from newsletter.bounces import summary

    settings = InboxSettings.from_url(current_app.config["BOUNCE_IMAP_URL"])
    try:
        done = summary(poll_bounces(db.session, settings))
    except InboxError as error:  # the next run tries again
        current_app.logger.warning("%s", error)
        return str(error)
    current_app.logger.info("Bounce mailbox: %s", done)
    return done
