"""Translated labels for the newsletter's coded values."""

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "pending": _l("pending"),
    "active": _l("active"),
    "unsubscribed": _l("unsubscribed"),
    "bounced": _l("bounced"),
    "erased": _l("erased"),
}

ORG_TYPE_LABELS = {
    "company": _l("Company"),
    "university": _l("University / research"),
    "startup": _l("Start-up"),
    "public": _l("Municipality / public body"),
    "network": _l("Network / association"),
    "other": _l("Other"),
}


def status_label(status: str) -> str:
    """The status in the reader's language."""
    return str(STATUS_LABELS.get(status, status))
