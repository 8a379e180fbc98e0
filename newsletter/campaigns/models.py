"""Campaigns (newsletter issues), saved block templates and uploaded pictures."""

import enum
from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, String, Table, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from core.db import Model, SessionLike, UTCDateTime, db, one_of, utcnow
from core.models import Region
from newsletter.audience.models import MailingList, Segment
from newsletter.campaigns.blocks import Block


class CampaignStatus(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    PAUSED = "paused"
    SENT = "sent"
    CANCELLED = "cancelled"


class StopReason(enum.StrEnum):
    """Why a campaign paused, or ended without being sent."""

    RELAY_OUTAGE = "relay_outage"  # paused itself after errors in a row
    BY_PERSON = "by_person"  # a manager pressed "Pause"
    NOBODY_LEFT = "nobody_left"  # every recipient left before it went out


campaign_lists = Table(
    "campaign_lists",
    Model.metadata,
    Column(
        "campaign_id",
        ForeignKey("campaigns.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "list_id",
        ForeignKey("mailing_lists.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)
campaign_segments = Table(
    "campaign_segments",
    Model.metadata,
    Column(
        "campaign_id",
        ForeignKey("campaigns.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "segment_id",
        ForeignKey("segments.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


# A campaign of any other kind is an automation: its audience is registered by the
# package that owns the kind (newsletter.campaigns.audiences) and computed at send time.
ISSUE = "issue"


class Campaign(Model):
    """One issue (or an automated mail such as a survey reminder): subject,
    preheader and blocks per language, and its target."""

    __tablename__ = "campaigns"
    __table_args__ = (one_of("status", CampaignStatus),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The sending agency's region; None for an interregional issue.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=ISSUE, server_default=ISSUE)
    title: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[dict] = mapped_column(JSON, default=dict)  # {"de": …, "en": …}
    preheader: Mapped[dict] = mapped_column(JSON, default=dict)
    blocks: Mapped[dict] = mapped_column(JSON, default=dict)  # {"de": [block, …], …}
    status: Mapped[str] = mapped_column(
        String(20), default=CampaignStatus.DRAFT, index=True
    )
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why it paused or ended unsent: a code of `sending.reasons.StopReason`, with
    # what its explanation needs (errors in a row, the last reason, who paused).
    stop_reason: Mapped[str] = mapped_column(String(40), default="")
    stop_details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow
    )

    region: Mapped[Region | None] = relationship()
    # The target: everyone confirmed on one of the lists, plus each segment.
    lists: Mapped[list[MailingList]] = relationship(
        secondary=campaign_lists, order_by=MailingList.id
    )
    segments: Mapped[list[Segment]] = relationship(
        secondary=campaign_segments, order_by=Segment.id
    )

    @property
    def list_ids(self) -> list[int]:
        return [mailing_list.id for mailing_list in self.lists]

    @list_ids.setter
    def list_ids(self, ids: list[int]) -> None:
        found = select(MailingList).where(MailingList.id.in_(ids))
        self.lists = list(self._session().scalars(found)) if ids else []

    @property
    def segment_ids(self) -> list[int]:
        return [segment.id for segment in self.segments]

    @segment_ids.setter
    def segment_ids(self, ids: list[int]) -> None:
        found = select(Segment).where(Segment.id.in_(ids))
        self.segments = list(self._session().scalars(found)) if ids else []

    def _session(self) -> SessionLike:
        # A campaign not yet added to a session is being built in the app's.
        return object_session(self) or db.session

    def blocks_for(self, language: str) -> list[Block]:
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


class CampaignLink(Model):
    """A link that was in a sent issue: the only places its click links lead to."""

    __tablename__ = "campaign_links"
    __table_args__ = (UniqueConstraint("campaign_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2000))


class LinkClick(Model):
    """Clicks of one reader on one link, kept under a keyed hash of the reader (and
    their link key, so that erasure makes it nobody's) instead of their id."""

    __tablename__ = "link_clicks"
    __table_args__ = (UniqueConstraint("link_id", "reader"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_links.id", ondelete="CASCADE")
    )
    reader: Mapped[str] = mapped_column(String(32))
    # The reader's region when the issue went out, for the regions' comparison.
    region_id: Mapped[int | None] = mapped_column(
        ForeignKey("regions.id", ondelete="SET NULL")
    )
    clicks: Mapped[int] = mapped_column(default=1)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
