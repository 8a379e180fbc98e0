"""Logging in and out with server-side sessions, and managing user accounts."""

import hashlib
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from core.db import SessionLike
from core.models import LoginSession, Region, Role, User
from core.passwords import (
    hash_password,
    is_guessable,
    mentions,
    needs_rehash,
    verify_password,
)

MIN_PASSWORD_LENGTH = 12


class AccountError(Exception):
    """A user-facing problem with an account operation."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    """Lower-cased and stripped, the form we store and look up."""
    return email.strip().lower()


def authenticate(session: SessionLike, email: str, password: str) -> User | None:
    """The active user with these credentials, or None (not saying what failed)."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    ok = verify_password(user.password_hash if user else None, password)
    if not (ok and user and user.active):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def start_login_session(session: SessionLike, user: User) -> str:
    """Create a server-side session; returns the token the cookie carries."""
    token = secrets.token_urlsafe(32)
    session.add(LoginSession(token_hash=_token_hash(token), user_id=user.id))
    user.session_token = token
    return token


def load_user_by_session(session: SessionLike, token: str) -> User | None:
    """The user of a live login session, or None when it was ended."""
    login = session.scalar(
        select(LoginSession).where(LoginSession.token_hash == _token_hash(token))
    )
    if login is None or not login.user.active:
        return None
    login.user.session_token = token
    return login.user


def end_login_session(session: SessionLike, token: str) -> None:
    """Forget the session so that a replayed cookie is refused."""
    session.execute(
        delete(LoginSession).where(LoginSession.token_hash == _token_hash(token))
    )


def create_user(
    session: SessionLike,
    email: str,
    password: str,
    role: str,
    name: str = "",
    region_slug: str | None = None,
) -> User:
    """A new user; managers may be bound to a region, other roles may not."""
    email = normalise_email(email)
    if role not in set(Role):
        raise AccountError(
            str(
                _l(
                    "Unknown role “%(role)s”; use one of %(roles)s.",
                    role=role,
                    roles=", ".join(Role),
                )
            )
        )
    if session.scalar(select(User).where(User.email == email)):
        raise AccountError(
            str(
                _l("An account with the address %(email)s exists already.", email=email)
            )
        )
    region = None
    if region_slug:
        if role != Role.MANAGER:
            raise AccountError(str(_l("Only managers are bound to a region.")))
        region = session.scalar(select(Region).where(Region.slug == region_slug))
        if region is None:
            raise AccountError(
                str(_l("Unknown region “%(region)s”.", region=region_slug))
            )
    check_password_strength(password, email, name)
    user = User(
        email=email,
        name=name,
        role=role,
        region=region,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    return user


def check_password_strength(password: str, email: str = "", name: str = "") -> None:
    """Refuse passwords shorter than the minimum, common or easy to guess, or
    containing the person's address or name. Spaces around it add nothing a
    guesser would not try, so the checks look at what is inside them."""
    password = password.strip()
    if mentions(password, email, name):
        raise AccountError(
            str(_l("The password must not contain your name or e-mail address."))
        )
    if is_guessable(password):
        raise AccountError(
            str(
                _l(
                    "This password is too easy to guess (a common password, a "
                    "repetition or a sequence). Please choose another one."
                )
            )
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            str(
                _l(
                    "The password must have at least %(n)s characters.",
                    n=MIN_PASSWORD_LENGTH,
                )
            )
        )


def set_password(session: SessionLike, user: User, password: str) -> None:
    """Change the password and end every session of the user."""
    check_password_strength(password, user.email, user.name)
    user.password_hash = hash_password(password)
    session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))


def deactivate(session: SessionLike, user: User) -> None:
    """Block the user and end every session of theirs at once."""
    user.active = False
    session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
