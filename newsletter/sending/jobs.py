"""The scheduler's entry points for sending: thin, idempotent, safe to run late or
twice (the database decides what is due)."""

import os
import socket
from weakref import WeakKeyDictionary

from flask import Flask, current_app

from core.db import db
from newsletter.sending.bounce_mailbox import InboxError, InboxSettings, poll_bounces
from newsletter.sending.bounces import summary
from newsletter.sending.outbox import dispatch_due
from newsletter.sending.sender import Sender
from newsletter.sending.welcome import enqueue_welcome_mails

# One sender per app in this process: it keeps its SMTP connection between runs.
_senders: WeakKeyDictionary[Flask, Sender] = WeakKeyDictionary()


def dispatch_campaigns() -> list[int]:
    """Start due campaigns (idempotent: a campaign starts once, whoever runs this)."""
    return dispatch_due(db.session)


def enqueue_welcome() -> int:
    """Queue the welcome mails of whoever confirmed since the last run."""
    return enqueue_welcome_mails(db.session)


def send_queued() -> int:
    """Send what is queued, for up to 20 seconds; the next run continues."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    sender = _senders.get(app)
    if sender is None:
        # Unique per process unless named: two senders must never share a name, or
        # each would take the other's messages in flight for a crash.
        name = app.config["SENDER_NAME"] or f"{socket.gethostname()}:{os.getpid()}"
        sender = _senders[app] = Sender(app, name)
    return sender.run()


def poll_bounce_inbox() -> str:
    """Apply the DSNs that arrived in the IMAP bounce mailbox (BOUNCE_IMAP_URL)."""
    settings = InboxSettings.from_url(current_app.config["BOUNCE_IMAP_URL"])
    try:
        done = summary(poll_bounces(db.session, settings))
    except InboxError as error:  # the next run tries again
        current_app.logger.warning("%s", error)
        return str(error)
    current_app.logger.info("Bounce mailbox: %s", done)
    return done
