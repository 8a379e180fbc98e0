"""Campaigns (newsletter issues), saved block templates and uploaded pictures."""

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
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
