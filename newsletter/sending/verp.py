"""Per-delivery envelope senders (VERP): `bounces+d<delivery>-<signature>@domain`.
A bounce goes back to the address its message went out with, so it names its
delivery even when the report lacks the recipient or the original headers; the
signature keeps anybody else from naming deliveries."""

import hashlib
import hmac
import re
from email.message import Message

FOUND = re.compile(r"\+d(\d+)-([0-9a-f]{16})@", re.IGNORECASE)
# Where mail systems keep the address a bounce was delivered to.
ENVELOPE_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To")


def _signature(delivery_id: int, key: str) -> str:
    digest = hmac.new(key.encode(), f"verp:{delivery_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:16]  # 64 bits: lowercase, as some relays fold case


def verp_address(base: str, delivery_id: int, key: str) -> str:
    """The envelope sender of one delivery under the return address `base`."""
    local, _, domain = base.rpartition("@")
    local = local.split("+", 1)[0] or "bounces"
    return f"{local}+d{delivery_id}-{_signature(delivery_id, key)}@{domain}"


def delivery_in(address: str, key: str) -> int | None:
    """The delivery a VERP address names, if its signature holds."""
    match = FOUND.search(address)
    if match is None:
        return None
    delivery_id = int(match.group(1))
    signed = hmac.compare_digest(_signature(delivery_id, key), match.group(2).lower())
    return delivery_id if signed else None


def delivery_of(message: Message, key: str) -> int | None:
    """The delivery whose VERP address a bounce was delivered to (the envelope
    headers first, the To header last)."""
    for header in (*ENVELOPE_HEADERS, "To"):
        for value in message.get_all(header) or []:
            found = delivery_in(str(value), key)
            if found is not None:
                return found
    return None
