"""Bounces find their delivery: each message goes out with its own signed envelope
sender (VERP), so a report names its delivery even without the recipient or the
original headers; bounces of no standard form are read by flufl.bounce; spam
complaints (ARF) unsubscribe from every list. Applying a report twice has one
effect. The reports are modelled on what Exchange, qmail and feedback loops send."""

from email import message_from_string, policy
from pathlib import Path

from sqlalchemy import func, select

from core.db import db
from newsletter.audience.models import ConsentEvent, Subscriber, Subscription
from newsletter.sending.bounces import apply_messages
from newsletter.sending.models import Delivery
from newsletter.sending.outbox import dispatch_due
from newsletter.sending.sender import Sender
from newsletter.sending.verp import verp_address
from tests import factories

FIXTURES = Path(__file__).resolve().parents[2] / "data" / "bounces"


def sent(app, smtp_server, count=2) -> dict[str, dict]:
    """Send an issue to `count` people; per address its delivery and envelope."""
    with app.app_context():
        factories.audience(db.session, count)
    factories.made_in(app, factories.campaign, due=True)
    with app.app_context():
        dispatch_due(db.session)
        Sender(app, "verp-test").run(budget_seconds=30)
        rows = db.session.execute(
            select(Subscriber.email, Delivery.id, Delivery.message_id).join(
                Delivery, Delivery.subscriber_id == Subscriber.id
            )
        ).all()
    envelopes = {
        r.envelope_to[0]: r.envelope_from for r in smtp_server.handler.received
    }
    return {
        email: {
            "delivery": delivery,
            "message_id": message_id,
            "verp": envelopes[email],
        }
        for email, delivery, message_id in rows
    }


def fixture(name: str, **values: object):
    text = (FIXTURES / name).read_text()
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return message_from_string(text, policy=policy.default)


def apply(app, message) -> list[str]:
    with app.app_context():
        results = apply_messages(db.session, [message])
        db.session.commit()
        return [result for _report, result in results]


def people(app) -> dict[str, str]:
    with app.app_context():
        return {s.email: s.status for s in db.session.scalars(select(Subscriber))}


def test_each_message_goes_out_with_its_own_signed_envelope_sender(app, smtp_server):
    mails = sent(app, smtp_server)
    key = app.config["SECRET_KEY"]
    for mail in mails.values():
        base = "newsletter-do@brueckenschlag.example"
        assert mail["verp"] == verp_address(base, mail["delivery"], key)
        assert mail["verp"].startswith(f"newsletter-do+d{mail['delivery']}-")
    assert len({mail["verp"] for mail in mails.values()}) == 2


def test_a_dsn_without_recipient_or_headers_finds_its_delivery_by_verp(
    app, smtp_server
):
    mails = sent(app, smtp_server)
    # Forwarded to another mailbox that bounced: neither our address nor our
    # headers are in the report, only the envelope it came back to.
    report = fixture(
        "exchange_forwarded_dsn.eml", verp=mails["person0@example.org"]["verp"]
    )
    assert apply(app, report) == ["hard bounce: address suppressed"]
    assert apply(app, report) == ["hard bounce: address suppressed"]  # no new effect
    assert people(app) == {
        "person0@example.org": "bounced",
        "person1@example.org": "active",
    }


def test_a_forged_verp_address_names_no_delivery(app, smtp_server):
    mails = sent(app, smtp_server)
    verp = mails["person0@example.org"]["verp"]
    other = mails["person1@example.org"]["delivery"]
    forged = verp.replace(
        f"+d{mails['person0@example.org']['delivery']}-", f"+d{other}-"
    )
    assert apply(app, fixture("exchange_forwarded_dsn.eml", verp=forged)) == [
        "unknown delivery"
    ]
    assert set(people(app).values()) == {"active"}


def test_a_qmail_bounce_is_read_by_flufl_bounce(app, smtp_server):
    mails = sent(app, smtp_server)
    report = fixture(
        "qmail_bounce.eml",
        verp=mails["person1@example.org"]["verp"],
        recipient="person1@example.org",
    )
    assert apply(app, report) == ["hard bounce: address suppressed"]
    assert people(app)["person1@example.org"] == "bounced"


def test_a_spam_complaint_unsubscribes_from_every_list_once(app, smtp_server):
    mails = sent(app, smtp_server)
    mine = mails["person0@example.org"]
    report = fixture(
        "arf_abuse.eml",
        verp=mine["verp"],
        return_path=mine["verp"],
        rcpt="person0@example.org",
        message_id=mine["message_id"],
        delivery=mine["delivery"],
    )
    assert apply(app, report) == ["complaint: unsubscribed from every list"]
    assert apply(app, report) == ["complaint (already unsubscribed)"]
    assert people(app) == {
        "person0@example.org": "unsubscribed",
        "person1@example.org": "active",
    }
    with app.app_context():
        person = db.session.scalar(
            select(Subscriber).where(Subscriber.email == "person0@example.org")
        )
        assert {
            s.status
            for s in db.session.scalars(
                select(Subscription).where(Subscription.subscriber_id == person.id)
            )
        } == {"unsubscribed"}
        withdrawn = db.session.scalar(
            select(func.count()).where(
                ConsentEvent.subscriber_id == person.id,
                ConsentEvent.kind == "withdrawn",
                ConsentEvent.source == "complaint",
            )
        )
        assert withdrawn == 1


def test_a_redacted_complaint_is_matched_by_the_message_id_only(app, smtp_server):
    mails = sent(app, smtp_server)
    mine = mails["person1@example.org"]
    redacted = fixture(
        "arf_abuse.eml",
        verp="redacted@mailprovider.example",
        return_path="redacted@mailprovider.example",
        rcpt="redacted@mailprovider.example",
        message_id=mine["message_id"],
        delivery="",
    )
    assert apply(app, redacted) == ["complaint: unsubscribed from every list"]
    guessed = fixture(
        "arf_abuse.eml",
        verp="x@example.org",
        return_path="x@example.org",
        rcpt="x@example.org",
        message_id="<guess@example.org>",
        delivery=mails["person0@example.org"]["delivery"],
    )
    assert apply(app, guessed) == ["recipient does not match"]
    assert people(app)["person0@example.org"] == "active"
