"""Wall-clock times people enter, as the UTC instants the database stores."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l


class NonexistentTime(ValueError):
    """A wall-clock time the clocks skip; its message is for the person who typed it."""


def local_to_utc(local: datetime, zone: str) -> datetime:
    """A wall-clock time in the zone as UTC; refuses times the clock skips (DST).
    A time the clock passes twice is taken as the first (see `ambiguity_note`)."""
    tz = ZoneInfo(zone)
    aware = local.replace(tzinfo=tz, fold=0)
    if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local:
        raise NonexistentTime(
            str(
                _l(
                    "%(time)s does not exist on that day: the clocks go forward. "
                    "Please choose another time.",
                    time=local.strftime("%H:%M"),
                )
            )
        )
    return aware.astimezone(UTC)


def ambiguity_note(local: datetime, zone: str) -> str | None:
    """For a wall-clock time the clocks pass twice (the night they go back): which
    of the two `local_to_utc` took, with its offset, for the person who typed it to
    read. None for every other time."""
    tz = ZoneInfo(zone)
    first, second = (local.replace(tzinfo=tz, fold=fold) for fold in (0, 1))
    if first.utcoffset() == second.utcoffset() or (
        first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local
    ):
        return None
    return str(
        _l(
            "%(time)s occurs twice on %(date)s because the clocks go back an hour. "
            "The first one is used: %(time)s summer time (UTC%(offset)s), that is "
            "%(utc)s UTC.",
            time=local.strftime("%H:%M"),
            date=local.strftime("%d.%m.%Y"),
            offset=_offset(first.utcoffset()),
            utc=first.astimezone(UTC).strftime("%H:%M"),
        )
    )


def zone_for(instant: datetime | None, zone: str) -> str:
    """The zone's name as a page shows it beside a stored time, with the offset
    when that wall-clock time happens twice (else it would not say which one)."""
    if instant is None:
        return zone
    tz = ZoneInfo(zone)
    local = instant.astimezone(tz)
    other = local.replace(fold=1 - local.fold)
    if other.utcoffset() == local.utcoffset():
        return zone
    return f"{zone}, UTC{_offset(local.utcoffset())}"


def _offset(offset: timedelta | None) -> str:
    minutes = int((offset or timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
