"""One gate before every message: whatever happens while a batch is being sent (a
cancel, a pause, a withdrawal, another sender taking over, a relay outage), the next
message goes to the relay only if the database still says it may, at that moment.

The events are staged from inside the real SMTP server: while the n-th message waits
for its reply, the test changes the database (in a thread, so the server keeps
serving), exactly as a manager, a subscriber or another sender would meanwhile."""

import asyncio
import base64
import subprocess
import time
from collections import Counter
from datetime import timedelta
from email.utils import parsedate_to_datetime

import dkim
import pytest
from sqlalchemy import select, update

from core.db import db, utcnow
from core.devmail import free_port
from newsletter.audience.erasure import erase, erasure_key
from newsletter.audience.models import Subscriber
from newsletter.audience.subscriptions import unsubscribe
from newsletter.campaigns.models import Campaign
from newsletter.sending.control import cancel, pause, resume
from newsletter.sending.models import Delivery, SenderWorker
from newsletter.sending.outbox import dispatch_due
from newsletter.sending.sender import Sender
from tests import factories
from tests.outbox import statuses


def at_message(smtp_server, number, action):
    """Run `action` while the `number`-th message waits for the server's reply."""
    original = smtp_server.handler.handle_DATA

    async def handle_DATA(server, session, envelope):  # noqa: N802
        reply = await original(server, session, envelope)
        if len(smtp_server.handler.received) == number:
            await asyncio.get_running_loop().run_in_executor(None, action)
        return reply

    smtp_server.handler.handle_DATA = handle_DATA


def in_app(app, change):
    """A change committed in its own session, as a request or job would."""

    def run():
        with app.app_context():
            change(db.session)
            db.session.commit()

    return run


def start_campaign(app, people):
    with app.app_context():
        ids = factories.audience(db.session, people)
    campaign_id = factories.made_in(app, factories.campaign, due=True)
    with app.app_context():
        dispatch_due(db.session)
    return ids, campaign_id


def run_sender(app, name="sender-a"):
    with app.app_context():
        return Sender(app, name).run(budget_seconds=60)


def received(smtp_server):
    return Counter(r.envelope_to[0] for r in smtp_server.handler.received)


def test_cancel_at_thirty_percent_stops_the_batch_and_skipped_stays_skipped(
    app, smtp_server
):
    _, campaign_id = start_campaign(app, 100)
    at_message(
        smtp_server,
        30,
        in_app(app, lambda s: cancel(s.get(Campaign, campaign_id))),
    )
    run_sender(app)
    got = received(smtp_server)
    assert len(got) <= 31  # the message in flight at most
    assert max(got.values()) == 1
    assert statuses(app, campaign_id) == {"sent": len(got), "skipped": 100 - len(got)}


def test_pause_at_thirty_percent_stops_the_batch_and_resume_sends_the_rest_once(
    app, smtp_server
):
    _, campaign_id = start_campaign(app, 100)
    at_message(
        smtp_server, 30, in_app(app, lambda s: pause(s.get(Campaign, campaign_id)))
    )
    run_sender(app)
    assert len(received(smtp_server)) <= 31
    with app.app_context():
        waiting = list(
            db.session.scalars(select(Delivery).where(Delivery.status != "sent"))
        )
    assert {d.status for d in waiting} == {"queued"}
    assert {d.attempts for d in waiting} == {0}  # handed back, not tried
    with app.app_context():
        resume(db.session.get(Campaign, campaign_id))
        db.session.commit()
    run_sender(app)
    got = received(smtp_server)
    assert len(got) == 100
    assert max(got.values()) == 1
    assert statuses(app, campaign_id) == {"sent": 100}


def test_people_who_erase_or_unsubscribe_inside_a_claimed_batch_get_nothing(
    app, smtp_server
):
    app.config["MAIL_RATE_PER_SECOND"] = 40
    _, campaign_id = start_campaign(app, 20)
    with app.app_context():
        # The two sent last: the database picks the order within a list, not us.
        last_two = db.session.execute(
            select(Delivery.subscriber_id, Delivery.list_id, Subscriber.email)
            .join(Subscriber, Subscriber.id == Delivery.subscriber_id)
            .order_by(Delivery.id.desc())
            .limit(2)
        ).all()
    (erased_id, _, erased_email), (leaving_id, list_id, leaving_email) = last_two

    def withdraw(session):
        erase(session, session.get(Subscriber, erased_id), erasure_key())
        unsubscribe(session, leaving_id, list_id)

    at_message(smtp_server, 3, in_app(app, withdraw))
    run_sender(app)
    got = received(smtp_server)
    assert erased_email not in got
    assert leaving_email not in got
    assert len(got) == 18
    assert statuses(app, campaign_id) == {"sent": 18, "skipped": 2}


