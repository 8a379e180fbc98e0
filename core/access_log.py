"""Personal tokens out of access logs: the path segments after the routes that carry
a token are replaced by "…" before gunicorn writes the line. Used by
gunicorn.conf.py, which the README's production command loads."""

import logging
import re

# Every route whose path carries a personal token or key (a test walks the URL map):
# /einstellungen/, /abmelden/, /bestaetigen/, /anmeldung-beenden/ <token>,
# /kompetenzlandschaft/mein-profil/ and /vorstellung/ <token>, /link/<id>/<token>,
# /umfrage/<id>/<token>, /umfrage/<id>/offen/ and /probe/ <key>,
# /ausgabe/<id>/<lang>/<token>
TOKEN_PATHS = re.compile(
    r"(/(?:einstellungen|abmelden|bestaetigen|anmeldung-beenden)/"
    r"|/kompetenzlandschaft/(?:mein-profil|vorstellung)/"
    r"|/link/\d+/|/umfrage/\d+/(?:offen/|probe/)?|/ausgabe/\d+/[a-z]{2}/)"
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
