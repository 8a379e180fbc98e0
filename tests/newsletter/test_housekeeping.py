"""Housekeeping jobs: unconfirmed sign-ups go away, network details are forgotten."""

from datetime import timedelta

from sqlalchemy import select

from core.db import db, utcnow
from core.models import Region
from newsletter.audience.jobs import delete_stale_pending, purge_request_metadata
from newsletter.audience.models import ConsentEvent, Subscriber
from newsletter.audience.subscriptions import Profile, RequestMeta, sign_up
from tests.newsletter.helpers import list_id, sign_up_over_http


def pending_signup(app, email, age_days, meta=None):
    with app.app_context():
        region = db.session.scalar(select(Region).where(Region.slug == "dortmund"))
        subscriber, _ = sign_up(
            db.session,
            region,
            Profile(email=email),
            [list_id(app, "newsletter-dortmund")],
            meta=meta,
        )
        subscriber.created_at = utcnow() - timedelta(days=age_days)
        for event in db.session.scalars(select(ConsentEvent)):
            event.at = utcnow() - timedelta(days=age_days)
        db.session.commit()


def test_unconfirmed_sign_ups_are_deleted_after_the_retention_period(app):
    pending_signup(app, "old@example.org", 31)
    pending_signup(app, "new@example.org", 2)
    with app.app_context():
        assert delete_stale_pending() == 1
        emails = set(db.session.scalars(select(Subscriber.email)))
    assert emails == {"new@example.org"}


def test_ip_addresses_are_forgotten_after_the_set_period(app):
    pending_signup(app, "ip@example.org", 100, RequestMeta("203.0.113.7", "Firefox"))
    with app.app_context():
        assert purge_request_metadata() == 1
        event = db.session.scalar(select(ConsentEvent))
        assert (event.ip_address, event.user_agent) == (None, None)


def test_the_sign_up_form_is_throttled_per_address_of_the_sender(
    app, client, smtp_server
):
    do = list_id(app, "newsletter-dortmund")
    statuses = [
        sign_up_over_http(client, "dortmund", f"flood{n}@example.org", [do]).status_code
        for n in range(11)
    ]
    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429
