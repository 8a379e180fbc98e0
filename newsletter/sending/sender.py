"""The sender: claims queued deliveries, renders them from a prebuilt message, sends
them over one reused SMTP connection, and records every result right after the
server's reply (together with the mark of the next message, so one commit each).

What can go wrong, and what happens:
- crash (kill -9): on restart, claimed rows go back to the queue; the one row marked
  `sending` (at most one per connection) becomes `uncertain` and is listed.
- 4xx: retried later with backoff, under the same Message-ID.
- dropped connection: retried with the same Message-ID after reconnecting.
- 5.1.x: bounced, and the address is suppressed; other 5xx: failed with the reason.
- many errors in a row: the campaign pauses itself and says why."""

import smtplib
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import Connection, delete, func, select, update

from core.db import db, utcnow
from core.mail import MailSettings, SMTPConnection, send_when_ready
from newsletter.audience.models import (
    Subscriber,
    SubscriberStatus,
    Subscription,
    SubscriptionStatus,
)
from newsletter.campaigns.models import Campaign, CampaignStatus
from newsletter.sending.messages import MessageBuilder
from newsletter.sending.models import Delivery, DeliveryStatus, SenderWorker
from newsletter.sending.outbox import finish_completed, recover
from newsletter.sending.outcomes import Outcome, classify
from newsletter.sending.records import MARK_SENDING, RECORD_AND_MARK, RECORD_RESULT


@dataclass(frozen=True)
class SendSettings:
    batch_size: int = 100
    rate_per_second: float = 0.0  # 0: as fast as the relay accepts
    rate_per_hour: int = 0  # 0: no hourly cap
    max_attempts: int = 5
    backoff_seconds: float = 60.0
    max_consecutive_errors: int = 20
    stale_after_seconds: int = 120

    @classmethod
    def from_config(cls, config: Any) -> "SendSettings":
        return cls(
            batch_size=int(config["SEND_BATCH_SIZE"]),
            rate_per_second=float(config["MAIL_RATE_PER_SECOND"]),
            rate_per_hour=int(config["MAIL_RATE_PER_HOUR"]),
            max_attempts=int(config["MAIL_MAX_ATTEMPTS"]),
            backoff_seconds=float(config["MAIL_RETRY_BACKOFF_SECONDS"]),
            max_consecutive_errors=int(config["MAIL_MAX_CONSECUTIVE_ERRORS"]),
            stale_after_seconds=int(config["SENDER_STALE_SECONDS"]),
        )


