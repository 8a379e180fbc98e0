"""Prebuilt campaign messages: the MIME skeleton is made once per campaign and
language; each recipient costs only substitutions and quoted-printable encoding
(a fresh EmailMessage tree costs about 1 ms per message here)."""

import binascii
import html
import re
import secrets
from dataclasses import dataclass
from email.header import Header
from email.utils import formatdate, parseaddr

from newsletter.campaigns.rendering import PLACEHOLDER, Compiled, Template, greetings


class EncodedTemplate:
    """A body part with {{ placeholders }}, quoted-printable encoded once.

    Quoted-printable lets a soft line break (`=` CRLF) stand anywhere, so each
    literal piece is encoded on its own and each recipient's value is put between
    soft breaks: per message only the short values are encoded, not 20 KB of HTML."""

    __slots__ = ("escape", "literals", "names")

    def __init__(self, text: str, escape: bool) -> None:
        parts = PLACEHOLDER.split(crlf(text))
        self.literals = [_qp(part) for part in parts[0::2]]
        self.names = parts[1::2]
        self.escape = escape

    def fill(self, values: dict[str, str]) -> bytes:
        out = [self.literals[0]]
        for name, literal in zip(self.names, self.literals[1:], strict=True):
            value = values.get(name, "")
            if self.escape:
                value = html.escape(value, quote=True)
            out += (SOFT_BREAK, _qp(value), SOFT_BREAK, literal)
        return b"".join(out)


@dataclass(frozen=True)
class PreparedMessage:
    compiled: Compiled
    sender: str  # the encoded From header
    subject: Template
    html: EncodedTemplate
    text: EncodedTemplate
    greetings: tuple[str, str]
    tracks_clicks: bool = False  # its links carry a {{ click_token }}

    @classmethod
    def build(
        cls, compiled: Compiled, sender: str, tracks_clicks: bool = False
    ) -> "PreparedMessage":
        return cls(
            compiled,
            encode_header(sender),
            Template(compiled.subject),
            EncodedTemplate(compiled.html, escape=True),
            EncodedTemplate(compiled.text, escape=False),
            greetings(compiled.language),
            tracks_clicks,
        )


CRLF = "\r\n"
SOFT_BREAK = b"=\r\n"


def encode_header(value: str) -> str:
    """RFC 2047 for non-ASCII header values (subjects with umlauts, sender names)."""
    if value.isascii():
        return value
    if "<" in value and value.rstrip().endswith(">"):
        name, address = parseaddr(value)  # unquotes a name with commas or quotes
        return f"{Header(name, 'utf-8').encode(linesep=CRLF)} <{address}>"
    return Header(value, "utf-8").encode(linesep=CRLF)


_ONE_LINE = re.compile(r"[\r\n]+")
_PART = (
    "Content-Type: text/{0}; charset=utf-8\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
)


def crlf(text: str) -> str:
    """Text with CRLF line ends, which quoted-printable then keeps."""
    return re.sub(r"\r?\n", "\r\n", text)


_BARE_LF = re.compile(rb"(?<!\r)\n")


def _qp(text: str) -> bytes:
    """Quoted-printable with CRLF everywhere (b2a_qp uses LF for soft breaks in
    text without CRLF)."""
    encoded = binascii.b2a_qp(text.encode("utf-8"), quotetabs=False, istext=True)
    return _BARE_LF.sub(b"\r\n", encoded) if b"\n" in encoded else encoded


_DATE = b"\r\nDate: "


def dated_now(raw: bytes) -> bytes:
    """The message with its Date header set to this moment (RFC 5322: when it was
    handed over). `formatdate` has a fixed width, so it is a splice, not a parse."""
    start = raw.index(_DATE) + len(_DATE)
    now = formatdate(usegmt=True).encode("ascii")
    return raw[:start] + now + raw[start + len(now) :]


def render(
    prepared: PreparedMessage,
    *,
    to: str,
    values: dict[str, str],
    message_id: str,
    headers: dict[str, str],
) -> bytes:
    """The complete message for one recipient, text part first, CRLF line ends
    (smtplib sends bytes as they are)."""
    # A line break in a name must never open a new header line.
    values = {key: _ONE_LINE.sub(" ", value) for key, value in values.items()}
    subject = prepared.subject.fill(values)
    boundary = "=_bs_" + secrets.token_hex(12)
    head = "\r\n".join(
        [
            f"From: {prepared.sender}",
            f"To: {to}",
            f"Subject: {encode_header(subject)}",
            f"Date: {formatdate(usegmt=True)}",
            f"Message-ID: {message_id}",
            "MIME-Version: 1.0",
            *(f"{name}: {value}" for name, value in headers.items()),
            f'Content-Type: multipart/alternative; boundary="{boundary}"',
        ]
    )
    return b"".join(
        [
            # UTF-8 only where an address has umlauts (RFC 6532, sent with SMTPUTF8).
            head.encode("utf-8"),
            f"\r\n\r\n--{boundary}\r\n{_PART.format('plain')}".encode("ascii"),
            prepared.text.fill(values),
            f"\r\n--{boundary}\r\n{_PART.format('html')}".encode("ascii"),
            prepared.html.fill(values),
            f"\r\n--{boundary}--\r\n".encode("ascii"),
        ]
    )
