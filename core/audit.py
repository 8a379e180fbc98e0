"""The audit log: who changed what, when. Services call `record`; nothing edits it."""

from typing import Any

from core.db import SessionLike
from core.models import AuditEntry


def record(
    session: SessionLike,
    user_id: int | None,
    action: str,
    object_type: str,
    object_id: int | None = None,
    **details: Any,
) -> None:
    """Append one entry; the caller's commit makes it permanent with the change."""
    session.add(
        AuditEntry(
            user_id=user_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            details=details,
        )
    )
