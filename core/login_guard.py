"""Failed logins per account, with a growing wait: the sixth failure within a
day makes the account wait a minute, each further one twice as long (at most an
hour), whatever address or worker the tries come from. Unknown addresses count
the same, so the answer reveals nothing; the holder of a real account is told."""

from datetime import timedelta
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from core.db import db, utcnow
from core.mail import build_message, send_one
from core.models import User
from core.throttle import count, hashed, latest, note

WINDOW = timedelta(days=1)
MAX_WAIT = timedelta(hours=1)


def _key(email: str) -> str:
    return f"login-account:{hashed(email)}"


def wait_for(email: str) -> timedelta:
    """How long this account must wait before the next try (zero: try now)."""
    failures = count(_key(email), WINDOW)
    allowed = int(current_app.config["LOGIN_MAX_FAILURES"])
    if failures < allowed:
        return timedelta(0)
    last = latest(_key(email))
    pause = min(timedelta(minutes=2 ** (failures - allowed)), MAX_WAIT)
    left = (last + pause - utcnow()) if last else timedelta(0)
    return max(left, timedelta(0))


def note_failure(email: str) -> None:
    """Count a failed try; tell the account's holder when the wait begins."""
    note(_key(email))
    if count(_key(email), WINDOW) == int(current_app.config["LOGIN_MAX_FAILURES"]):
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None and user.active:
            _tell(user)


def _tell(user: User) -> None:
    try:
        send_one(current_app.config["MAIL_URL"], _notice(user))
    except OSError as error:  # the login answer must not depend on the relay
        current_app.logger.warning("login notice not sent: %s", error)


def _notice(user: User) -> EmailMessage:
    with force_locale(user.language or "de"):
        subject = _("Several failed login attempts at Brückenschlag")
        text = _(
            "Someone tried several times to log in to Brückenschlag with your "
            "address and a wrong password. Further tries now have to wait. If it "
            "was you, wait a few minutes. If not, your password is still safe; "
            "tell your administrator if this happens again."
        )
    return build_message(
        sender=current_app.config["MAIL_FROM"],
        to=user.email,
        subject=subject,
        text=text,
    )
