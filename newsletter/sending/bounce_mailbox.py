"""The bounce mailbox over IMAP: the poll job reads the messages that arrived since the
last run (by UID, so a message a person has already opened is read all the same),
applies the DSNs among them like `flask bounces import` and marks those as seen. It
never deletes, and leaves other mail unread for a person to answer.

BOUNCE_IMAP_URL says where: imaps://user:password@host/INBOX (also imap:// and
imap+starttls://; the folder defaults to INBOX)."""

import imaplib
import ssl
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message
from urllib.parse import unquote, urlsplit

from sqlalchemy import select

from core.db import SessionLike, utcnow
from newsletter.sending.bounce_reports import Report
from newsletter.sending.bounces import apply_report, reports_of
from newsletter.sending.models import BounceMailbox

IMAP_SCHEMES = {"imap": 143, "imaps": 993, "imap+starttls": 143}
BATCH = 100  # messages per commit: a first run over a full mailbox keeps its progress


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
) -> list[tuple[Report, str]]:
    """Apply the messages that arrived since the last poll; returns each bounce and
    what was done. How far the mailbox was read commits with what it changed."""
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


def _poll(session: SessionLike, settings: InboxSettings) -> list[tuple[Report, str]]:
    results: list[tuple[Report, str]] = []
    with _connect(settings) as imap:
        imap.login(settings.username, settings.password)
        _check(imap.select(_quoted(settings.folder)), "SELECT")
        state = _state(session, settings, _uid_validity(imap))
        new = _uids_after(imap, state.last_uid)
        for start in range(0, len(new), BATCH):
            batch = new[start : start + BATCH]
            reports = []
            for uid in batch:
                message = _fetch(imap, uid)
                found = reports_of(message) if message is not None else []
                results += [(r, apply_report(session, r)) for r in found]
                if found:
                    reports.append(uid)
            state.last_uid, state.checked_at = batch[-1], utcnow()
            session.commit()
            for uid in reports:  # after the commit: a crash in between changes nothing
                _check(imap.uid("STORE", str(uid), "+FLAGS", r"(\Seen)"), "STORE")
        if not new:
            state.checked_at = utcnow()
            session.commit()
        imap.close()
    return results


def _state(
    session: SessionLike, settings: InboxSettings, validity: int
) -> BounceMailbox:
    """This mailbox's reading position; from the start when its UIDs were renumbered."""
    address = f"{settings.username}@{settings.host}:{settings.port}/{settings.folder}"
    state = session.scalar(
        select(BounceMailbox).where(BounceMailbox.address == address)
    )
    if state is None:
        state = BounceMailbox(address=address, uid_validity=validity, last_uid=0)
        session.add(state)
    if state.uid_validity != validity:
        state.uid_validity, state.last_uid = validity, 0
    return state


def _uid_validity(imap: imaplib.IMAP4) -> int:
    _name, values = imap.response("UIDVALIDITY")
    if not values or values[0] is None:
        raise imaplib.IMAP4.error("the server sent no UIDVALIDITY")
    return int(values[0])


def _uids_after(imap: imaplib.IMAP4, last_uid: int) -> list[int]:
    """UIDs above last_uid, in order (a search for "n:*" also names the newest
    message when nothing is newer, hence the filter)."""
    found = _check(imap.uid("SEARCH", f"UID {last_uid + 1}:*"), "SEARCH")[0].split()
    return sorted(uid for uid in map(int, found) if uid > last_uid)


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


def _fetch(imap: imaplib.IMAP4, uid: int) -> Message | None:
    """One message, read without marking it seen."""
    data = _check(imap.uid("FETCH", str(uid), "(BODY.PEEK[])"), "FETCH")
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
