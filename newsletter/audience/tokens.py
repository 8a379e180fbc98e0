"""Signed links that identify a subscriber without an account.

Each purpose has its own salt, so a token for one purpose is useless for another.
"""

from functools import lru_cache
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

CONFIRM_MAX_AGE = 7 * 24 * 3600
PREFERENCES_MAX_AGE = 365 * 24 * 3600


class LinkError(Exception):
    """A link that is forged, damaged or expired; `expired` tells which."""

    def __init__(self, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return _cached_serializer(current_app.config["SECRET_KEY"], purpose)


@lru_cache(maxsize=32)
def _cached_serializer(secret: str, purpose: str) -> URLSafeTimedSerializer:
    # Made once: the sender signs two links for every single mail.
    return URLSafeTimedSerializer(secret, salt=f"link:{purpose}")


def make_token(purpose: str, payload: dict[str, Any]) -> str:
    """A URL-safe signed token carrying the payload."""
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int | None = None) -> dict[str, Any]:
    """The payload of a valid token; LinkError otherwise."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise LinkError(expired=True) from None
    except BadSignature:
        raise LinkError(expired=False) from None
    if not isinstance(payload, dict):
        raise LinkError(expired=False)
    return payload


def confirm_token(subscriber_id: int, list_ids: list[int]) -> str:
    return make_token("confirm", {"s": subscriber_id, "l": sorted(list_ids)})


def unsubscribe_token(subscriber_id: int, list_id: int) -> str:
    return make_token("unsubscribe", {"s": subscriber_id, "l": list_id})


def preferences_token(subscriber_id: int) -> str:
    return make_token("preferences", {"s": subscriber_id})
