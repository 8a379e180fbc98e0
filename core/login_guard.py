"""Failed logins per account, with a growing wait: the sixth try within a day
after five failures waits a minute, each further one twice as long (at most an
hour), whatever address or worker the tries come from. A try is counted before
the password is checked, in the same statement that decides whether it may be
made (core.counters), and given back when the login succeeds: a burst of tries at
the same moment gets no more than the allowed number. Unknown addresses count the
same, so the answer reveals nothing; the holder of a real account is told."""

from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from core.counters import Taken, give_back, take
from core.db import db
from core.mail import build_message, send_one
from core.models import User
from core.throttle import hashed

WINDOW_SECONDS = 24 * 3600


def _key(email: str) -> str:
    return f"login-account:{hashed(email)}"


def _allowed() -> int:
    return int(current_app.config["LOGIN_MAX_FAILURES"])


def take_try(email: str) -> Taken:
    """Count a login try of this account if it may be made now; else how long it
    has to wait."""
    return take(_key(email), _allowed(), WINDOW_SECONDS, wait=True)


def note_success(email: str) -> None:
    """A login that succeeded does not count against the account."""
    give_back(_key(email))


def note_failure(email: str, taken: Taken) -> None:
    """Tell the account's holder when the waits begin."""
    if taken.number == _allowed():
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
