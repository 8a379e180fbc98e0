"""Translated labels of the Kompetenzlandschaft's coded values."""

from typing import Any

from flask_babel import lazy_gettext as _l

from core.db import db
from core.models import Region

PROFILE_STATUS_LABELS = {
    "pending": _l("Waiting for review"),
    "approved": _l("Public"),
    "hidden": _l("Hidden"),
}
CONSENT_LABELS = {
    "given": _l("consent given"),
    "withdrawn": _l("consent withdrawn"),
}
ANSWER_LABELS = {
    "accepted": _l("yes"),
    "declined": _l("no"),
}


def profile_status_label(status: str) -> str:
    return str(PROFILE_STATUS_LABELS.get(status, status))


def landscape_consent_label(kind: str) -> str:
    return str(CONSENT_LABELS.get(kind, kind))


def answer_label(answer: str | None) -> str:
    return str(ANSWER_LABELS.get(answer or "", _l("not yet")))


def introduction_status_label(intro: Any) -> str:
    """Where an introduction stands, without naming who answered what."""
    if intro.declined:
        return str(_l("declined"))
    if intro.exchanged_at is not None:
        return str(_l("both agreed, contacts exchanged"))
    return str(_l("waiting for answers"))


def region_name(region_id: int) -> str:
    region = db.session.get(Region, region_id)
    return region.name if region else "–"
