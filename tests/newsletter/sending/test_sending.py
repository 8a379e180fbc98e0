"""Sending as the mail server sees it: each recipient once, the right headers, retries
for 4xx, bounces for 5.1.x, nothing to people who left, pause and resume."""

from collections import Counter
from datetime import datetime

import pytest
from aiosmtpd.smtp import Envelope
from sqlalchemy import select

from core.db import db
from core.timezone import NonexistentTime, local_to_utc
from newsletter.audience.models import Subscriber
from newsletter.audience.subscriptions import unsubscribe
from newsletter.campaigns.models import Campaign
from newsletter.sending.control import pause, resume
from newsletter.sending.models import Delivery
from newsletter.sending.outbox import dispatch_due
from newsletter.sending.sender import Sender
from tests import factories
from tests.outbox import statuses


def run_sender(app, name="test-sender"):
    with app.app_context():
        return Sender(app, name).run(budget_seconds=30)


def dispatch(app):
    with app.app_context():
        return dispatch_due(db.session)


def campaign_status(app, campaign_id):
    with app.app_context():
        return db.session.get(Campaign, campaign_id).status


def test_each_confirmed_recipient_gets_exactly_one_well_formed_mail(app, smtp_server):
    with app.app_context():
        active = factories.audience(db.session, 25)
        factories.audience(db.session, 3, status="pending", prefix="pending")
        factories.audience(db.session, 2, status="unsubscribed", prefix="gone")
        campaign_id = factories.campaign(db.session, due=True).id
    assert dispatch(app) == [campaign_id]
    assert dispatch(app) == []  # a second dispatcher finds nothing to start
    assert run_sender(app) == 25
    received = smtp_server.handler.received
    assert Counter(r.envelope_to[0] for r in received) == {
        f"person{n}@example.org": 1 for n in range(len(active))
    }
    assert all(
        len(r.envelope_to) == 1 for r in received
    )  # one recipient per transaction
    mail = received[0].message
    for header in ("From", "To", "Subject", "Date", "Message-ID"):
        assert len(mail.get_all(header)) == 1, header
    assert mail["Subject"].startswith("Brückenschlag März: Person")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/abmelden/" in mail["List-Unsubscribe"]
    assert [p.get_content_type() for p in mail.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    assert "Hallo Person" in mail.get_body(("plain",)).get_content()
    assert campaign_status(app, campaign_id) == "sent"
    assert statuses(app, campaign_id) == {"sent": 25}


def test_an_address_with_umlauts_gets_the_campaign_too(app, smtp_server):
    with app.app_context():
        factories.audience(db.session, 1)
        factories.audience(db.session, 1, prefix="jürgen")
        campaign_id = factories.campaign(db.session, due=True).id
    dispatch(app)
    assert run_sender(app) == 2
    received = {r.envelope_to[0]: r.message for r in smtp_server.handler.received}
    assert set(received) == {"person0@example.org", "jürgen0@example.org"}
    assert "jürgen0@example.org" in str(received["jürgen0@example.org"]["To"])
    assert statuses(app, campaign_id) == {"sent": 2}


def test_the_unsubscribe_link_in_the_mail_works_with_one_click(app, smtp_server):
    with app.app_context():
        factories.audience(db.session, 1)
        campaign_id = factories.campaign(db.session, due=True).id
    dispatch(app)
    run_sender(app)
    mail = smtp_server.messages[0]
    url = mail["List-Unsubscribe"].strip("<>")
    path = url.split("localhost", 1)[1]
    response = app.test_client().post(
        path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(Subscriber.status)) == "unsubscribed"
    assert campaign_status(app, campaign_id) == "sent"


def test_451_is_retried_and_550_bounces(app, smtp_server):
    app.config["MAIL_RETRY_BACKOFF_SECONDS"] = 0
    with app.app_context():
        factories.audience(db.session, 6)
    refusals = {
        "person1@example.org": ["451 4.7.1 Greylisted, try again"],
        "person2@example.org": ["550 5.1.1 No such user"],
        "person3@example.org": ["550 5.7.1 Message rejected by policy"],
    }

    async def handle_RCPT(server, session, envelope: Envelope, address, options):  # noqa: N802
        answers = refusals.get(address)
        if answers:
            return answers.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp_server.handler.handle_RCPT = handle_RCPT
    with app.app_context():
        campaign_id = factories.campaign(db.session, due=True).id
    dispatch(app)
    run_sender(app)
    with app.app_context():
        rows = {d.subscriber_id: d for d in db.session.scalars(select(Delivery))}
        people = {s.email: s for s in db.session.scalars(select(Subscriber))}
        first_id = rows[people["person1@example.org"].id].message_id
    received = Counter(r.envelope_to[0] for r in smtp_server.handler.received)
    assert received["person1@example.org"] == 1  # retried at once (no backoff in tests)
    assert received["person2@example.org"] == 0
    assert statuses(app, campaign_id) == {"sent": 4, "bounced": 1, "failed": 1}
    assert people["person2@example.org"].status == "bounced"  # hard bounce suppresses
    assert (
        people["person3@example.org"].status == "active"
    )  # policy is not a dead address
    retried = next(
        r.message
        for r in smtp_server.handler.received
        if r.envelope_to == ["person1@example.org"]
    )
    assert retried["Message-ID"] == first_id


def test_nobody_who_left_meanwhile_gets_the_mail(app, smtp_server):
    with app.app_context():
        ids = factories.audience(db.session, 5)
        campaign_id = factories.campaign(db.session, due=True).id
    dispatch(app)
    with app.app_context():
        unsubscribe(db.session, ids[2], db.session.scalar(select(Delivery.list_id)))
        db.session.commit()
    run_sender(app)
    assert "person2@example.org" not in {
        r.envelope_to[0] for r in smtp_server.handler.received
    }
    assert statuses(app, campaign_id) == {"sent": 4, "skipped": 1}


def test_pause_stops_sending_and_resume_continues(app, smtp_server):
    with app.app_context():
        factories.audience(db.session, 4)
        campaign_id = factories.campaign(db.session, due=True).id
    dispatch(app)
    with app.app_context():
        pause(db.session.get(Campaign, campaign_id))
        db.session.commit()
    assert run_sender(app) == 0
    with app.app_context():
        resume(db.session.get(Campaign, campaign_id))
        db.session.commit()
    assert run_sender(app) == 4


def test_after_a_crash_claimed_rows_are_requeued_and_the_one_in_flight_is_uncertain(
    app,
):
    with app.app_context():
        factories.audience(db.session, 3)
        campaign_id = factories.campaign(db.session, due=True).id
    dispatch(app)
    with app.app_context():
        rows = list(db.session.scalars(select(Delivery).order_by(Delivery.id)))
        rows[0].status, rows[0].claimed_by = "sending", "crashed"
        rows[1].status, rows[1].claimed_by = "claimed", "crashed"
        db.session.commit()
        assert Sender(app, "crashed").start() == (1, 1)
    assert statuses(app, campaign_id) == {"uncertain": 1, "queued": 2}


@pytest.mark.parametrize(
    ("local", "utc"),
    [
        (datetime(2026, 3, 29, 1, 30), "2026-03-29T00:30:00+00:00"),
        (datetime(2026, 3, 29, 3, 30), "2026-03-29T01:30:00+00:00"),
        (datetime(2026, 10, 25, 2, 30), "2026-10-25T00:30:00+00:00"),
        (datetime(2026, 10, 25, 9, 0), "2026-10-25T08:00:00+00:00"),
    ],
)
def test_berlin_wall_clock_times_become_the_right_utc(local, utc):
    assert local_to_utc(local, "Europe/Berlin").isoformat() == utc


def test_a_time_the_clock_skips_is_refused_with_a_message(app):
    with (
        app.test_request_context(),
        pytest.raises(NonexistentTime, match="gibt es an diesem Tag nicht"),
    ):
        local_to_utc(datetime(2026, 3, 29, 2, 30), "Europe/Berlin")


@pytest.mark.slow
def test_dkim_signature_covers_both_unsubscribe_headers(app, smtp_server, tmp_path):
    import subprocess

    import dkim

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
        DKIM_KEY_PATH=str(key),
        DKIM_SELECTOR="bs2026",
        DKIM_DOMAIN="brueckenschlag.example",
    )
    with app.app_context():
        factories.audience(db.session, 1)
        factories.campaign(db.session, due=True)
    dispatch(app)
    run_sender(app)
    raw = smtp_server.handler.received[0].raw
    import base64

    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    assert dkim.verify(raw, dnsfunc=lambda name, timeout=5: record)
    signature = smtp_server.messages[0]["DKIM-Signature"]
    assert (
        "list-unsubscribe:list-unsubscribe-post" in signature.replace(" ", "").lower()
    )


