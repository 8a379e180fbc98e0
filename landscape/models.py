"""Profiles in the Kompetenzlandschaft, the consent log for them, and introductions
between a need and an offer."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Model, UTCDateTime, one_of, utcnow
from core.models import Region
from newsletter.audience.models import Subscriber, Topic


class ProfileStatus(enum.StrEnum):
    PENDING = "pending"  # confirmed by the person, waiting for the manager
    APPROVED = "approved"  # public
    HIDDEN = "hidden"  # taken off the public pages by the manager


class TopicSide(enum.StrEnum):
    OFFER = "offer"
    NEED = "need"


class ProfileTopic(Model):
    """A topic a profile offers or seeks."""

    __tablename__ = "landscape_profile_topics"
    __table_args__ = (one_of("side", TopicSide),)

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("landscape_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    side: Mapped[str] = mapped_column(String(10), primary_key=True)

    topic: Mapped[Topic] = relationship(lazy="joined")


class Profile(Model):
    """What one subscriber agreed to show about her organisation."""

    __tablename__ = "landscape_profiles"
    __table_args__ = (one_of("status", ProfileStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), unique=True
    )
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    organisation: Mapped[str] = mapped_column(String(200))
    org_type: Mapped[str] = mapped_column(String(20))
    place: Mapped[str] = mapped_column(String(120), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(
        String(20), default=ProfileStatus.PENDING, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    subscriber: Mapped[Subscriber] = relationship()
    region: Mapped[Region] = relationship()

    topic_links: Mapped[list[ProfileTopic]] = relationship(
        cascade="all, delete-orphan", order_by=ProfileTopic.topic_id
    )

    def topics(self, side: str) -> list[Topic]:
        """The topics it offers (or seeks), in a stable order."""
        return [link.topic for link in self.topic_links if link.side == side]


class ConsentKind(enum.StrEnum):
    GIVEN = "given"
    WITHDRAWN = "withdrawn"


class ProfileConsent(Model):
    """Append-only proof of the consent to a public profile: the sentence shown,
    word for word. Deleted only with the person."""

    __tablename__ = "landscape_consent_events"
    __table_args__ = (one_of("kind", ConsentKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    language: Mapped[str] = mapped_column(String(5))
    text: Mapped[str] = mapped_column(Text)


class Decision(enum.StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Introduction(Model):
    """A manager's proposal that one who needs a topic meets one who offers it;
    contact details are exchanged only when both accepted."""

    __tablename__ = "landscape_introductions"
    __table_args__ = (UniqueConstraint("seeker_id", "provider_id", "topic_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"))
    seeker_id: Mapped[int] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), index=True
    )
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), index=True
    )
    # Kept for the figures (direction), whatever the people change later.
    seeker_region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    provider_region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seeker_answer: Mapped[str | None] = mapped_column(String(10))
    provider_answer: Mapped[str | None] = mapped_column(String(10))
    # Both accepted and the contact details went out.
    exchanged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    followup_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seeker_fruitful: Mapped[bool | None]
    provider_fruitful: Mapped[bool | None]

    topic: Mapped[Topic] = relationship()
    seeker: Mapped[Subscriber] = relationship(foreign_keys=[seeker_id])
    provider: Mapped[Subscriber] = relationship(foreign_keys=[provider_id])

    @property
    def declined(self) -> bool:
        return Decision.DECLINED in (self.seeker_answer, self.provider_answer)

    @property
    def accepted(self) -> bool:
        return self.seeker_answer == self.provider_answer == Decision.ACCEPTED

    @property
    def fruitful(self) -> bool:
        return bool(self.seeker_fruitful or self.provider_fruitful)


class ContactGone(Model):
    """A notice owed to a person whose counterpart erased herself: queued in the
    erasure's transaction, sent by a job (the erasure itself sends nothing)."""

    __tablename__ = "landscape_contact_gone"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), index=True
    )
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    subscriber: Mapped[Subscriber] = relationship()
    topic: Mapped[Topic] = relationship()
