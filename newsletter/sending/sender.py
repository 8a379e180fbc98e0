"""The sender: claims queued deliveries under its lease, renders them from a prebuilt
message (each gets its Date as it goes), passes every message through the gate
(`records.py`: still ours, campaign still sending, person still wanting it), sends
over one reused SMTP connection, and records every result right after the server's
reply (together with the gate of the next message, so one commit each).

What can go wrong, and what happens:
- crash (kill -9): on restart, claimed rows go back to the queue; the one row marked
  `sending` (at most one per connection) becomes `uncertain` and is listed.
- the database goes away: the run ends; the next run (2 s later, same process)
  returns this sender's claims to the queue and lists its row in flight as uncertain.
- a stall past the lease (VM pause, GC): another sender takes the claims over; the
  stalled one finds its rows fenced at its next write and drops its batch.
- cancel, pause, withdrawal: the gate refuses the next message; at most the one in
  flight still goes out. SIGTERM: the message in flight is finished, the rest handed
  back.
- 4xx: retried later with backoff, under the same Message-ID.
- dropped connection: retried with the same Message-ID after reconnecting.
- relay unreachable: retried later; no attempt is used up.
- 5.1.x: bounced, and the address is suppressed; other 5xx: failed with the reason.
- many errors in a row: the campaign pauses itself and says why."""

import contextlib
import dataclasses
import smtplib
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from core.db import db, utcnow
from core.mail import MailSettings, SMTPConnection, send_when_ready
from core.scheduler import stop_requested
from newsletter.audience.models import (
    Subscriber,
    SubscriberStatus,
    Subscription,
    SubscriptionStatus,
)
from newsletter.campaigns.audiences import audiences
from newsletter.campaigns.models import Campaign, CampaignStatus, StopReason
from newsletter.sending.caps import hourly_room
from newsletter.sending.lease import Lease, acquire, renew, take_over_silent
from newsletter.sending.messages import MessageBuilder
from newsletter.sending.models import Delivery, DeliveryStatus
from newsletter.sending.outbox import finish_completed, skip_cancelled
from newsletter.sending.outcomes import Outcome, classify
from newsletter.sending.reasons import Reason
from newsletter.sending.recorder import Gate, Recorder, Result
from newsletter.sending.records import gate_statements
from newsletter.sending.settings import SendSettings

# Messages rendered ahead of the relay, at most. Each holds its finished bytes (some
# 20 KB, and several times that while being built): a whole batch ahead cost the
# sender 20 MiB more at 500 a batch. Refilled in bursts of half of it, so that the
# render thread does not take the GIL at every reply of the server.
RENDER_AHEAD = 32


class Refused(Exception):
    """The gate refused the message: it must not reach the relay."""