class Sender:
    """One sender process's work; `run` is what the scheduler job calls."""

    def __init__(self, app: Flask, name: str) -> None:
        self.app = app
        self.name = name
        self.settings = SendSettings.from_config(app.config)
        self.mail = MailSettings.from_url(app.config["MAIL_URL"])
        self.connection: SMTPConnection | None = None
        self.messages = MessageBuilder(app)
        self.consecutive_errors = 0
        self.last_send = 0.0
        # A plain connection for the per-message records: lighter than the session.
        self.records: Connection | None = None
        self.started = False

    # --- lifecycle --------------------------------------------------------------

    def start(self) -> tuple[int, int]:
        """Take over from a previous run under this name (it cannot still be alive)."""
        self.started = True
        self._heartbeat()
        return recover(db.session, [self.name])

    def _heartbeat(self) -> None:
        worker = db.session.get(SenderWorker, self.name)
        if worker is None:
            db.session.add(SenderWorker(name=self.name, heartbeat_at=utcnow()))
        else:
            worker.heartbeat_at = utcnow()
        db.session.commit()

    def _recover_silent_workers(self) -> None:
        cutoff = utcnow() - timedelta(seconds=self.settings.stale_after_seconds)
        silent = list(
            db.session.scalars(
                select(SenderWorker.name).where(
                    SenderWorker.heartbeat_at < cutoff, SenderWorker.name != self.name
                )
            )
        )
        if silent:
            recover(db.session, silent)
            db.session.execute(
                delete(SenderWorker).where(SenderWorker.name.in_(silent))
            )
            db.session.commit()

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    # --- the loop ---------------------------------------------------------------

    def run(self, budget_seconds: float = 20.0) -> int:
        """Send until the queue is empty or the time budget is used; returns sent."""
        if not self.started:
            self.start()
        deadline = time.monotonic() + budget_seconds
        sent = 0
        try:
            while time.monotonic() < deadline:
                self._heartbeat()
                self._recover_silent_workers()
                if self._hourly_cap_reached():
                    break
                batch = self.claim()
                if not batch:
                    break
                sent += self.send_batch(batch)
        finally:
            self.close()
            finish_completed(db.session)
        return sent

    def _hourly_cap_reached(self) -> bool:
        if not self.settings.rate_per_hour:
            return False
        since = utcnow() - timedelta(hours=1)
        count = db.session.scalar(
            select(func.count())
            .select_from(Delivery)
            .where(Delivery.status == DeliveryStatus.SENT, Delivery.sent_at >= since)
        )
        return (count or 0) >= self.settings.rate_per_hour

    def claim(self) -> list[int]:
        """Take a batch of due rows of running campaigns (PostgreSQL: SKIP LOCKED, so
        senders never wait for or take each other's rows)."""
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
                .limit(self.settings.batch_size)
                .with_for_update(skip_locked=True, of=Delivery)
            )
        )
        if ids:
            db.session.execute(
                update(Delivery)
                .where(Delivery.id.in_(ids), Delivery.status == DeliveryStatus.QUEUED)
                .values(status=DeliveryStatus.CLAIMED, claimed_by=self.name)
            )
        db.session.commit()
        return ids

    def _rows(self, ids: list[int]) -> list[Any]:
        """The claimed rows with what rendering needs, re-checking consent now."""
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
                    Delivery.claimed_by == self.name,
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
        if gone:
            db.session.execute(
                update(Delivery)
                .where(Delivery.id.in_(gone))
                .values(
                    status=DeliveryStatus.SKIPPED,
                    claimed_by=None,
                    last_error="left the list before sending",
                )
            )
            db.session.commit()
        links = self.messages.link_patterns()
        db.session.commit()  # nothing of the session stays open while we send
        with db.engine.connect() as self.records:
            return self._send_rows(still_wanted, links)

    def _send_rows(self, rows: list[Any], links: dict[str, str]) -> int:
        for row in rows:  # warm the caches here: the render thread has no session
            self.messages.campaign(row.campaign_id)
            self.messages.prepared(row.campaign_id, row.language)
        sent = 0
        previous: tuple[int, dict[str, Any]] | None = None
        # Messages are rendered one step ahead in a thread while we wait for the
        # server's replies. Records stay strictly in order, in a second thread: the
        # commit of each message's "sending" mark runs while the server checks its
        # envelope, and the message itself waits for it.
        with (
            ThreadPoolExecutor(
                max_workers=1, initializer=self.app.app_context().push
            ) as renderer,
            ThreadPoolExecutor(max_workers=1) as recorder,
        ):
            messages = renderer.map(lambda row: self.messages.build(row, links), rows)
            for index, (row, (message_id, raw)) in enumerate(
                zip(rows, messages, strict=True)
            ):
                if index % 100 == 0 and not self._still_sending(row.campaign_id):
                    # Paused or cancelled meanwhile: hand the rest back untouched.
                    self._release([r.id for r in rows[index:]])
                    renderer.shutdown(wait=False, cancel_futures=True)
                    break
                marked = recorder.submit(
                    self._record,
                    previous,
                    row.id,
                    {"b_message_id": message_id, "b_attempts": row.attempts + 1},
                )
                outcome = self._deliver(row, raw, marked.result)
                previous = (row.id, self._result_values(row, outcome))
                if outcome.status == DeliveryStatus.SENT:
                    sent += 1
        self._record(previous, None, {})
        return sent

    def _deliver(self, row: Any, raw: bytes, marked: Callable[[], object]) -> Outcome:
        """Hand one message to the relay once `marked` says it is on record as being
        sent, and say what the relay's answer means."""
        self._pace()
        try:
            if self.connection is None:
                self.connection = SMTPConnection(self.mail)
            send_when_ready(
                self.connection.open(),
                self.messages.envelope_for(row),
                row.email,
                raw,
                marked,
            )
        except (smtplib.SMTPException, OSError) as error:
            marked()  # also when the envelope was refused: records stay in order
            outcome = classify(error)
            if outcome.connection_lost:
                self.close()
            self._note_error(row.campaign_id, outcome)
            return outcome
        self.consecutive_errors = 0
        return Outcome(DeliveryStatus.SENT)

    def _result_values(self, row: Any, outcome: Outcome) -> dict[str, Any]:
        values: dict[str, Any] = {
            "b_id": row.id,
            "b_status": outcome.status,
            "b_error": outcome.error,
            "b_sent_at": utcnow() if outcome.status == DeliveryStatus.SENT else None,
            "b_next": None,
            "bounce_subscriber": row.subscriber_id if outcome.hard_bounce else None,
        }
        if outcome.retry:
            if row.attempts + 1 >= self.settings.max_attempts:
                values["b_status"] = DeliveryStatus.FAILED
            else:
                delay = self.settings.backoff_seconds * (4**row.attempts)
                values["b_next"] = utcnow() + timedelta(seconds=delay)
        return values

    def _record(
        self,
        previous: tuple[int, dict[str, Any]] | None,
        current: int | None,
        current_values: dict[str, Any],
    ) -> None:
        """One commit: the result of the last message and the mark of the next.
        Core statements built once: this runs for every single message."""
        connection = self.records
        assert connection is not None  # noqa: S101 - open during send_batch
        if previous is not None:
            values = dict(previous[1])
            bounced = values.pop("bounce_subscriber")
            if current is not None:
                connection.execute(
                    RECORD_AND_MARK, {**values, "n_id": current, **current_values}
                )
            else:
                connection.execute(RECORD_RESULT, values)
            if bounced is not None:
                connection.execute(
                    update(Subscriber)
                    .where(
                        Subscriber.id == bounced,
                        Subscriber.status != SubscriberStatus.ERASED,
                    )
                    .values(status=SubscriberStatus.BOUNCED)
                )
        elif current is not None:
            connection.execute(MARK_SENDING, {"b_id": current, **current_values})
        connection.commit()

    def _release(self, ids: list[int]) -> None:
        db.session.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids), Delivery.status == DeliveryStatus.CLAIMED)
            .values(status=DeliveryStatus.QUEUED, claimed_by=None)
        )
        db.session.commit()

    def _note_error(self, campaign_id: int, outcome: Outcome) -> None:
        if outcome.hard_bounce:
            return  # one dead address says nothing about the relay
        self.consecutive_errors += 1
        if self.consecutive_errors >= self.settings.max_consecutive_errors:
            db.session.execute(
                update(Campaign)
                .where(
                    Campaign.id == campaign_id,
                    Campaign.status == CampaignStatus.SENDING,
                )
                .values(
                    status=CampaignStatus.PAUSED,
                    paused_reason=f"{self.consecutive_errors} errors in a row; "
                    f"last: {outcome.error}"[:300],
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
                time.sleep(wait)
        self.last_send = time.monotonic()

    def _still_sending(self, campaign_id: int) -> bool:
        # On the records connection: cheap, and no session snapshot stays open.
        assert self.records is not None  # noqa: S101 - open during send_batch
        status = self.records.scalar(
            select(Campaign.status).where(Campaign.id == campaign_id)
        )
        self.records.commit()
        return status == CampaignStatus.SENDING
