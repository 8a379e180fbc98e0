"""Wall-clock times people enter, as the UTC instants the database stores."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l


class NonexistentTime(ValueError):
    """A wall-clock time the clocks skip; its message is for the person who typed it."""


def local_to_utc(local: datetime, zone: str) -> datetime:
    """A wall-clock time in the zone as UTC; refuses times the clock skips (DST)."""
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
