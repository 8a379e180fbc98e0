"""The scheduler's entry points for surveys: thin and idempotent."""

from core.db import db
from surveys.reminders.plans import start_due_reminders


def start_reminders() -> list[int]:
    """Create the campaigns of due reminder steps (the dispatcher sends them)."""
    return start_due_reminders(db.session)
