"""Bounces that arrive later, as delivery status notifications (RFC 3464).

Hard bounces (5.1.x) suppress the address; soft ones (4.x, delayed) change nothing;
policy rejections (5.7.x) are noted on the delivery, not held against the address.
The delivery is found by our X-Brueckenschlag-Delivery header or its Message-ID in the
returned headers."""

import mailbox
from collections import Counter
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path

from sqlalchemy import select

from core.db import SessionLike
from newsletter.audience.models import Subscriber, SubscriberStatus
from newsletter.sending.models import Delivery, DeliveryStatus


@dataclass(frozen=True)
class Bounce:
    delivery_id: int | None
    message_id: str | None
    recipient: str
    status: str  # enhanced status code, e.g. 5.1.1
    action: str  # failed, delayed, …

    @property
    def hard(self) -> bool:
        return self.action == "failed" and self.status.startswith("5.1.")

    @property
    def policy(self) -> bool:
        return self.status.startswith("5.7.")


def parse_dsn(message: Message) -> list[Bounce]:
    """The per-recipient reports of a DSN; an ordinary mail yields none."""
    if message.get_content_type() != "multipart/report":
        return []
    delivery_id, message_id = None, None
    reports: list[Message] = []
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            # The stdlib parses the status body into one block per recipient.
            blocks = part.get_payload()
            if isinstance(blocks, list):
                reports.extend(
                    block for block in blocks[1:] if isinstance(block, Message)
                )
        elif kind in ("message/rfc822", "text/rfc822-headers"):
            original = _original_headers(part)
            if original is not None:
                raw_id = original.get("X-Brueckenschlag-Delivery", "")
                delivery_id = int(raw_id) if str(raw_id).strip().isdigit() else None
                message_id = str(original.get("Message-ID", "")).strip() or None
    bounces = []
    for report in reports:
        recipient = str(report.get("Final-Recipient", "")).split(";")[-1].strip()
        status = str(report.get("Status", "")).strip()
        action = str(report.get("Action", "")).strip().lower()
        if recipient and status:
            bounces.append(
                Bounce(delivery_id, message_id, recipient.lower(), status, action)
            )
    return bounces


def _original_headers(part: Message) -> Message | None:
    if part.get_content_type() == "message/rfc822":
        payload = part.get_payload()
        first = payload[0] if isinstance(payload, list) and payload else None
        return first if isinstance(first, Message) else None
    text = part.get_payload(decode=True)
    if not isinstance(text, bytes):
        return None
    return message_from_bytes(text, policy=policy.default)


def apply_bounce(session: SessionLike, bounce: Bounce) -> str:
    """Record one bounce; returns what was done (for the report)."""
    delivery = None
    if bounce.delivery_id is not None:
        delivery = session.get(Delivery, bounce.delivery_id)
    if delivery is None and bounce.message_id:
        delivery = session.scalar(
            select(Delivery).where(Delivery.message_id == bounce.message_id)
        )
    if delivery is None:
        return "unknown delivery"
    if delivery.subscriber_id is None:
        return "recipient erased"
    subscriber = session.get(Subscriber, delivery.subscriber_id)
    if subscriber is None or (subscriber.email or "").lower() != bounce.recipient:
        return "recipient does not match"
    if bounce.action != "failed":
        return "soft (ignored)"
    delivery.last_error = f"{bounce.status} ({bounce.action})"
    if bounce.hard:
        delivery.status = DeliveryStatus.BOUNCED
        subscriber.status = SubscriberStatus.BOUNCED
        return "hard bounce: address suppressed"
    delivery.status = DeliveryStatus.FAILED
    return "policy rejection (reported)" if bounce.policy else "failed (reported)"


def apply_messages(
    session: SessionLike, messages: list[Message]
) -> list[tuple[Bounce, str]]:
    """Apply every bounce in these messages (other mail is ignored); returns each
    bounce with what was done. The caller commits."""
    return [
        (bounce, apply_bounce(session, bounce))
        for message in messages
        for bounce in parse_dsn(message)
    ]


def summary(results: list[tuple[Bounce, str]]) -> str:
    """ "2 hard bounce: address suppressed, 1 soft (ignored)" for the logs."""
    counts = Counter(result for _bounce, result in results)
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