class Sender:
    """One sender process's work; `run` is what the scheduler job calls."""

    def __init__(self, app: Flask, name: str) -> None:
        self.app = app
        self.name = name
        self.settings = SendSettings.from_config(app.config)
        self.mail = MailSettings.from_url(app.config["MAIL_URL"])
        self.connection: SMTPConnection | None = None
        self.messages = MessageBuilder(app)
        self.stopping = stop_requested(app)
        self.consecutive_errors = 0
        self.last_send = 0.0
        self.lease: Lease | None = None
        self.lease_lost = False
        self.gate = gate_statements(audiences(app))

    # --- lifecycle --------------------------------------------------------------

    def start(self) -> tuple[int, int]:
        """Begin a run under a new lease. What an earlier run under this name left
        claimed (a crash, a database that went away) goes back to the queue; its
        message in flight becomes uncertain. Returns (requeued, uncertain)."""
        self.lease, counts = acquire(db.session, self.name)
        self.lease_lost = False
        return counts

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    # --- the loop ---------------------------------------------------------------

    def run(self, budget_seconds: float = 20.0) -> int:
        """Send until the queue is empty, the time budget is used, the lease is lost
        or the worker stops; returns how many were sent."""
        deadline = time.monotonic() + budget_seconds
        sent = 0
        try:
            self.start()
            self.messages.forget()
            while not self.stopping.is_set() and time.monotonic() < deadline:
                take_over_silent(
                    db.session, self.name, self.settings.stale_after_seconds
                )
                room = hourly_room(db.session, self.settings.rate_per_hour)
                if room == 0:
                    break
                batch = self.claim(room)
                if not batch:
                    break
                sent += self.send_batch(batch)
                if self.lease_lost:
                    break
            skip_cancelled(db.session)
            finish_completed(db.session)
        except SQLAlchemyError as error:
            # The database went away: our claims come back at the next run.
            with contextlib.suppress(SQLAlchemyError):
                db.session.rollback()
            self.app.logger.warning("Sender %s stopped: %s", self.name, error)
        finally:
            self.close()
        return sent

    def _current_lease(self) -> Lease:
        if self.lease is None:
            self.start()
        assert self.lease is not None  # noqa: S101 - just acquired
        return self.lease

    def claim(self, at_most: int | None = None) -> list[int]:
        """Take a batch of due rows of running campaigns under this sender's lease,
        renewed in the same transaction (PostgreSQL: SKIP LOCKED, so senders never
        wait for or take each other's rows)."""
        lease = self._current_lease()
        if not renew(db.session, lease):
            db.session.commit()
            self.lease_lost = True
            return []
        now = utcnow()
        ids = list(
            db.session.scalars(
                select(Delivery.id)
                .join(Campaign, Campaign.id == Delivery.campaign_id)
                .where(
                    Delivery.status == DeliveryStatus.QUEUED,
                    (Delivery.next_attempt_at.is_(None))
                    | (Delivery.next_attempt_at <= now),
                    Campaign.status == CampaignStatus.SENDING,
                )
                .order_by(Delivery.id)
                .limit(
                    min(self.settings.batch_size, at_most or self.settings.batch_size)
                )
                .with_for_update(skip_locked=True, of=Delivery)
            )
        )
        if ids:
            db.session.execute(
                update(Delivery)
                .where(Delivery.id.in_(ids), Delivery.status == DeliveryStatus.QUEUED)
                .values(
                    status=DeliveryStatus.CLAIMED,
                    claimed_by=self.name,
                    lease=lease.token,
                )
            )
        db.session.commit()
        return ids

    def _rows(self, ids: list[int]) -> list[Any]:
        """The rows we hold of `ids`, with what rendering needs and consent now."""
        return list(
            db.session.execute(
                select(
                    Delivery.id,
                    Delivery.campaign_id,
                    Delivery.list_id,
                    Delivery.attempts,
                    Delivery.message_id,
                    Subscriber.id.label("subscriber_id"),
                    Subscriber.email,
                    Subscriber.name,
                    Subscriber.organisation,
                    Subscriber.language,
                    Subscriber.link_key,
                    Subscriber.region_id,
                    Subscriber.status.label("subscriber_status"),
                    Subscription.status.label("subscription_status"),
                )
                .join(Subscriber, Subscriber.id == Delivery.subscriber_id)
                .outerjoin(
                    Subscription,
                    (Subscription.subscriber_id == Delivery.subscriber_id)
                    & (Subscription.list_id == Delivery.list_id),
                )
                .where(
                    Delivery.id.in_(ids),
                    Delivery.lease == self._current_lease().token,
                    Delivery.status == DeliveryStatus.CLAIMED,
                )
                .order_by(Delivery.id)
            )
        )

    def send_batch(self, ids: list[int]) -> int:
        rows = self._rows(ids)
        still_wanted = [
            row
            for row in rows
            if row.email
            and row.subscriber_status == SubscriberStatus.ACTIVE
            and row.subscription_status == SubscriptionStatus.ACTIVE
        ]
        wanted_ids = {row.id for row in still_wanted}
        gone = [row.id for row in rows if row.id not in wanted_ids]
        links = self.messages.link_patterns()
        db.session.commit()  # nothing of the session stays open while we send
        with Recorder(
            db.engine,
            self._current_lease(),
            renew_every=self.settings.stale_after_seconds / 4,
            gate=self.gate,
        ) as recorder:
            for delivery_id in gone:  # known before we start: no need for the gate
                recorder.skip_withdrawn(delivery_id)
            return self._send_rows(still_wanted, links, recorder)

    def _send_rows(
        self, rows: list[Any], links: dict[str, str], recorder: Recorder
    ) -> int:
        for row in rows:  # warm the caches here: the render thread has no session
            self.messages.campaign(row.campaign_id)
            self.messages.prepared(row.campaign_id, row.language)
        sent = 0
        previous: Result | None = None
        # Messages are rendered ahead in a thread while we wait for the server's
        # replies (in bursts, see RENDER_AHEAD); each gets its Date as it goes. Signed
        # messages are built one at a time instead, the signature covers the Date.
        # Records stay strictly in order, in a second thread: the commit of each
        # message's gate runs while the server checks its envelope, and the message
        # itself waits for it.
        window = 1 if self.messages.signs else RENDER_AHEAD
        with (
            ThreadPoolExecutor(
                max_workers=1, initializer=self.app.app_context().push
            ) as renderer,
            ThreadPoolExecutor(max_workers=1) as records,
        ):
            ahead: deque[Future[tuple[str, bytes]]] = deque()
            submitted = 0

            def render_ahead() -> None:
                nonlocal submitted
                more = rows[submitted : submitted + window - len(ahead)]
                ahead.extend(renderer.submit(self._render, r, links) for r in more)
                submitted += len(more)

            render_ahead()
            for row in rows:
                message_id, raw = ahead.popleft().result()
                if len(ahead) <= window // 2:
                    render_ahead()
                raw = self.messages.dated(raw)
                if self.stopping.is_set():
                    recorder.release()  # the worker stops: hand back the rest
                    break
                gate = records.submit(recorder.record, previous, row.id, message_id)
                outcome = self._deliver(row, raw, gate)
                previous = None  # recorded with this message's gate
                if outcome is None:  # the gate refused this message
                    if gate.result() is Gate.REFUSED and recorder.skip_withdrawn(
                        row.id
                    ):
                        continue  # the person left meanwhile; the batch goes on
                    # Not ours any more, or the campaign stopped: hand back the rest.
                    self.lease_lost = gate.result() is Gate.LEASE_LOST
                    recorder.release()
                    break
                previous = (row.id, self._result_values(row, outcome))
                if outcome.status == DeliveryStatus.SENT:
                    sent += 1
            renderer.shutdown(wait=False, cancel_futures=True)  # after a break
        recorder.record(previous, None)
        return sent

    def _render(self, row: Any, links: dict[str, str]) -> tuple[str, bytes]:
        """A message, built when its turn under the rate cap has come."""
        self._pace()
        return self.messages.build(row, links)

    def _deliver(
        self, row: Any, raw: bytes, gate: "Future[Gate | None]"
    ) -> Outcome | None:
        """Hand one message to the relay once the gate has opened, and say what
        the relay's answer means; None if the gate refused it."""

        def ready() -> None:
            if gate.result() is not Gate.OPEN:
                raise Refused

        try:
            if self.connection is None:
                self.connection = SMTPConnection(self.mail)
            smtp = self.connection.open()
        except (smtplib.SMTPException, OSError) as error:
            # The relay was not reached: retried later, no attempt used up.
            self.connection = None
            unreached = dataclasses.replace(
                classify(error), reason=Reason.RELAY_UNREACHABLE, reached=False
            )
            return self._failed(row, gate, unreached)
        try:
            send_when_ready(
                smtp,
                self.messages.envelope_for(row),
                row.email,
                raw,
                ready,
            )
        except Refused:
            self.close()  # a transaction may be open on the connection
            return None
        except (smtplib.SMTPException, OSError) as error:
            outcome = classify(error)
            if outcome.connection_lost:
                self.close()
            return self._failed(row, gate, outcome)
        self.consecutive_errors = 0
        return Outcome(DeliveryStatus.SENT)

    def _failed(
        self, row: Any, gate: "Future[Gate | None]", outcome: Outcome
    ) -> Outcome | None:
        if gate.result() is not Gate.OPEN:  # also when the relay failed first
            return None
        self._note_error(row.campaign_id, outcome)
        return outcome

    def _result_values(self, row: Any, outcome: Outcome) -> dict[str, Any]:
        attempts = row.attempts + (1 if outcome.reached else 0)
        values: dict[str, Any] = {
            "b_id": row.id,
            "b_status": outcome.status,
            "b_attempts": attempts,
            "b_error": outcome.error,
            "b_reason": outcome.reason,
            "b_sent_at": utcnow() if outcome.status == DeliveryStatus.SENT else None,
            "b_next": None,
            "bounce_subscriber": row.subscriber_id if outcome.hard_bounce else None,
        }
        if outcome.retry:
            if attempts >= self.settings.max_attempts:
                values["b_status"] = DeliveryStatus.FAILED
            else:
                delay = self.settings.backoff_seconds * (4**row.attempts)
                values["b_next"] = utcnow() + timedelta(seconds=delay)
        return values

    def _note_error(self, campaign_id: int, outcome: Outcome) -> None:
        if outcome.hard_bounce:
            return  # one dead address says nothing about the relay
        self.consecutive_errors += 1
        if self.consecutive_errors >= self.settings.max_consecutive_errors:
            # The gate then refuses the next message and the batch is handed back.
            db.session.execute(
                update(Campaign)
                .where(
                    Campaign.id == campaign_id,
                    Campaign.status == CampaignStatus.SENDING,
                )
                .values(
                    status=CampaignStatus.PAUSED,
                    stop_reason=StopReason.RELAY_OUTAGE,
                    stop_details={
                        "errors": self.consecutive_errors,
                        "reason": outcome.reason,
                        "answer": outcome.error,
                    },
                )
            )
            db.session.commit()
            self.consecutive_errors = 0

    def _pace(self) -> None:
        if self.settings.rate_per_second > 0:
            wait = (
                self.last_send + 1.0 / self.settings.rate_per_second - time.monotonic()
            )
            if wait > 0:
                self.stopping.wait(wait)  # a stop does not wait for the slot
        self.last_send = time.monotonic()
