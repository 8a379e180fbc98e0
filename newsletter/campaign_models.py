"""Campaigns (newsletter issues) and saved block templates."""

import enum
from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Model, UTCDateTime, utcnow
from core.models import Region


class CampaignStatus(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    PAUSED = "paused"
    SENT = "sent"
    CANCELLED = "cancelled"


class Campaign(Model):
    """One issue: subject, preheader and blocks per language, and its target."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The sending agency's region; None for an interregional issue.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[dict] = mapped_column(JSON, default=dict)  # {"de": …, "en": …}
    preheader: Mapped[dict] = mapped_column(JSON, default=dict)
    blocks: Mapped[dict] = mapped_column(JSON, default=dict)  # {"de": [block, …], …}
    list_ids: Mapped[list] = mapped_column(JSON, default=list)
    segment_ids: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(
        String(20), default=CampaignStatus.DRAFT, index=True
    )
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_reason: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow
    )

    region: Mapped[Region | None] = relationship()

    def blocks_for(self, language: str) -> list[dict]:
        return list(self.blocks.get(language) or [])

    def subject_for(self, language: str) -> str:
        return self.subject.get(language) or self.subject.get("de") or ""


class BlockTemplate(Model):
    """A saved set of blocks to start the next issue from."""

    __tablename__ = "block_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    blocks: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Image(Model):
    """An uploaded picture, resized and stored by the app, served to mail clients."""

    __tablename__ = "images"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(80), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


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


class Delivery(Model):
    """The outbox: one row per campaign and recipient; the database is the truth."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("campaign_id", "subscriber_id"),
        Index("ix_deliveries_queue", "status", "next_attempt_at"),
        Index("ix_deliveries_campaign_status", "campaign_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE")
    )
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id"), index=True)
    # The list through which the person gets this issue: its unsubscribe link.
    list_id: Mapped[int | None] = mapped_column(ForeignKey("mailing_lists.id"))
    status: Mapped[str] = mapped_column(String(20), default=DeliveryStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    message_id: Mapped[str | None] = mapped_column(String(255))
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SenderWorker(Model):
    """A sender process's heartbeat; its claims are recovered when it goes silent."""

    __tablename__ = "sender_workers"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


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
