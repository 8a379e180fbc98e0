"""Translated labels for the newsletter's coded values."""

from datetime import datetime

from flask_babel import format_datetime
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


CONSENT_LABELS = {
    "signup": _l("signed up"),
    "confirmation_sent": _l("confirmation mail sent"),
    "confirmed": _l("confirmed"),
    "changed": _l("details changed"),
    "withdrawn": _l("withdrawn"),
    "resubscribed": _l("unsubscription undone"),
}

SOURCE_LABELS = {
    "form": _l("form"),
    "import": _l("import"),
    "manager": _l("manager"),
    "complaint": _l("spam complaint"),
    "one_click": _l("one-click unsubscribe in the mail program"),
    "unsubscribe_page": _l("unsubscribe page of a mail"),
}


def org_type_label(code: str | None) -> str:
    """The organisation type in the reader's language, or a dash."""
    return str(ORG_TYPE_LABELS.get(code or "", "–"))


def consent_label(kind: str) -> str:
    return str(CONSENT_LABELS.get(kind, kind))


def source_label(source: str) -> str:
    return str(SOURCE_LABELS.get(source, source))


def iso_datetime(value: str | None, style: str = "medium") -> str:
    """An ISO time of an export, shown in the reader's zone and language."""
    if not value:
        return "–"
    return str(format_datetime(datetime.fromisoformat(value), style))
