"""The home page panel: subscriber counts by status and by list, per visible region."""

from sqlalchemy import func, select

from core.db import db
from core.home import Panel
from core.models import Region, User
from core.policy import allowed
from newsletter.audience.models import MailingList, Subscriber, Subscription
from newsletter.audience.scope import Scope


def subscriber_panel(user: User) -> Panel | None:
    """Counts for the lists the user acts for; nothing for analysts."""
    if not allowed(user, "subscribers"):
        return None
    scope = Scope.of(db.session, user)
    status_query = select(Region.name, Subscriber.status, func.count()).join(
        Subscriber.region
    )
    list_query = (
        select(MailingList.name, Subscription.status, func.count())
        .join(Subscription.mailing_list)
        .join(Subscription.subscriber)
    )
    status_query = scope.subscribers(status_query)
    if scope.list_ids is not None:
        list_query = list_query.where(Subscription.list_id.in_(scope.list_ids))
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
