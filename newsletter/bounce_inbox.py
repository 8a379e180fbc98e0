"""The bounce mailbox over IMAP: the poll job reads the DSNs that arrived since the last
run, applies them like `flask bounces import`, and marks what it read as seen (it
never deletes: a person may still want to read the mailbox).

BOUNCE_IMAP_URL says where: imaps://user:password@host/INBOX (also imap:// and
imap+starttls://; the folder defaults to INBOX)."""

import imaplib
import ssl
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message
from urllib.parse import unquote, urlsplit

from core.db import SessionLike
from newsletter.bounces import Bounce, apply_messages

IMAP_SCHEMES = {"imap": 143, "imaps": 993, "imap+starttls": 143}


class InboxError(Exception):
    """The mailbox could not be read; the message names the setting to check."""


@dataclass(frozen=True)
class InboxSettings:
    scheme: str
    host: str
    port: int
    username: str
    password: str
    folder: str
    timeout: float = 30.0

    @classmethod
    def from_url(cls, url: str) -> "InboxSettings":
        """Parse BOUNCE_IMAP_URL (already validated by the config)."""
        parts = urlsplit(url)
        return cls(
            scheme=parts.scheme,
            host=parts.hostname or "localhost",
            port=parts.port or IMAP_SCHEMES[parts.scheme],
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            folder=unquote(parts.path.lstrip("/")) or "INBOX",
        )


def poll_bounces(
    session: SessionLike, settings: InboxSettings
) -> list[tuple[Bounce, str]]:
    """Apply the unseen messages of the folder; returns each bounce and what was done.
    The database commits before the messages are marked seen: a crash in between
    applies them again next time, which changes nothing."""
    try:
        return _poll(session, settings)
    except (imaplib.IMAP4.error, OSError) as error:
        session.rollback()
        raise InboxError(
            f"The bounce mailbox (BOUNCE_IMAP_URL) at {settings.host}:{settings.port}"
            f" could not be read: {_readable(error)}"
        ) from error


def _readable(error: Exception) -> str:
    text = error.args[0] if error.args else error
    return text.decode(errors="replace") if isinstance(text, bytes) else str(text)


def _poll(session: SessionLike, settings: InboxSettings) -> list[tuple[Bounce, str]]:
    with _connect(settings) as imap:
        imap.login(settings.username, settings.password)
        _check(imap.select(_quoted(settings.folder)), "SELECT")
        found = _check(imap.uid("SEARCH", "UNSEEN"), "SEARCH")[0].split()
        unseen = [uid.decode() for uid in found]
        messages = [_fetch(imap, uid) for uid in unseen]
        results = apply_messages(session, [m for m in messages if m is not None])
        session.commit()
        for uid in unseen:
            _check(imap.uid("STORE", uid, "+FLAGS", r"(\Seen)"), "STORE")
        imap.close()
    return results


def _connect(settings: InboxSettings) -> imaplib.IMAP4:
    if settings.scheme == "imaps":
        return imaplib.IMAP4_SSL(
            settings.host,
            settings.port,
            ssl_context=ssl.create_default_context(),
            timeout=settings.timeout,
        )
    imap = imaplib.IMAP4(settings.host, settings.port, timeout=settings.timeout)
    if settings.scheme == "imap+starttls":
        imap.starttls(ssl_context=ssl.create_default_context())
    return imap


def _fetch(imap: imaplib.IMAP4, uid: str) -> Message | None:
    """One message, read without marking it seen (that happens after the commit)."""
    data = _check(imap.uid("FETCH", uid, "(BODY.PEEK[])"), "FETCH")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return message_from_bytes(item[1], policy=policy.default)
    return None


def _check(result: tuple[str, list], command: str) -> list:
    status, data = result
    if status != "OK":
        raise imaplib.IMAP4.error(f"{command} failed: {data!r}")
    return data


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
