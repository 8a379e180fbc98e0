"""The hourly cap on messages, across all senders (BRUECKE_MAIL_RATE_PER_HOUR)."""

from datetime import timedelta

from sqlalchemy import func, select

from core.db import SessionLike, utcnow
from newsletter.sending.models import Delivery, DeliveryStatus


def hourly_room(session: SessionLike, per_hour: int) -> int | None:
    """How many more messages the cap allows now; None without a cap. A sender cuts
    its batch to it, so one sender never goes over (senders side by side may, by
    what they claim in the same moment)."""
    if not per_hour:
        return None
    since = utcnow() - timedelta(hours=1)
    count = session.scalar(
        select(func.count())
        .select_from(Delivery)
        .where(Delivery.status == DeliveryStatus.SENT, Delivery.sent_at >= since)
    )
    return max(0, per_hour - (count or 0))
