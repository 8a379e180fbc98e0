"""The outbox (one delivery per campaign and recipient), the senders' heartbeats and
the bounce mailbox's reading position."""

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Model, UTCDateTime, one_of, utcnow


class DeliveryStatus(enum.StrEnum):
    QUEUED = "queued"
    CLAIMED = "claimed"  # taken by a sender, not yet handed to SMTP
    SENDING = "sending"  # handed to SMTP; a crash here leaves it uncertain
    SENT = "sent"
    FAILED = "failed"
    BOUNCED = "bounced"
    UNCERTAIN = "uncertain"
    SKIPPED = "skipped"  # left (unsubscribed, bounced, erased) before it was sent


OPEN_DELIVERY_STATES = (
    DeliveryStatus.QUEUED,
    DeliveryStatus.CLAIMED,
    DeliveryStatus.SENDING,
)


# A message in one of these states was handed to the relay (or may have been).
REACHED_RELAY_STATES = (
    DeliveryStatus.SENT,
    DeliveryStatus.FAILED,
    DeliveryStatus.BOUNCED,
    DeliveryStatus.UNCERTAIN,
)


class Delivery(Model):
    """The outbox: one row per campaign and recipient; the database is the truth."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("campaign_id", "subscriber_id"),
        Index("ix_deliveries_queue", "status", "next_attempt_at"),
        Index("ix_deliveries_campaign_status", "campaign_id", "status"),
        one_of("status", DeliveryStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE")
    )
    # None once the person is erased: the row stays for the campaign's figures.
    subscriber_id: Mapped[int | None] = mapped_column(
        ForeignKey("subscribers.id"), index=True
    )
    # The list through which the person gets this issue: its unsubscribe link.
    list_id: Mapped[int | None] = mapped_column(ForeignKey("mailing_lists.id"))
    status: Mapped[str] = mapped_column(String(20), default=DeliveryStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    message_id: Mapped[str | None] = mapped_column(String(255))
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    # The claiming sender's lease when it claimed the row: every write of a sender
    # checks it, so a sender whose rows were taken over can change none of them.
    lease: Mapped[str | None] = mapped_column(String(32))
    # Why it failed, was skipped or is uncertain: a code of `reasons.Reason`, which
    # managers read as a German explanation; `last_error` keeps the relay's answer.
    reason: Mapped[str] = mapped_column(String(40), default="")
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SenderWorker(Model):
    """A sender process's lease: renewed while it sends; when it is older than
    SENDER_STALE_SECONDS another sender deletes it and takes the claims over."""

    __tablename__ = "sender_workers"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # New for each run of the sender: rows claimed under an older lease are not its.
    lease: Mapped[str | None] = mapped_column(String(32))


class BounceMailbox(Model):
    """How far the poll job has read an IMAP bounce mailbox: UIDs only grow within
    one UIDVALIDITY (RFC 3501), so nothing is read twice or missed, whatever a person
    reading the mailbox marks as seen."""

    __tablename__ = "bounce_mailboxes"

    id: Mapped[int] = mapped_column(primary_key=True)
    # user@host:port/folder, without the password
    address: Mapped[str] = mapped_column(String(500), unique=True)
    uid_validity: Mapped[int] = mapped_column(BigInteger, default=0)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WelcomeMail(Model):
    """A region's welcome mail (no region: the joint list's) after a confirmed
    sign-up (step 1), or the second one `delay_days` later (step 2). Its content
    and state are a standing campaign of kind `welcome`: sending while switched
    on, to whoever confirms from then on."""

    __tablename__ = "welcome_mails"
    __table_args__ = (
        UniqueConstraint("region_id", "step"),
        # NULLs never collide in the key above: the joint list's, one per step.
        Index(
            "uq_welcome_mails_joint_step",
            "step",
            unique=True,
            sqlite_where=text("region_id IS NULL"),
            postgresql_where=text("region_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    step: Mapped[int]
    delay_days: Mapped[int] = mapped_column(default=0)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), unique=True
    )
