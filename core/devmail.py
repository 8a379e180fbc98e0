"""A local SMTP sink for development: what it receives lands in a Maildir."""

import mailbox
import socket
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class MaildirHandler:
    """aiosmtpd handler that stores every message it accepts."""

    def __init__(self, directory: Path) -> None:
        directory.parent.mkdir(parents=True, exist_ok=True)
        self.maildir = mailbox.Maildir(directory, create=True)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.maildir.add(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (aiosmtpd cannot start on port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def start_sink(
    directory: Path, host: str = "127.0.0.1", port: int = 8025
) -> Controller:
    """Start the sink in a background thread (port 0: any free one); caller stops it."""
    controller = Controller(
        MaildirHandler(directory), hostname=host, port=port or free_port(host)
    )
    controller.start()
    return controller


def list_messages(directory: Path) -> list[tuple[str, EmailMessage]]:
    """Every stored message, newest first, with its key."""
    if not directory.exists():
        return []
    box = mailbox.Maildir(directory, create=False)
    found = [(key, _parse(box.get_bytes(key))) for key in box.keys()]  # noqa: SIM118 - Maildir iterates messages
    return sorted(
        found, key=lambda item: box.get_message(item[0]).get_date(), reverse=True
    )


def get_message(directory: Path, key: str) -> EmailMessage | None:
    """One stored message, or None."""
    if not directory.exists():
        return None
    box = mailbox.Maildir(directory, create=False)
    try:
        return _parse(box.get_bytes(key))
    except KeyError:
        return None


def clear(directory: Path) -> None:
    """Remove every stored message."""
    if directory.exists():
        box = mailbox.Maildir(directory, create=False)
        for key in box.keys():  # noqa: SIM118 - Maildir iterates messages
            box.remove(key)


def headers_as_read(message: EmailMessage) -> list[tuple[str, str]]:
    """Header values decoded as RFC 2047 says (whitespace between encoded words
    dropped): Python's address parser reads a stray space into a long display
    name that was folded inside a word ("Wirtschaftsf örderung")."""
    return [
        (name, str(make_header(decode_header(_utf8(value)))))
        for name, value in message.raw_items()
    ]


def _utf8(value: str) -> str:
    """A header sent as UTF-8 (SMTPUTF8, RFC 6532: an address with an umlaut) as
    text; the parser hands its bytes on escaped."""
    return value.encode("ascii", "surrogateescape").decode("utf-8", "replace")


def header_as_read(message: EmailMessage, name: str) -> str:
    return dict(headers_as_read(message)).get(name, "")


def _parse(raw: bytes) -> EmailMessage:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)  # noqa: S101 - policy.default guarantees it
    return message
