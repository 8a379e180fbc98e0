"""Signed links that identify a subscriber without an account.

Each purpose has its own salt, so a token for one purpose is useless for another.

Preference links open everything about a person (profile, export, erasure): they
expire after PREFERENCES_LINK_DAYS and carry the person's `link_key`, which erasure
and "log out everywhere" replace. Unsubscribe links deliberately do neither: RFC 8058
one-click must work from any mail the person still has, however old (mail clients
show the button as long as the mail exists), and the most such a link can do is stop
the person's mail (its list, and on its page the other lists she is on), which is
what whoever holds the mail may ask for anyway. Its page's "Rückgängig machen" only
restores a list just left (see newsletter.audience.unsubscribe_undo).
"""

import hmac
from functools import lru_cache
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

CONFIRM_MAX_AGE = 7 * 24 * 3600


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


def end_signup_token(subscriber_id: int, list_ids: list[int]) -> str:
    """The opt-in mail's List-Unsubscribe link: no expiry, like unsubscribe links."""
    return make_token("end_signup", {"s": subscriber_id, "l": sorted(list_ids)})


def unsubscribe_token(
    subscriber_id: int, list_id: int, campaign_id: int | None = None
) -> str:
    """No expiry and no link key, on purpose: see the module's docstring. With the
    issue it came in, so that the issue's results count it."""
    payload = {"s": subscriber_id, "l": list_id}
    if campaign_id is not None:
        payload["c"] = campaign_id
    return make_token("unsubscribe", payload)


def preferences_token(subscriber_id: int, link_key: str) -> str:
    return make_token("preferences", {"s": subscriber_id, "k": link_key})


def preferences_max_age() -> int:
    return int(current_app.config["PREFERENCES_LINK_DAYS"]) * 24 * 3600


def read_preferences_token(token: str) -> tuple[int, str]:
    """Subscriber id and link key of a preference link younger than
    PREFERENCES_LINK_DAYS; LinkError otherwise."""
    payload = read_token("preferences", token, max_age=preferences_max_age())
    subscriber_id, key = payload.get("s"), payload.get("k")
    if not isinstance(subscriber_id, int) or not isinstance(key, str) or not key:
        raise LinkError(expired=False)
    return subscriber_id, key


def same_key(given: str, stored: str) -> bool:
    return hmac.compare_digest(given.encode(), stored.encode())
