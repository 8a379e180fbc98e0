"""Users, their login sessions, regions and districts, and the audit log."""

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Model, UTCDateTime, one_of, utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    ANALYST = "analyst"


class Region(Model):
    """A region and its agency, the controller of the region's lists: the imprint
    fields are what § 5 DDG asks of every page and mail."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    agency: Mapped[str] = mapped_column(String(200))
    # What the agency is also called (SWA, WFDO): the joint sender may name it so.
    short_name: Mapped[str] = mapped_column(String(40), default="", server_default="")
    legal_form: Mapped[str] = mapped_column(String(120), default="")
    street: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    representatives: Mapped[str] = mapped_column(String(300), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")
    register_court: Mapped[str] = mapped_column(String(120), default="")
    register_number: Mapped[str] = mapped_column(String(60), default="")
    vat_id: Mapped[str] = mapped_column(String(30), default="")
    # Anything else the imprint must say (a supervisory authority, why there is no
    # register entry).
    imprint_note: Mapped[str] = mapped_column(Text, default="")
    privacy_url: Mapped[str] = mapped_column(String(300), default="")
    sender_name: Mapped[str] = mapped_column(String(120), default="")
    sender_email: Mapped[str] = mapped_column(String(254), default="")
    # Where answers to the region's mails go (Reply-To); empty: to the sender.
    reply_to: Mapped[str] = mapped_column(String(254), default="", server_default="")
    # An MJML layout (with {{ content }}) that replaces the file layout when set.
    custom_layout: Mapped[str | None] = mapped_column(Text)

    districts: Mapped[list["District"]] = relationship(
        back_populates="region", order_by="District.name"
    )

    def __str__(self) -> str:
        return self.name

    @property
    def imprint(self) -> str:
        """The complete imprint in one line, as footers show it."""
        from core.imprint import imprint_lines

        return " · ".join(imprint_lines(self))


class JointSender(Model):
    """Whom the joint list's mails come from (all agencies jointly, Art. 26 GDPR):
    one row, edited by administrators with the regions' imprints."""

    __tablename__ = "joint_senders"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_name: Mapped[str] = mapped_column(String(120))
    sender_email: Mapped[str] = mapped_column(String(254))


class District(Model):
    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))

    region: Mapped[Region] = relationship(back_populates="districts")


class User(UserMixin, Model):
    __tablename__ = "users"
    __table_args__ = (one_of("role", Role),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    # A manager without a region is interregional; admins and analysts have none.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    language: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped[Region | None] = relationship()

    # Not a column: the loader sets the login session this request belongs to.
    __allow_unmapped__ = True
    session_token: str | None = None

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """Flask-Login stores the server-side session token, not the user id."""
        if not self.session_token:
            raise RuntimeError("user has no login session")
        return self.session_token


class LoginSession(Model):
    """A server-side login; deleting the row logs that browser out for good."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class AuditEntry(Model):
    """Who changed what, when: written by services, never edited."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    details: Mapped[dict] = mapped_column(JSON, default=dict)
