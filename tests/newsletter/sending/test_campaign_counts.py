"""The numbers of a campaign's progress are kept by the database as its deliveries
change, not counted when the page asks; a cancel answers at once and says how many
will not be sent, and the worker marks the rest of the queue afterwards, chunk by
chunk, continuing where a run stopped."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text, update

from core.db import db
from core.models import Role
from newsletter.campaigns.models import Campaign
from newsletter.sending.control import cancel
from newsletter.sending.counts import counts
from newsletter.sending.models import Delivery
from newsletter.sending.outbox import dispatch_due, skip_cancelled
from tests import factories
from tests.core.test_migrations import fresh_database_at, insert_row
from tests.http import submit
from tests.outbox import assert_counts_kept, statuses

BEFORE = "b5d2e8f17a60"


def started(app, people):
    with app.app_context():
        factories.audience(db.session, people)
    campaign_id = factories.made_in(app, factories.campaign, due=True)
    with app.app_context():
        dispatch_due(db.session)
    return campaign_id


def test_cancel_answers_at_once_and_the_page_says_how_many_will_not_be_sent(
    app, client, login_as
):
    login_as(Role.MANAGER, "dortmund")
    campaign_id = started(app, 3)
    page = submit(
        client,
        f"/campaigns/{campaign_id}/send",
        data={"action": "cancel"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Die Ausgabe ist abgebrochen; 3 Nachrichten werden nicht gesendet." in page
    assert "Nicht gesendet (abgebrochen)" in page
    # The request changed the campaign only; the queue is marked by the worker.
    assert statuses(app, campaign_id) == {"queued": 3}
    numbers = client.get(f"/campaigns/{campaign_id}/progress.json").get_json()
    assert (numbers["cancelled"], numbers["waiting"]) == (3, 0)
    with app.app_context():
        assert skip_cancelled(db.session) == 3
    assert statuses(app, campaign_id) == {"skipped": 3}
    numbers = client.get(f"/campaigns/{campaign_id}/progress.json").get_json()
    assert (numbers["cancelled"], numbers["skipped"]) == (3, 0)


def test_the_worker_marks_a_cancelled_queue_chunk_by_chunk_and_the_next_run_goes_on(
    app,
):
    campaign_id = started(app, 25)
    with app.app_context():
        cancel(db.session.get(Campaign, campaign_id))
        db.session.commit()
        # A run out of time marks one chunk, committed; the next one the rest.
        assert skip_cancelled(db.session, budget_seconds=0, chunk=10) == 10
    assert statuses(app, campaign_id) == {"skipped": 10, "queued": 15}
    with app.app_context():
        assert skip_cancelled(db.session, chunk=10) == 15
        assert skip_cancelled(db.session, chunk=10) == 0
        assert counts(db.session, campaign_id) == {"cancelled": 25}


def test_counts_follow_changes_made_outside_the_sender(app):
    campaign_id = started(app, 4)
    with app.app_context():
        first = db.session.scalar(select(Delivery.id).order_by(Delivery.id))
        db.session.execute(
            update(Delivery).where(Delivery.id == first).values(status="bounced")
        )
        db.session.execute(
            update(Delivery)
            .where(Delivery.id == first + 1)
            .values(status="skipped", reason="left_before_sending")
        )
        db.session.execute(Delivery.__table__.delete().where(Delivery.id == first + 2))
        db.session.commit()
        assert counts(db.session, campaign_id) == {
            "bounced": 1,
            "skipped": 1,
            "queued": 1,
        }
    assert_counts_kept(app)


def test_the_migration_counts_existing_campaigns_and_keeps_counting(empty_app):
    fresh_database_at(BEFORE)
    rows = ["sent", "sent", "bounced", "queued", "uncertain", "skipped"]
    with db.engine.begin() as connection:
        insert_row(connection, "regions", id=1, slug="r")
        insert_row(connection, "campaigns", id=1, status="sending")
        insert_row(connection, "campaigns", id=2, status="cancelled")
        for row_id, status in enumerate(rows, start=1):
            insert_row(
                connection, "deliveries", id=row_id, campaign_id=1, status=status
            )
        insert_row(
            connection,
            "deliveries",
            id=10,
            campaign_id=2,
            status="skipped",
            reason="cancelled",
        )
    upgrade()
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE deliveries SET status = 'sent' WHERE id = 4"))
    assert counts(db.session, 1) == {
        "sent": 3,
        "bounced": 1,
        "uncertain": 1,
        "skipped": 1,
    }
    assert counts(db.session, 2) == {"cancelled": 1}
    db.session.remove()
    downgrade(revision=BEFORE)
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE deliveries SET status = 'sent' WHERE id = 5"))
