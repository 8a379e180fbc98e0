"""Counted tries whose check and count are one statement: a burst of requests at
the same moment cannot all read "still allowed" before any of them is counted.

A counter per key holds the tries of its window and, once they reach the allowed
number, the time until which further tries are refused. Taking a try is a single
UPDATE … RETURNING (SQLite ≥ 3.35 and PostgreSQL): the row lock orders concurrent
takers, and each sees the count the one before it left."""

import time
from dataclasses import dataclass

from sqlalchemy import String, case, delete, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Model, db

# The wait after the allowed tries: a minute, doubling with each further try, at
# most an hour (as seconds, so that the database can compute it on every dialect).
WAITS = (60, 120, 240, 480, 960, 1920)
LONGEST_WAIT = 3600


class ThrottleCounter(Model):
    """Tries of one key (an account, a client address) in its current window."""

    __tablename__ = "throttle_counters"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    tries: Mapped[int] = mapped_column(default=0)
    # Seconds since the epoch: plain integers compare and add alike everywhere.
    window_start: Mapped[int] = mapped_column(default=0)
    blocked_until: Mapped[int] = mapped_column(default=0)


@dataclass(frozen=True)
class Taken:
    """The outcome of a try: its number in the window, or the seconds to wait."""

    number: int
    wait_seconds: int

    @property
    def allowed(self) -> bool:
        return self.wait_seconds == 0


def _ensure_row(key: str, now: int) -> None:
    dialect = db.engine.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    with db.engine.begin() as connection:
        connection.execute(
            insert(ThrottleCounter)
            .values(key=key, tries=0, window_start=now, blocked_until=0)
            .on_conflict_do_nothing(index_elements=["key"])
        )


def take(key: str, allowed: int, window_seconds: int, wait: bool = False) -> Taken:
    """Count a try of `key` if it may be made now. Without `wait`, the allowed
    number per window; with it, beyond that number one more try after each wait
    (a minute, doubling). Runs on its own connection and commits at once, so it
    counts even when the request fails."""
    now = int(time.time())
    _ensure_row(key, now)
    counter = ThrottleCounter.__table__.c
    expired = counter.window_start <= now - window_seconds
    tries = case((expired, 1), else_=counter.tries + 1)
    may = or_(expired, counter.tries < allowed)
    values = {
        "tries": tries,
        "window_start": case((expired, now), else_=counter.window_start),
    }
    if wait:
        beyond = tries - allowed
        pause = case(
            *((beyond == index, seconds) for index, seconds in enumerate(WAITS)),
            else_=LONGEST_WAIT,
        )
        may = or_(may, counter.blocked_until <= now)
        values["blocked_until"] = case(
            (tries >= allowed, now + pause), else_=counter.blocked_until
        )
    statement = (
        update(ThrottleCounter)
        .where(counter.key == key, may)
        .values(values)
        .returning(counter.tries)
    )
    with db.engine.begin() as connection:
        number = connection.execute(statement).scalar()
        if number is not None:
            return Taken(int(number), 0)
        blocked = connection.execute(
            ThrottleCounter.__table__.select().where(counter.key == key)
        ).one()
    if wait:
        left = blocked.blocked_until - now
    else:
        left = blocked.window_start + window_seconds - now
    return Taken(blocked.tries, max(int(left), 1))


def give_back(key: str) -> None:
    """Return a try that turned out not to count (a login that succeeded)."""
    counter = ThrottleCounter.__table__.c
    with db.engine.begin() as connection:
        connection.execute(
            update(ThrottleCounter)
            .where(counter.key == key, counter.tries > 0)
            .values(tries=counter.tries - 1)
        )


def tries_of(key: str) -> int:
    """The tries counted for the key in its current window."""
    row = db.session.get(ThrottleCounter, key)
    return row.tries if row is not None else 0


def purge_counters(older_than_seconds: int) -> int:
    """Delete counters whose window and wait are over (job: hourly)."""
    now = int(time.time())
    counter = ThrottleCounter.__table__.c
    result = db.session.execute(
        delete(ThrottleCounter).where(
            counter.window_start < now - older_than_seconds,
            counter.blocked_until < now,
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
