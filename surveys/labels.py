"""Translated labels for survey codes."""

from flask_babel import lazy_gettext as _l

QUESTION_KINDS = {
    "single": _l("Single choice"),
    "multiple": _l("Multiple choice"),
    "likert": _l("Scale 1–5"),
    "nps": _l("Recommendation 0–10 (NPS)"),
    "text": _l("Short text"),
}
OPTION_KINDS = {"need": _l("need"), "offer": _l("offer")}


def question_kind_label(kind: str) -> str:
    return str(QUESTION_KINDS.get(kind, kind))


def option_kind_label(kind: str | None) -> str:
    return str(OPTION_KINDS.get(kind or "", "–"))
