"""The home page panel: subscriber counts by status and by list, per visible region."""

from sqlalchemy import func, select

from core.db import db
from core.home import Panel
from core.models import Region, User
from core.policy import allowed, visible_region_ids
from newsletter.audience.models import MailingList, Subscriber, Subscription


def subscriber_panel(user: User) -> Panel | None:
    """Counts for the regions the user may see; nothing for analysts."""
    if not allowed(user, "subscribers"):
        return None
    regions = visible_region_ids(user)
    status_query = select(Region.name, Subscriber.status, func.count()).join(
        Subscriber.region
    )
    list_query = (
        select(MailingList.name, Subscription.status, func.count())
        .join(Subscription.mailing_list)
        .join(Subscription.subscriber)
    )
    if regions is not None:
        status_query = status_query.where(Subscriber.region_id.in_(regions))
        list_query = list_query.where(Subscriber.region_id.in_(regions))
    by_status: dict[str, dict[str, int]] = {}
    for region, status, count in db.session.execute(
        status_query.group_by(Region.name, Subscriber.status)
    ):
        by_status.setdefault(region, {})[status] = count
    by_list: dict[str, dict[str, int]] = {}
    for name, status, count in db.session.execute(
        list_query.group_by(MailingList.name, Subscription.status)
    ):
        by_list.setdefault(name, {})[status] = count
    return Panel(
        "newsletter/_home_subscribers.html",
        {
            "by_status": dict(sorted(by_status.items())),
            "by_list": dict(sorted(by_list.items())),
        },
        order=10,
    )