def test_a_sender_whose_rows_were_taken_over_stops_and_nobody_gets_two(
    app, smtp_server
):
    """The stalled sender of the outside test, in one process: while its 5th message
    waits, it looks silent, another sender takes over and sends the rest."""
    _, campaign_id = start_campaign(app, 40)

    def take_over():
        with app.app_context():
            db.session.execute(
                update(SenderWorker)
                .where(SenderWorker.name == "sender-a")
                .values(heartbeat_at=utcnow() - timedelta(hours=1))
            )
            db.session.commit()
            Sender(app, "sender-b").run(budget_seconds=60)

    at_message(smtp_server, 5, take_over)
    run_sender(app, "sender-a")
    got = received(smtp_server)
    assert len(got) == 40
    assert max(got.values()) == 1
    assert statuses(app, campaign_id) == {"sent": 39, "uncertain": 1}


def test_a_relay_outage_pauses_and_hands_the_rest_back_without_using_attempts(app):
    app.config["MAIL_MAX_CONSECUTIVE_ERRORS"] = 5
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"  # nobody listens
    _, campaign_id = start_campaign(app, 30)
    run_sender(app)
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert campaign.status == "paused"
        assert campaign.stop_reason == "relay_outage"
        assert campaign.stop_details["errors"] == 5
        rows = list(db.session.scalars(select(Delivery)))
    assert {d.status for d in rows} == {"queued"}
    assert {d.attempts for d in rows} == {0}  # the relay was never reached
    tried = [d for d in rows if d.next_attempt_at is not None]
    assert len(tried) == 5  # the rest of the batch was not tried at all


@pytest.mark.parametrize("signed", [False, True], ids=["plain", "dkim"])
def test_the_date_header_is_the_time_of_sending(app, smtp_server, tmp_path, signed):
    app.config["MAIL_RATE_PER_SECOND"] = 3
    if signed:
        public_key = dkim_key(app, tmp_path)
    arrived = {}
    original = smtp_server.handler.handle_DATA

    async def handle_DATA(server, session, envelope):  # noqa: N802
        arrived[envelope.rcpt_tos[0]] = time.time()
        return await original(server, session, envelope)

    smtp_server.handler.handle_DATA = handle_DATA
    start_campaign(app, 10)
    run_sender(app)
    assert len(arrived) == 10
    for mail in smtp_server.handler.received:
        written = parsedate_to_datetime(mail.message["Date"]).timestamp()
        # The header has whole seconds: written <= sent < written + 1.
        assert 0 <= arrived[mail.envelope_to[0]] - written < 1.5, mail.envelope_to
        if signed:  # the signature covers the Date it carries
            assert dkim.verify(mail.raw, dnsfunc=lambda name, timeout=5: public_key)


def dkim_key(app, tmp_path):
    """Configure DKIM signing with a new key; returns its DNS record."""
    key = tmp_path / "dkim.pem"
    subprocess.run(
        ["openssl", "genrsa", "-out", str(key), "2048"], check=True, capture_output=True
    )
    public = subprocess.run(
        ["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"],
        check=True,
        capture_output=True,
    ).stdout
    app.config.update(
        DKIM_KEY_PATH=str(key), DKIM_SELECTOR="s1", DKIM_DOMAIN="example.org"
    )
    return b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


def test_a_live_sender_returns_what_its_interrupted_run_left_claimed(app, smtp_server):
    """The database went away mid-batch (the PostgreSQL test cuts it for real): the
    sender lives on, and its next run gives back what the broken one held."""
    with app.app_context():
        sender = Sender(app, "sender-a")
        sender.run()  # running, nothing to do yet
        _, campaign_id = start_campaign(app, 5)
        rows = list(db.session.scalars(select(Delivery).order_by(Delivery.id)))
        rows[0].status, rows[0].claimed_by = "sending", "sender-a"
        rows[1].status, rows[1].claimed_by = "claimed", "sender-a"
        db.session.commit()
        assert sender.run() == 4
    assert statuses(app, campaign_id) == {"sent": 4, "uncertain": 1}
    with app.app_context():
        assert db.session.get(Campaign, campaign_id).status == "sent"
