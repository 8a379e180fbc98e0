"""What arrives in the bounce mailbox, read: delivery status notifications (RFC 3464),
complaint reports (ARF, RFC 5965), and other bounces, which `flufl.bounce` reads as
a fallback (qmail, old Exim, Exchange texts …). A report names its delivery by the
signed VERP address it came back to, else by our header or the Message-ID in the
returned headers."""

from dataclasses import dataclass
from email import message_from_bytes, message_from_string, policy
from email.message import Message

from flufl.bounce import all_failures

from newsletter.sending.verp import delivery_in, delivery_of

# A permanent failure that only the heuristics found (no status code given).
HEURISTIC_STATUS = "5.0.0"


@dataclass(frozen=True)
class Bounce:
    delivery_id: int | None
    message_id: str | None
    recipient: str
    status: str  # enhanced status code, e.g. 5.1.1
    action: str  # failed, delayed, …
    # The delivery came from our signed VERP address: no need to match the recipient.
    signed: bool = False
    heuristic: bool = False  # found by flufl.bounce, not by a DSN

    @property
    def hard(self) -> bool:
        failed = self.action == "failed"
        return failed and (self.status.startswith("5.1.") or self.heuristic)

    @property
    def policy(self) -> bool:
        return self.status.startswith("5.7.")


@dataclass(frozen=True)
class Complaint:
    """The recipient pressed "this is spam" (a feedback loop's ARF report)."""

    delivery_id: int | None
    message_id: str | None
    recipient: str
    feedback_type: str
    signed: bool = False


Report = Bounce | Complaint


@dataclass(frozen=True)
class Original:
    """What the returned headers of our message say."""

    delivery_id: int | None = None
    message_id: str | None = None
    signed: bool = False


def reports_in(message: Message, key: str) -> list[Report]:
    """Every report in one message of the bounce mailbox; other mail yields none."""
    verp = delivery_of(message, key)
    if _report_type(message) == "feedback-report":
        return _complaints(message, key)
    if _report_type(message) == "delivery-status":
        return list(parse_dsn(message, verp, key))
    return _heuristic(message, verp)


def _report_type(message: Message) -> str | None:
    if message.get_content_type() != "multipart/report":
        return None
    return str(message.get_param("report-type") or "").lower() or None


def parse_dsn(message: Message, verp: int | None, key: str) -> list[Bounce]:
    """The per-recipient reports of a DSN."""
    original = Original()
    reports: list[Message] = []
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            # The stdlib parses the status body into one block per recipient.
            blocks = part.get_payload()
            if isinstance(blocks, list):
                reports.extend(b for b in blocks[1:] if isinstance(b, Message))
        elif kind in ("message/rfc822", "text/rfc822-headers"):
            original = _original(part, key)
    delivery_id = verp or original.delivery_id
    signed = verp is not None or original.signed
    bounces = []
    for report in reports:
        recipient = str(report.get("Final-Recipient", "")).split(";")[-1].strip()
        status = str(report.get("Status", "")).strip()
        action = str(report.get("Action", "")).strip().lower()
        # Without the recipient only the signed address can say whose it was.
        if status and (recipient or signed):
            bounces.append(
                Bounce(
                    delivery_id,
                    original.message_id,
                    recipient.lower(),
                    status,
                    action,
                    signed,
                )
            )
    return bounces


def _complaints(message: Message, key: str) -> list[Report]:
    fields: dict[str, str] = {}
    original = Original()
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/feedback-report":
            fields = _fields(part)
        elif kind in ("message/rfc822", "text/rfc822-headers"):
            original = _original(part, key)
    recipient = fields.get("original-rcpt-to", "")
    return [
        Complaint(
            original.delivery_id,
            original.message_id,
            recipient.strip().strip("<>").lower(),
            fields.get("feedback-type", "abuse").lower(),
            original.signed,
        )
    ]


def _heuristic(message: Message, verp: int | None) -> list[Report]:
    """Permanent failures that flufl.bounce finds in a bounce of no standard form."""
    _temporary, permanent = all_failures(message)
    return [
        Bounce(
            verp,
            None,
            address.decode(errors="replace").lower(),
            HEURISTIC_STATUS,
            "failed",
            signed=verp is not None,
            heuristic=True,
        )
        for address in sorted(permanent)
    ]


def _fields(part: Message) -> dict[str, str]:
    """The "Name: value" fields of a report part, by lower-case name."""
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        block = payload[0]
    else:
        raw = part.get_payload(decode=True)
        text = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)
        block = message_from_string(text, policy=policy.default)
    return {name.lower(): str(value) for name, value in block.items()}


def _original(part: Message, key: str) -> Original:
    """Our header, the Message-ID and the Return-Path of the returned message."""
    headers = _original_headers(part)
    if headers is None:
        return Original()
    raw_id = str(headers.get("X-Brueckenschlag-Delivery", "")).strip()
    message_id = str(headers.get("Message-ID", "")).strip() or None
    verp = delivery_in(str(headers.get("Return-Path", "")), key)
    if verp is not None:
        return Original(verp, message_id, True)
    return Original(int(raw_id) if raw_id.isdigit() else None, message_id)


def _original_headers(part: Message) -> Message | None:
    if part.get_content_type() == "message/rfc822":
        payload = part.get_payload()
        first = payload[0] if isinstance(payload, list) and payload else None
        return first if isinstance(first, Message) else None
    text = part.get_payload(decode=True)
    if not isinstance(text, bytes):
        return None
    return message_from_bytes(text, policy=policy.default)
