"""Scheduled work of the Kompetenzlandschaft: the follow-up question eight weeks
after an exchange, and the notices that a contact is gone. Idempotent: each row is
marked sent right after its mail went, and stays due while the relay is down."""

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
        # Marked only when both went: a relay that is down means a later run.
        sent = [mails.follow_up(intro, p) for p in (intro.seeker, intro.provider)]
        if all(sent):
            intro.followup_sent_at = utcnow()
            session.commit()
            asked += 1
    return asked


def send_contact_gone(session: SessionLike | None = None) -> int:
    """Send the queued notices; how many went."""
    session = session or db.session
    due = list(
        session.scalars(select(ContactGone).where(ContactGone.sent_at.is_(None)))
    )
    sent = 0
    for notice in due:
        if mails.contact_gone(notice.subscriber, notice.topic):
            notice.sent_at = utcnow()
            session.commit()
            sent += 1
    return sent
