"""Scheduled work of the Kompetenzlandschaft: the follow-up question eight weeks
after an exchange, and the notices that a contact is gone. Idempotent: each row is
marked sent in the same commit as its mail went."""

from sqlalchemy import select

from core.db import SessionLike, db, utcnow
from landscape import mails
from landscape.introductions import due_for_follow_up
from landscape.models import ContactGone


def send_follow_ups(session: SessionLike | None = None) -> int:
    """Ask both sides of every exchange eight weeks old; how many were asked."""
    session = session or db.session
    asked = 0
    for intro in due_for_follow_up(session):
        intro.followup_sent_at = utcnow()
        session.commit()
        for person in (intro.seeker, intro.provider):
            mails.follow_up(intro, person)
        asked += 1
    return asked


def send_contact_gone(session: SessionLike | None = None) -> int:
    """Send the queued notices; how many went."""
    session = session or db.session
    due = list(
        session.scalars(select(ContactGone).where(ContactGone.sent_at.is_(None)))
    )
    for notice in due:
        notice.sent_at = utcnow()
        session.commit()
        mails.contact_gone(notice.subscriber, notice.topic)
    return len(due)
