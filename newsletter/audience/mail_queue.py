"""The queue of system mails (the opt-in confirmation, a fresh preference link):
queued with the sign-up (or the request) in one transaction, sent right after the
commit, retried by a job with backoff when the relay says "later" (4xx) or cannot
be reached, given up on a permanent refusal (5xx) or after MAIL_MAX_ATTEMPTS. Signed
with DKIM when a key is set.

A person who signs up while the relay is busy sees "check your inbox" as always and
gets the mail a little later; the consent log notes it when the relay took it."""

import smtplib
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.utils import parseaddr

from flask import current_app
from sqlalchemy import select

from core.counters import take
from core.db import SessionLike, db, utcnow
from core.dkim import Signer
from core.mail import MailSettings, SMTPConnection
from core.throttle import hashed, parse_limit
from newsletter.audience.models import (
    MailingList,
    Subscriber,
    SubscriberStatus,
    SubscriptionStatus,
    SystemMail,
    SystemMailStatus,
)
from newsletter.audience.subscriptions import record_confirmation_sent
from newsletter.audience.system_mails import (
    confirmation_message,
    preferences_link_message,
    signed_up_again_message,
)

CONFIRMATION = "confirmation"
PREFERENCES_LINK = "preferences_link"
# A sign-up with an address that already receives what it asked for: a note with a
# link to the settings, so that a sign-up queues one mail whoever signs up.
SIGNED_UP_AGAIN = "signed_up_again"
# Mails with a settings link sent to one address at most this often, whoever asks.
PER_ADDRESS = "3 per day"
# The request that queued a mail sends it at once; the job leaves it alone meanwhile.
LEASE = timedelta(seconds=60)
BATCH = 50


def queue_confirmation(
    session: SessionLike, subscriber: Subscriber, list_ids: list[int], source: str
) -> SystemMail:
    """Queue the opt-in mail for these lists; a mail still waiting for the person
    takes them on instead (one mail, not two). The caller commits, then delivers."""
    waiting = session.scalar(
        select(SystemMail).where(
            SystemMail.subscriber_id == subscriber.id,
            SystemMail.kind == CONFIRMATION,
            SystemMail.status == SystemMailStatus.QUEUED,
        )
    )
    if waiting is not None:
        waiting.list_ids = sorted({*waiting.list_ids, *list_ids})
        return waiting
    mail = SystemMail(
        kind=CONFIRMATION,
        subscriber_id=subscriber.id,
        list_ids=sorted(set(list_ids)),
        source=source,
        next_attempt_at=utcnow() + LEASE,
    )
    session.add(mail)
    session.flush()
    return mail


def queue_preferences_link(session: SessionLike, subscriber: Subscriber) -> SystemMail:
    """Queue a mail with a fresh preference link; the link is signed when it goes
    out, with the key the person has then. The caller commits, then delivers."""
    mail = SystemMail(
        kind=PREFERENCES_LINK,
        subscriber_id=subscriber.id,
        list_ids=[],
        source="form",
        next_attempt_at=utcnow() + LEASE,
    )
    session.add(mail)
    session.flush()
    return mail


def queue_signed_up_again(session: SessionLike, subscriber: Subscriber) -> SystemMail:
    """Queue the note for a sign-up that asks for nothing new; whether it goes
    (someone who still has to confirm, or whose address bounced, gets nothing) is
    decided when it goes. The caller commits, then delivers."""
    mail = SystemMail(
        kind=SIGNED_UP_AGAIN,
        subscriber_id=subscriber.id,
        list_ids=[],
        source="form",
        next_attempt_at=utcnow() + LEASE,
    )
    session.add(mail)
    session.flush()
    return mail


def within_address_limit(email: str) -> bool:
    """Count a mail with a settings link to this address, if PER_ADDRESS allows."""
    amount, window = parse_limit(PER_ADDRESS)
    key = f"preferences_link_to:{hashed(email)}"
    return take(key, amount, int(window.total_seconds())).allowed


def _reachable(subscriber: Subscriber | None) -> bool:
    return (
        subscriber is not None
        and bool(subscriber.email)
        and subscriber.status not in (SubscriberStatus.ERASED, SubscriberStatus.BOUNCED)
    )


def _may_note(subscriber: Subscriber | None) -> bool:
    return (
        _reachable(subscriber)
        and subscriber is not None
        and subscriber.status == SubscriberStatus.ACTIVE
        and within_address_limit(subscriber.email or "")
    )


