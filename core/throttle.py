"""Throttling that every worker and machine sees: events are rows in the database
(no extra server needed), counted per key over a sliding window.

Limits per client address (login, sign-up, public survey answers) are counters
(core.counters) whose check and count are one statement; events count what is only
noted (forged unsubscribes, fresh links mailed to an address). A limit is written
like "10 per hour"."""

import hashlib
import hmac
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, request
from sqlalchemy import String, delete, func, insert, select
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.exceptions import TooManyRequests

from core.counters import purge_counters, take
from core.db import Model, UTCDateTime, db, utcnow

F = TypeVar("F", bound=Callable[..., Any])
UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
LIMIT = re.compile(r"\s*(\d+)\s*(?:per|/)\s*(\d*)\s*(second|minute|hour|day)s?\s*")
KEEP = timedelta(days=1)


class ThrottleEvent(Model):
    """One counted attempt: a login, a sign-up, a public answer."""

    __tablename__ = "throttle_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def parse_limit(text: str) -> tuple[int, timedelta]:
    """ "5 per minute" → (5, one minute)."""
    match = LIMIT.fullmatch(text)
    if match is None:
        raise ValueError(f"not a limit: {text!r}")
    amount, count, unit = match.groups()
    return int(amount), timedelta(seconds=int(count or 1) * UNITS[unit])


def hashed(value: str) -> str:
    """A key part that names a person (a mail or client address) without storing
    it: keyed, so that nobody can hash all IPv4 addresses to read it back."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, value.strip().lower().encode(), hashlib.sha256)
    return digest.hexdigest()[:40]


def count(key: str, within: timedelta) -> int:
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(ThrottleEvent)
            .where(ThrottleEvent.key == key, ThrottleEvent.at > utcnow() - within)
        )
        or 0
    )


def too_many(wait_seconds: int) -> TooManyRequests:
    """The 429 to raise; its Retry-After and the page name the same wait."""
    return TooManyRequests(retry_after=max(1, wait_seconds))


def note(key: str) -> None:
    """Record an event at once, on its own connection: it counts even when the
    request that made it fails or rolls back."""
    with db.engine.begin() as connection:
        connection.execute(insert(ThrottleEvent).values(key=key, at=utcnow()))


def client_address() -> str:
    """The client's address as a key part (hashed: events must not name people)."""
    return hashed(request.remote_addr or "unknown")


def throttled(name: str, setting: str) -> Callable[[F], F]:
    """Limit POSTs to the view per client address by the limit in config[setting];
    the request over the limit is answered 429 and not counted."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if request.method == "POST":
                amount, window = parse_limit(current_app.config[setting])
                key = f"{name}:{client_address()}"
                taken = take(key, amount, int(window.total_seconds()))
                if not taken.allowed:
                    raise too_many(taken.wait_seconds)
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


def purge_throttle_events() -> int:
    """Delete events and counters older than a day (job: hourly)."""
    result = db.session.execute(
        delete(ThrottleEvent).where(ThrottleEvent.at < utcnow() - KEEP)
    )
    counters = purge_counters(int(KEEP.total_seconds()))
    db.session.commit()
    return int(getattr(result, "rowcount", 0) or 0) + counters
