"""Names of campaign states, as managers read them."""

from flask_babel import lazy_gettext as _l

CAMPAIGN_STATUS_LABELS = {
    "draft": _l("draft"),
    "scheduled": _l("scheduled"),
    "sending": _l("sending"),
    "paused": _l("paused"),
    "sent": _l("sent"),
    "cancelled": _l("cancelled"),
}


def campaign_status_label(status: str) -> str:
    return str(CAMPAIGN_STATUS_LABELS.get(status, status))
