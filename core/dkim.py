"""Optional DKIM signatures (dkimpy) for campaigns and system mails; they cover both
unsubscribe headers, as Gmail and Yahoo expect of bulk senders."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dkim

SIGNED_HEADERS = [
    b"from",
    b"to",
    b"subject",
    b"date",
    b"message-id",
    b"mime-version",
    b"content-type",
    b"list-unsubscribe",
    b"list-unsubscribe-post",
]


@dataclass(frozen=True)
class Signer:
    selector: bytes
    domain: bytes
    key: bytes

    @classmethod
    def from_config(cls, config: Any) -> "Signer | None":
        """A signer when DKIM_KEY_PATH, DKIM_SELECTOR and DKIM_DOMAIN are set."""
        if not (
            config["DKIM_KEY_PATH"]
            and config["DKIM_SELECTOR"]
            and config["DKIM_DOMAIN"]
        ):
            return None
        return cls(
            config["DKIM_SELECTOR"].encode(),
            config["DKIM_DOMAIN"].encode(),
            Path(config["DKIM_KEY_PATH"]).read_bytes(),
        )

    def sign(self, message: bytes) -> bytes:
        """The message with its DKIM-Signature header in front."""
        header = dkim.sign(
            message,
            self.selector,
            self.domain,
            self.key,
            include_headers=SIGNED_HEADERS,
            canonicalize=(b"relaxed", b"relaxed"),
        )
        return header + message
