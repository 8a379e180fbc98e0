"""The home page panel for managers: profiles waiting for their review."""

from sqlalchemy import func, select

from core.db import db
from core.home import Panel
from core.models import User
from core.policy import allowed, managed_region_ids
from landscape.models import Profile, ProfileStatus


def review_panel(user: User) -> Panel | None:
    if not allowed(user, "subscribers"):
        return None
    query = select(func.count(Profile.id)).where(
        Profile.status == ProfileStatus.PENDING
    )
    regions = managed_region_ids(user)
    if regions is not None:
        query = query.where(Profile.region_id.in_(regions))
    return Panel(
        "landscape/_home_panel.html", {"waiting": db.session.scalar(query) or 0}, 35
    )
