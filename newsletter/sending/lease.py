"""A sender's lease on its claims: a row in `sender_workers` with a fresh token per
run, renewed while the sender works. A sender silent for SENDER_STALE_SECONDS loses
it: another sender deletes the row and takes the claims over in one transaction, and
every later write of the silent one, fenced by the token, changes nothing."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Table, delete, insert, select, update

from core.db import SessionLike, utcnow
from newsletter.sending.models import SenderWorker
from newsletter.sending.outbox import recover

_workers: Table = SenderWorker.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class Lease:
    name: str
    token: str


def acquire(session: SessionLike, name: str) -> tuple[Lease, tuple[int, int]]:
    """A new lease for a run of the sender `name`. What an earlier run under this
    name left claimed goes back to the queue first (it cannot still be running: one
    process per name, one run at a time), and its message in flight becomes
    uncertain. Returns the lease and (requeued, uncertain)."""
    counts = recover(session, [name])
    lease = Lease(name, secrets.token_hex(16))
    values = {"heartbeat_at": utcnow(), "lease": lease.token}
    renewed = session.execute(
        update(_workers).where(_workers.c.name == name).values(**values)
    )
    if not getattr(renewed, "rowcount", 0):
        session.execute(insert(_workers).values(name=name, **values))
    session.commit()
    return lease, counts


def renew(session: SessionLike, lease: Lease) -> bool:
    """Renew the lease in the caller's transaction; False if it was lost."""
    renewed = session.execute(
        update(_workers)
        .where(_workers.c.name == lease.name, _workers.c.lease == lease.token)
        .values(heartbeat_at=utcnow())
    )
    return bool(getattr(renewed, "rowcount", 0))


def sender_seen_within(session: SessionLike, seconds: float) -> bool:
    """Whether any sender ran in the last `seconds` (each run, even an idle one,
    renews its lease: the worker's send job runs every two seconds)."""
    cutoff = utcnow() - timedelta(seconds=seconds)
    seen = session.scalar(
        select(_workers.c.name).where(_workers.c.heartbeat_at >= cutoff).limit(1)
    )
    return seen is not None


def take_over_silent(session: SessionLike, me: str, stale_seconds: float) -> list[str]:
    """End the leases of senders silent for `stale_seconds` and return their claims
    to the queue, in one transaction: a sender renewing at the same moment either
    keeps its lease (and its rows) or loses both. Returns the names taken over."""
    cutoff = utcnow() - timedelta(seconds=stale_seconds)
    names = list(
        session.scalars(
            delete(_workers)
            .where(_workers.c.heartbeat_at < cutoff, _workers.c.name != me)
            .returning(_workers.c.name)
        )
    )
    if names:
        recover(session, names)
    session.commit()
    return names