def test_a_connection_dropped_before_the_message_was_complete_is_retried_with_the_same_message_id(  # noqa: E501
    app, smtp_server
):
    app.config["MAIL_RETRY_BACKOFF_SECONDS"] = 0
    with app.app_context():
        factories.audience(db.session, 3)
    dropped = []

    async def handle_RCPT(server, session, envelope, address, options):  # noqa: N802
        if address == "person1@example.org" and not dropped:
            dropped.append(address)
            server.transport.close()  # gone before the message was sent
            return "421 gone"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp_server.handler.handle_RCPT = handle_RCPT
    with app.app_context():
        campaign_id = factories.campaign(db.session, due=True).id
    dispatch(app)
    run_sender(app)
    run_sender(app)  # the retry (no backoff in tests)
    assert dropped
    assert len(smtp_server.to("person1@example.org")) == 1
    assert statuses(app, campaign_id) == {"sent": 3}


def test_a_connection_dropped_after_the_whole_message_is_listed_uncertain_not_resent(
    app, smtp_server
):
    """The server took the message and hung up before its answer: it may well have
    delivered it. Sending again would give the person a second copy."""
    app.config["MAIL_RETRY_BACKOFF_SECONDS"] = 0
    with app.app_context():
        factories.audience(db.session, 3)
    taken = []
    original = smtp_server.handler.handle_DATA

    async def handle_DATA(server, session, envelope):  # noqa: N802
        if envelope.rcpt_tos == ["person1@example.org"]:
            taken.append(envelope.original_content)  # as a relay would deliver it
            server.transport.close()  # the connection breaks before any reply
            return "421 gone"
        return await original(server, session, envelope)

    smtp_server.handler.handle_DATA = handle_DATA
    with app.app_context():
        campaign_id = factories.campaign(db.session, due=True).id
    dispatch(app)
    run_sender(app)
    run_sender(app)  # nothing is due again
    assert len(taken) == 1
    assert statuses(app, campaign_id) == {"sent": 2, "uncertain": 1}
    with app.app_context():
        row = db.session.scalar(select(Delivery).where(Delivery.status == "uncertain"))
        assert row.reason == "answer_lost"


def test_a_silent_senders_messages_are_taken_over_after_the_stale_time(
    app, smtp_server
):
    from datetime import timedelta

    from core.db import utcnow
    from newsletter.sending.models import SenderWorker

    with app.app_context():
        factories.audience(db.session, 3)
        campaign_id = factories.campaign(db.session, due=True).id
    dispatch(app)
    with app.app_context():
        rows = list(db.session.scalars(select(Delivery).order_by(Delivery.id)))
        rows[0].status, rows[0].claimed_by = "sending", "host:4711"
        rows[1].status, rows[1].claimed_by = "claimed", "host:4711"
        db.session.add(
            SenderWorker(
                name="host:4711", heartbeat_at=utcnow() - timedelta(minutes=10)
            )
        )
        db.session.commit()
    run_sender(app, name="host:4712")
    assert statuses(app, campaign_id) == {"uncertain": 1, "sent": 2}
    with app.app_context():
        assert db.session.get(SenderWorker, "host:4711") is None
