"""An event's date: typed in a date picker (stored as the picker's local
"YYYY-MM-DDTHH:MM"), shown in the mail's language. Dates typed by hand before the
picker ("12.03.2027, 10:00") are read too, and any other text is kept as it is."""

import re
from datetime import datetime

from babel.dates import format_date, format_time
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

PICKER_FORMAT = "%Y-%m-%dT%H:%M"
GERMAN_DATE = re.compile(
    r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:,?\s*(?:um\s*)?(\d{1,2})[:.](\d{2}))?"
    r"(?:\s*Uhr)?"
)


def parse_event_date(value: str) -> datetime | None:
    """The date and time a value names, or None for free text."""
    value = (value or "").strip()
    try:
        return datetime.strptime(value, PICKER_FORMAT)
    except ValueError:
        pass
    match = GERMAN_DATE.fullmatch(value)
    if match is None:
        return None
    day, month, year, hour, minute = match.groups()
    try:
        return datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0)
        )
    except ValueError:
        return None


def picker_value(value: str) -> str | None:
    """The value for a datetime-local input, or None if the text names no date
    (the editor then offers it as text, so that nothing typed is lost)."""
    if not (value or "").strip():
        return ""
    when = parse_event_date(value)
    return when.strftime(PICKER_FORMAT) if when else None


def shown_event_date(value: str, language: str) -> str:
    """The date as readers of this language write it ("Freitag, 12. März 2027,
    10:00 Uhr"); free text as typed. The time is the event's own, not converted."""
    when = parse_event_date(value)
    if when is None:
        return value
    with force_locale(language):
        time = str(
            _l("%(time)s o'clock", time=format_time(when, "short", locale=language))
        )
    return f"{format_date(when, 'full', locale=language)}, {time}"
