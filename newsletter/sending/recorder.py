"""The sender's writes while it sends a batch, on a DBAPI connection of its own: each
message's gate together with the previous message's result, the lease renewed on the
way, and what is skipped or handed back. All fenced by the lease (`records.py`)."""

import enum
import time
from types import TracebackType
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from core.db import utcnow
from core.direct_sql import Direct
from newsletter.sending.lease import Lease
from newsletter.sending.records import (
    RECORD_RESULT,
    RELEASE,
    RENEW,
    SKIP_WITHDRAWN,
    SUPPRESS,
    GateStatements,
)

# A message's result as parameters of RECORD_RESULT (plus bounce_subscriber).
Result = tuple[int, dict[str, Any]]


class Gate(enum.Enum):
    OPEN = "open"  # marked `sending`: the message may go
    REFUSED = "refused"  # not ours any more, campaign stopped, or the person left
    LEASE_LOST = "lease lost"  # another sender took this one's claims over


class Recorder:
    """Used by one thread at a time: the sender hands it from its main thread to its
    record thread and waits for each record before the next. A context manager."""

    def __init__(
        self,
        engine: Engine,
        lease: Lease,
        renew_every: float,
        gate: GateStatements,
    ) -> None:
        self.gate = gate
        self.dialect = engine.dialect
        self.connection = engine.raw_connection()
        self.direct = Direct(self.connection, engine.dialect)
        self.lease = lease
        self.renew_every = renew_every
        self.renewed_at = time.monotonic()

    def record(
        self, previous: Result | None, current: int | None, message_id: str = ""
    ) -> Gate | None:
        """One commit: the result of the last message and the gate of the next
        (`current`); returns the gate's answer, None without a next message."""
        values: dict[str, Any] = {"b_lease": self.lease.token}
        bounced = None
        if previous is not None:
            values.update(previous[1])
            bounced = values.pop("bounce_subscriber")
        gate = None
        if current is not None:
            gate = Gate.OPEN if self._renewed() else Gate.LEASE_LOST
        if gate is Gate.OPEN:
            values["n_id"] = current
            values["n_message_id"] = message_id
            values["g_now"] = utcnow()
            statement = (
                self.gate.mark_sending
                if previous is None
                else self.gate.record_and_mark
            )
            marked = self.direct.rows(statement, values)
            gate = Gate.OPEN if [current] in marked else Gate.REFUSED
        elif previous is not None:
            self.direct.execute(RECORD_RESULT, values)
        if bounced is not None:
            self.direct.execute(SUPPRESS, {"b_subscriber": bounced})
        self._commit()
        return gate

    def _renewed(self) -> bool:
        """Renew the lease every few seconds, in the transaction of a gate (no round
        trip of its own per message); False if it was lost."""
        if time.monotonic() - self.renewed_at < self.renew_every:
            return True
        renewed = self.direct.rows(
            RENEW,
            {"w_name": self.lease.name, "b_lease": self.lease.token, "w_now": utcnow()},
        )
        if not renewed:
            return False
        self.renewed_at = time.monotonic()
        return True

    def skip_withdrawn(self, delivery_id: int) -> bool:
        """Mark a claimed row skipped if the reason can only be the person's
        withdrawal (the row still ours, its campaign still sending)."""
        skipped = self.direct.rows(
            SKIP_WITHDRAWN, {"b_id": delivery_id, "b_lease": self.lease.token}
        )
        self._commit()
        return bool(skipped)

    def release(self) -> None:
        """Hand back, untried, what is still claimed under the lease."""
        self.direct.execute(RELEASE, {"b_lease": self.lease.token})
        self._commit()

    def _commit(self) -> None:
        try:
            self.connection.commit()
        except self.dialect.loaded_dbapi.Error as error:
            raise DBAPIError.instance(
                "COMMIT", None, error, self.dialect.loaded_dbapi.Error
            ) from error

    def __enter__(self) -> "Recorder":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.connection.close()