def _still_pending(subscriber: Subscriber | None, list_ids: list[int]) -> list[int]:
    """The lists of the mail the person has yet to confirm (none: nothing to send)."""
    if (
        subscriber is None
        or not subscriber.email
        or subscriber.status in (SubscriberStatus.ERASED, SubscriberStatus.BOUNCED)
    ):
        return []
    return [
        sub.list_id
        for sub in subscriber.subscriptions
        if sub.list_id in list_ids and sub.status == SubscriptionStatus.PENDING
    ]


def deliver(session: SessionLike, mail: SystemMail) -> bool:
    """Try to send one queued mail now and record the outcome (the caller commits).
    True when the relay took it."""
    subscriber = session.get(Subscriber, mail.subscriber_id)
    if mail.kind == SIGNED_UP_AGAIN:
        if not _may_note(subscriber):
            mail.status = SystemMailStatus.FAILED
            mail.last_error = "nothing to send"
            return False
        assert subscriber is not None  # noqa: S101 - _may_note says so
        return _send(mail, signed_up_again_message(subscriber))
    if mail.kind == PREFERENCES_LINK:
        if subscriber is None or not _reachable(subscriber):
            mail.status = SystemMailStatus.FAILED
            mail.last_error = "nobody to send to"
            return False
        return _send(mail, preferences_link_message(subscriber))
    pending = _still_pending(subscriber, mail.list_ids)
    if subscriber is None or not pending:
        mail.status = SystemMailStatus.FAILED
        mail.last_error = "nothing left to confirm"
        return False
    lists = list(
        session.scalars(
            select(MailingList)
            .where(MailingList.id.in_(pending))
            .order_by(MailingList.name)
        )
    )
    if not _send(mail, confirmation_message(subscriber, lists)):
        return False
    record_confirmation_sent(session, subscriber, pending, mail.source)
    return True


def _send(mail: SystemMail, message: EmailMessage) -> bool:
    """One attempt; True when the relay took it."""
    mail.attempts += 1
    try:
        send_signed(message)
    except (smtplib.SMTPException, OSError) as error:
        _note_failure(mail, error)
        return False
    mail.status = SystemMailStatus.SENT
    mail.sent_at = utcnow()
    mail.last_error = ""
    return True


def _note_failure(mail: SystemMail, error: Exception) -> None:
    code = _reply_code(error)
    mail.last_error = f"{code or ''} {error}".strip()[:300]
    settings = current_app.config
    if (code is not None and code >= 500) or mail.attempts >= int(
        settings["MAIL_MAX_ATTEMPTS"]
    ):
        mail.status = SystemMailStatus.FAILED
        return
    delay = float(settings["MAIL_RETRY_BACKOFF_SECONDS"]) * 4 ** (mail.attempts - 1)
    mail.next_attempt_at = utcnow() + timedelta(seconds=delay)


def _reply_code(error: Exception) -> int | None:
    """The relay's reply code; None when it never answered (try again)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        return int(next(iter(error.recipients.values()))[0])
    if isinstance(error, smtplib.SMTPResponseException):
        return int(error.smtp_code)
    return None


def send_signed(message: EmailMessage) -> None:
    """Send one message over MAIL_URL, DKIM-signed when a key is set."""
    sender = parseaddr(str(message["From"]))[1]
    recipient = str(message["To"])
    international = not (sender + recipient).isascii()
    raw = message.as_bytes(policy=policy.SMTPUTF8 if international else policy.SMTP)
    signer = Signer.from_config(current_app.config)
    if signer is not None:
        raw = signer.sign(raw)
    with SMTPConnection(MailSettings.from_url(current_app.config["MAIL_URL"])) as smtp:
        smtp.send_bytes(sender, recipient, raw, international=international)


def deliver_queued(mail_id: int) -> None:
    """Send one queued mail now, if it still waits (a relay that says "later"
    leaves it queued: the job retries)."""
    mail = db.session.get(SystemMail, mail_id)
    if mail is not None and mail.status == SystemMailStatus.QUEUED:
        deliver(db.session, mail)
        db.session.commit()


def deliver_due(session: SessionLike, limit: int = BATCH) -> int:
    """Send the queued mails whose time has come, committing each; returns how
    many the relay took."""
    due = list(
        session.scalars(
            select(SystemMail)
            .where(
                SystemMail.status == SystemMailStatus.QUEUED,
                SystemMail.next_attempt_at <= utcnow(),
            )
            .order_by(SystemMail.id)
            .limit(limit)
        )
    )
    sent = 0
    for mail in due:
        sent += deliver(session, mail)
        session.commit()
    return sent
