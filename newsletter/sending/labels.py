"""Names of delivery states, as managers read them."""

from flask_babel import lazy_gettext as _l

DELIVERY_STATUS_LABELS = {
    "queued": _l("waiting"),
    "claimed": _l("waiting"),
    "sending": _l("being sent"),
    "sent": _l("sent"),
    "failed": _l("failed"),
    "bounced": _l("bounced"),
    "uncertain": _l("uncertain"),
    "skipped": _l("not sent"),
}


def delivery_status_label(status: str) -> str:
    return str(DELIVERY_STATUS_LABELS.get(status, status))
