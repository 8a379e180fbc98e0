"""Housekeeping jobs: unconfirmed sign-ups go away, network details are forgotten."""

from datetime import timedelta

from sqlalchemy import select

from core.db import utcnow
from newsletter.audience.jobs import delete_stale_pending, purge_request_metadata
from newsletter.audience.models import ConsentEvent, Subscriber
from newsletter.audience.subscriptions import RequestMeta
from tests import factories
from tests.http import sign_up


def pending_signup(session, email, age_days, meta=None):
    """A sign-up nobody confirmed, made `age_days` ago."""
    person = factories.subscriber(session, email=email, confirmed=False, meta=meta)
    then = utcnow() - timedelta(days=age_days)
    person.created_at = then
    for event in session.scalars(
        select(ConsentEvent).where(ConsentEvent.subscriber_id == person.id)
    ):
        event.at = then
    session.commit()


def test_unconfirmed_sign_ups_are_deleted_after_the_retention_period(db):
    pending_signup(db, "old@example.org", 31)
    pending_signup(db, "new@example.org", 2)
    assert delete_stale_pending() == 1
    assert set(db.scalars(select(Subscriber.email))) == {"new@example.org"}


def test_ip_addresses_are_forgotten_after_the_set_period(db):
    pending_signup(db, "ip@example.org", 100, RequestMeta("203.0.113.7", "Firefox"))
    assert purge_request_metadata() == 1
    event = db.scalar(select(ConsentEvent))
    db.refresh(event)
    assert (event.ip_address, event.user_agent) == (None, None)


def test_the_sign_up_form_is_throttled_per_address_of_the_sender(
    client, list_ids, smtp_server
):
    do = list_ids["newsletter-dortmund"]
    statuses = [
        sign_up(client, "dortmund", f"flood{n}@example.org", [do]).status_code
        for n in range(11)
    ]
    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429
