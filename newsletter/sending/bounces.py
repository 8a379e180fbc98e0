"""Bounces and complaints that arrive later, applied to their deliveries.

Hard bounces (5.1.x, or a permanent failure flufl.bounce found) suppress the address;
soft ones (4.x, delayed) change nothing; policy rejections (5.7.x) are noted on the
delivery, not held against the address. A complaint ("this is spam") unsubscribes
the person from every list. Applying the same report twice has one effect."""

import mailbox
from collections import Counter
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from core.db import SessionLike
from newsletter.audience.models import (
    ConsentSource,
    Subscriber,
    SubscriberStatus,
    SubscriptionStatus,
)
from newsletter.audience.subscriptions import unsubscribe
from newsletter.sending.bounce_reports import Bounce, Complaint, Report, reports_in
from newsletter.sending.models import Delivery, DeliveryStatus
from newsletter.sending.reasons import reason_of_status


def _delivery(session: SessionLike, report: Report) -> Delivery | None:
    delivery = None
    if report.delivery_id is not None:
        delivery = session.get(Delivery, report.delivery_id)
    if delivery is None and report.message_id:
        delivery = session.scalar(
            select(Delivery).where(Delivery.message_id == report.message_id)
        )
    return delivery


def _recipient(
    session: SessionLike, report: Report, by_message_id: bool = False
) -> Subscriber | str:
    """The person the report is about, or why it cannot be applied. A bounce's
    recipient must match unless our signed address names the delivery (a DSN about
    another address, e.g. a forward's target, says nothing about this one); a
    complaint, whose recipient providers often redact, may also be named by the
    Message-ID, which only the recipient's side has seen."""
    delivery = _delivery(session, report)
    if delivery is None:
        return "unknown delivery"
    if delivery.subscriber_id is None:
        return "recipient erased"
    subscriber = session.get(Subscriber, delivery.subscriber_id)
    if subscriber is None or subscriber.email is None:
        return "recipient erased"
    trusted = report.signed or (
        by_message_id
        and report.message_id is not None
        and delivery.message_id == report.message_id
    )
    if not trusted and subscriber.email.lower() != report.recipient:
        return "recipient does not match"
    return subscriber


def apply_bounce(session: SessionLike, bounce: Bounce) -> str:
    """Record one bounce; returns what was done (for the report)."""
    found = _recipient(session, bounce)
    if isinstance(found, str):
        return found
    if bounce.action != "failed":
        return "soft (ignored)"
    delivery = _delivery(session, bounce)
    assert delivery is not None  # noqa: S101 - _recipient found it
    delivery.last_error = f"{bounce.status} ({bounce.action})"
    delivery.reason = reason_of_status(bounce.status)
    if bounce.hard:
        delivery.status = DeliveryStatus.BOUNCED
        found.status = SubscriberStatus.BOUNCED
        return "hard bounce: address suppressed"
    delivery.status = DeliveryStatus.FAILED
    return "policy rejection (reported)" if bounce.policy else "failed (reported)"


def apply_complaint(session: SessionLike, complaint: Complaint) -> str:
    """Withdraw the person's consent for every list at once."""
    found = _recipient(session, complaint, by_message_id=True)
    if isinstance(found, str):
        return found
    active = [
        sub.list_id
        for sub in found.subscriptions
        if sub.status != SubscriptionStatus.UNSUBSCRIBED
    ]
    for list_id in active:
        unsubscribe(session, found.id, list_id, source=ConsentSource.COMPLAINT)
    if not active:
        return "complaint (already unsubscribed)"
    return "complaint: unsubscribed from every list"


def apply_report(session: SessionLike, report: Report) -> str:
    if isinstance(report, Complaint):
        return apply_complaint(session, report)
    return apply_bounce(session, report)


def reports_of(message: Message) -> list[Report]:
    """The reports in one message, read with this installation's VERP key."""
    return reports_in(message, str(current_app.config["SECRET_KEY"]))


def apply_messages(
    session: SessionLike, messages: list[Message]
) -> list[tuple[Report, str]]:
    """Apply every report in these messages (other mail is ignored); returns each
    report with what was done. The caller commits."""
    return [
        (report, apply_report(session, report))
        for message in messages
        for report in reports_of(message)
    ]


def summary(results: list[tuple[Report, str]]) -> str:
    """ "2 hard bounce: address suppressed, 1 soft (ignored)" for the logs."""
    counts = Counter(result for _report, result in results)
    return ", ".join(f"{n} {what}" for what, n in sorted(counts.items())) or (
        "no bounces"
    )


def read_messages(path: Path) -> list[Message]:
    """Every message of a Maildir folder or an mbox file."""
    if path.is_dir():
        box: mailbox.Mailbox = mailbox.Maildir(path, create=False)
    else:
        box = mailbox.mbox(path, create=False)
    try:
        return [
            message_from_bytes(box.get_bytes(key), policy=policy.default)
            for key in box.keys()  # noqa: SIM118 - a mailbox iterates messages
        ]
    finally:
        box.close()
