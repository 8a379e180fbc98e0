"""Personal tokens out of access logs: the path segments after the routes that carry
a token are replaced by "…" before gunicorn writes the line. Used by
gunicorn.conf.py, which the README's production command loads."""

import logging
import re

# /einstellungen/<token>, /abmelden/<token>, /bestaetigen/<token>,
# /umfrage/<id>/<token>, /umfrage/<id>/offen/<key>, /ausgabe/<id>/<lang>/<token>
TOKEN_PATHS = re.compile(
    r"(/(?:einstellungen|abmelden|bestaetigen)/|/umfrage/\d+/(?:offen/)?"
    r"|/ausgabe/\d+/[a-z]{2}/)"
    r"[A-Za-z0-9_\-\.=]+"
)


def mask(text: str) -> str:
    return TOKEN_PATHS.sub(lambda m: m.group(1) + "…", text)


class MaskTokens(logging.Filter):
    """A logging filter for gunicorn's access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask(record.getMessage())
        record.args = ()
        return True
