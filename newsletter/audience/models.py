"""Subscribers, lists, per-list subscriptions and the append-only consent log."""

import enum
import secrets
from datetime import datetime

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Model, UTCDateTime, one_of, utcnow
from core.models import District, Region


class OrgType(enum.StrEnum):
    COMPANY = "company"
    UNIVERSITY = "university"
    STARTUP = "startup"
    PUBLIC = "public"
    NETWORK = "network"
    OTHER = "other"


class SubscriberStatus(enum.StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    UNSUBSCRIBED = "unsubscribed"
    BOUNCED = "bounced"
    ERASED = "erased"


class SubscriptionStatus(enum.StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    UNSUBSCRIBED = "unsubscribed"


class ConsentSource(enum.StrEnum):
    FORM = "form"
    IMPORT = "import"
    MANAGER = "manager"
    COMPLAINT = "complaint"  # a spam complaint from the person's mailbox provider
    # The mail program's unsubscribe button (RFC 8058 POST), not our page's.
    ONE_CLICK = "one_click"
    # The button of the page behind a mail's unsubscribe link: only this step can
    # be taken back there ("Rückgängig machen").
    UNSUBSCRIBE_PAGE = "unsubscribe_page"


class MailingList(Model):
    __tablename__ = "mailing_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120), default="")
    # The controlling agency's region; None for the joint interregional list.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)

    region: Mapped[Region | None] = relationship()


subscriber_topics = Table(
    "subscriber_topics",
    Model.metadata,
    Column(
        "subscriber_id",
        ForeignKey("subscribers.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("topic_id", ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
)


class Topic(Model):
    """A subject of interest, need or offer (AI and data, skilled workers, …)."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120), default="")

    def label(self, language: str) -> str:
        """The name in the language, German when no English one exists."""
        return self.name_en if language == "en" and self.name_en else self.name


def new_link_key() -> str:
    """A fresh key for a person's preference links (a new one revokes the old)."""
    return secrets.token_urlsafe(16)


class Subscriber(Model):
    __tablename__ = "subscribers"
    __table_args__ = (one_of("status", SubscriberStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    org_type: Mapped[str | None] = mapped_column(String(20), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    sector: Mapped[str] = mapped_column(String(80), default="", index=True)
    size: Mapped[str] = mapped_column(String(20), default="")
    language: Mapped[str] = mapped_column(String(5), default="de")
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    status: Mapped[str] = mapped_column(
        String(20), default=SubscriberStatus.PENDING, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    region: Mapped[Region] = relationship()
    district: Mapped[District | None] = relationship()
    subscriptions: Mapped[list["Subscription"]] = relationship(
        back_populates="subscriber", cascade="all, delete-orphan"
    )
    interests: Mapped[list[Topic]] = relationship(secondary=subscriber_topics)
    # Raised when a confirmation mail goes out: throttles re-sends per address.
    confirmation_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Signed into every preference link; replacing it revokes all links sent so far.
    link_key: Mapped[str] = mapped_column(String(32), default=new_link_key)
    # Columns of an imported file that have no field of ours ("Mitgliedsnummer"):
    # the person's own, in her export, gone with her erasure.
    extra_fields: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")

    def rotate_link_key(self) -> None:
        """Make every preference link sent so far useless."""
        self.link_key = new_link_key()


class Subscription(Model):
    """Consent state of one subscriber for one list (each list has its controller)."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("subscriber_id", "list_id"),
        one_of("status", SubscriptionStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), index=True
    )
    list_id: Mapped[int] = mapped_column(ForeignKey("mailing_lists.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=SubscriptionStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    subscriber: Mapped[Subscriber] = relationship(back_populates="subscriptions")
    mailing_list: Mapped[MailingList] = relationship()


class TextKind(enum.StrEnum):
    CONSENT = "consent"  # the sentence next to the box a person ticks
    PRIVACY = "privacy"  # the privacy notice linked there


class ConsentText(Model):
    """One version of a controller's consent sentence or privacy notice in one
    language, word for word. Never changed: editing adds the next version, so every
    consent event keeps pointing at what the person was shown."""

    __tablename__ = "consent_texts"
    __table_args__ = (
        UniqueConstraint("kind", "region_id", "language", "version"),
        one_of("kind", TextKind),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    # The controlling agency's region; None for the joint interregional list.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    language: Mapped[str] = mapped_column(String(5))
    version: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    region: Mapped[Region | None] = relationship()


class ConsentEvent(Model):
    """Append-only proof of consent: never updated, deleted only with the person."""

    __tablename__ = "consent_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), index=True
    )
    list_id: Mapped[int | None] = mapped_column(ForeignKey("mailing_lists.id"))
    kind: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(20))
    # What the person was shown (None where we showed nothing: a documented
    # consent from an import, a change of details).
    consent_text_id: Mapped[int | None] = mapped_column(ForeignKey("consent_texts.id"))
    privacy_text_id: Mapped[int | None] = mapped_column(ForeignKey("consent_texts.id"))
    # Where consent documented outside the form came from (an import's column).
    note: Mapped[str] = mapped_column(String(300), default="")
    # The issue whose unsubscribe link withdrew this consent (its results count it).
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL")
    )
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(Text)

    mailing_list: Mapped[MailingList | None] = relationship()
    consent_text: Mapped[ConsentText | None] = relationship(
        foreign_keys=[consent_text_id]
    )
    privacy_text: Mapped[ConsentText | None] = relationship(
        foreign_keys=[privacy_text_id]
    )


class ErasedAddress(Model):
    """A keyed hash of an erased address: a re-import cannot re-add it silently."""

    __tablename__ = "erased_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    address_hash: Mapped[str] = mapped_column(String(64), unique=True)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Segment(Model):
    """A saved filter over subscriber attributes; evaluated when used, so it stays
    current."""

    __tablename__ = "segments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped[Region | None] = relationship()


class ImportStatus(enum.StrEnum):
    DRAFT = "draft"  # uploaded, checked on the page, not confirmed
    QUEUED = "queued"  # confirmed; the worker takes it
    RUNNING = "running"  # the worker imports it and sends the opt-in mails
    DONE = "done"


class ImportBatch(Model):
    """An uploaded file parsed and checked, waiting for the manager's confirmation;
    once confirmed, imported by the worker with its progress on the page."""

    __tablename__ = "import_batches"
    __table_args__ = (one_of("status", ImportStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(255))
    # {"headers": [...], "rows": [[...], ...], "mapping": {column index: field}}
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    list_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(
        String(20), default=ImportStatus.DRAFT, server_default=ImportStatus.DRAFT
    )
    # Progress of the opt-in mails: `done` of `total`.
    done: Mapped[int] = mapped_column(default=0, server_default="0")
    total: Mapped[int] = mapped_column(default=0, server_default="0")
    # {"imported": n, "mail_ids": [...], "mails_failed": n}
    result: Mapped[dict] = mapped_column(JSON, default=dict)


class SystemMailStatus(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"  # refused for good, or out of attempts


class SystemMail(Model):
    """A mail the system owes a person outside campaigns (the opt-in confirmation):
    queued with the sign-up, sent right after the commit, retried by a job when the
    relay is not ready. It holds no address: that is read when it goes out."""

    __tablename__ = "system_mails"
    __table_args__ = (
        Index("ix_system_mails_queue", "status", "next_attempt_at"),
        one_of("status", SystemMailStatus),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), index=True
    )
    list_ids: Mapped[list] = mapped_column(JSON, default=list)
    # Who asked (form, manager, import): the consent log names it.
    source: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=SystemMailStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ExportStatus(enum.StrEnum):
    QUEUED = "queued"  # ordered; the worker writes it
    READY = "ready"


class SubscriberExport(Model):
    """A subscriber export too large to write during a request: ordered on the page,
    written by the worker, downloaded by the person who ordered it, deleted after a
    day. Kept in the database, so web and worker need no shared folder."""

    __tablename__ = "subscriber_exports"
    __table_args__ = (one_of("status", ExportStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # The regions the orderer could see when ordering; None: every region.
    region_ids: Mapped[list | None] = mapped_column(JSON)
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=ExportStatus.QUEUED)
    rows: Mapped[int] = mapped_column(default=0)
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
