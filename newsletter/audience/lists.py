"""Which mailing lists a manager may use: her region's and the joint ones."""

from flask_login import current_user
from sqlalchemy import select

from core.db import db
from core.policy import visible_region_ids
from newsletter.audience.models import MailingList


def visible_lists() -> list[MailingList]:
    """The lists the logged-in user may see, by name."""
    regions = visible_region_ids(current_user)
    query = select(MailingList).order_by(MailingList.name)
    if regions is not None:
        query = query.where(
            MailingList.region_id.in_(regions) | MailingList.region_id.is_(None)
        )
    return list(db.session.scalars(query))
