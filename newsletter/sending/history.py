"""The issues a subscriber received, as a section of the subscriber's page."""

from sqlalchemy import select

from core.db import db
from core.home import Panel
from newsletter.audience.models import Subscriber
from newsletter.audience.scope import Scope
from newsletter.campaigns.models import Campaign
from newsletter.sending.models import Delivery

SHOWN = 50


def deliveries_section(subscriber: Subscriber, scope: Scope) -> Panel:
    """The person's last deliveries of issues of the scope's controllers, with
    their results, newest first."""
    deliveries = db.session.execute(
        select(Campaign, Delivery)
        .join(Delivery, Delivery.campaign_id == Campaign.id)
        .where(Delivery.subscriber_id == subscriber.id, scope.held(Campaign.region_id))
        .order_by(Delivery.id.desc())
        .limit(SHOWN)
    ).all()
    return Panel(
        "newsletter/_subscriber_deliveries.html", {"deliveries": deliveries}, order=20
    )
