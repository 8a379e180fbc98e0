"""Audiences and campaigns for sending tests, made through the real services."""

from sqlalchemy import select

from core.db import db, utcnow
from core.models import Region
from newsletter.audience.models import MailingList, Subscriber, Subscription
from newsletter.campaigns.models import Campaign, CampaignStatus
from tests.newsletter.campaign_helpers import every_block


def audience(app, count, region_slug="dortmund", status="active", prefix="person"):
    """`count` subscribers of the region's list, as bulk rows (fast for thousands)."""
    with app.app_context():
        region = db.session.scalar(select(Region).where(Region.slug == region_slug))
        list_id = db.session.scalar(
            select(MailingList.id).where(
                MailingList.slug == f"newsletter-{region_slug}"
            )
        )
        people = [
            Subscriber(
                email=f"{prefix}{n}@example.org",
                name=f"Person {n}",
                region_id=region.id,
                status=status,
                language="de",
                confirmed_at=utcnow() if status != "pending" else None,
            )
            for n in range(count)
        ]
        db.session.add_all(people)
        db.session.flush()
        db.session.add_all(
            Subscription(
                subscriber_id=p.id,
                list_id=list_id,
                status="active" if status == "active" else status,
            )
            for p in people
        )
        db.session.commit()
        return [p.id for p in people]


def due_campaign(app, region_slug="dortmund") -> int:
    """A campaign to the region's list, scheduled for now."""
    with app.app_context():
        region = db.session.scalar(select(Region).where(Region.slug == region_slug))
        list_id = db.session.scalar(
            select(MailingList.id).where(
                MailingList.slug == f"newsletter-{region_slug}"
            )
        )
        campaign = Campaign(
            region_id=region.id,
            title="Test",
            subject={"de": "Neues für {{ first_name }}"},
            blocks={"de": every_block()},
            list_ids=[list_id],
            status=CampaignStatus.SCHEDULED,
            scheduled_at=utcnow(),
        )
        db.session.add(campaign)
        db.session.commit()
        return campaign.id
