"""What the outbox says after a scenario, and the check that the counts the progress
page reads (kept by the database as rows change) equal a recount of the rows."""

from flask import Flask
from sqlalchemy import func, select

from core.db import db
from newsletter.campaigns.models import Campaign
from newsletter.sending.counts import counts, recount
from newsletter.sending.models import Delivery


def assert_counts_kept(app: Flask) -> None:
    """Every campaign's kept counts equal its outbox, counted row by row."""
    with app.app_context():
        db.session.remove()  # nothing cached: what the database holds now
        for campaign_id in db.session.scalars(select(Campaign.id)):
            kept = counts(db.session, campaign_id)
            assert kept == recount(db.session, campaign_id), campaign_id


def statuses(app: Flask, campaign_id: int) -> dict[str, int]:
    """The campaign's deliveries by status, once the kept counts are checked."""
    assert_counts_kept(app)
    with app.app_context():
        rows = db.session.execute(
            select(Delivery.status, func.count())
            .where(Delivery.campaign_id == campaign_id)
            .group_by(Delivery.status)
        )
        return dict(rows.all())
