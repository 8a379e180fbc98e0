"""The scheduler's entry points for surveys: thin and idempotent."""

from core.db import db
from surveys.reminders.plans import start_due_reminders


def start_reminders() -> list[int]:
    """Create the campaigns of due reminder steps (the dispatcher sends them)."""
    return start_due_reminders(db.session)


def freeze_releases() -> list[int]:
    """Keep what today's releases are counted from (surveys.analysis.frozen)."""
    from core.db import utcnow
    from surveys.analysis.frozen import freeze_due
    from surveys.analysis.release_rows import release_point

    return freeze_due(db.session, release_point(utcnow()))
