"""Bounces that arrive later as DSNs (RFC 3464), read by `flask bounces import` from a
file or by the worker from the IMAP bounce mailbox."""

import mailbox
from email import message_from_string, policy

import pytest
from sqlalchemy import select

from core.app import create_app
from core.config import ConfigError
from core.db import db
from core.registry import registry
from newsletter.audience.models import Subscriber
from newsletter.sending.jobs import poll_bounce_inbox
from newsletter.sending.models import BounceMailbox, Delivery
from newsletter.sending.outbox import dispatch_due
from newsletter.sending.sender import Sender
from tests import factories
from tests.conftest import app_settings
from tests.fixtures.imap import IMAPServer


@pytest.fixture
def imap_server():
    server = IMAPServer()
    server.start()
    yield server
    server.stop()


def dsn(headers: str, recipient: str, status: str, action: str = "failed"):
    """A bounce as Postfix writes it: report, status per recipient, returned headers."""
    return message_from_string(
        f"""From: MAILER-DAEMON@relay.example
To: newsletter@example.org
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

This is the mail system at host relay.example.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.example

Final-Recipient: rfc822; {recipient}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; 550 {status} rejected

--B
Content-Type: text/rfc822-headers

{headers}
--B--
""",
        policy=policy.default,
    )


def sent_mails(app, smtp_server, count=3):
    with app.app_context():
        factories.audience(db.session, count)
        factories.campaign(db.session, due=True)
    with app.app_context():
        dispatch_due(db.session)
        Sender(app, "bounce-test").run(budget_seconds=30)
    return {
        r.envelope_to[0]: r.raw.split(b"\r\n\r\n", 1)[0]
        .decode("ascii")
        .replace("\r", "")
        for r in smtp_server.handler.received
    }


def test_hard_soft_and_policy_bounces_from_a_maildir(
    app, runner, smtp_server, tmp_path
):
    mails = sent_mails(app, smtp_server)
    box = mailbox.Maildir(tmp_path / "bounces", create=True)
    box.add(dsn(mails["person0@example.org"], "person0@example.org", "5.1.1"))
    box.add(
        dsn(mails["person1@example.org"], "person1@example.org", "4.4.1", "delayed")
    )
    box.add(dsn(mails["person2@example.org"], "person2@example.org", "5.7.1"))
    result = runner.invoke(args=["bounces", "import", str(tmp_path / "bounces")])
    assert result.exit_code == 0, result.output
    assert "hard bounce: address suppressed" in result.output
    with app.app_context():
        people = {s.email: s.status for s in db.session.scalars(select(Subscriber))}
        deliveries = {
            d.subscriber_id: d.status for d in db.session.scalars(select(Delivery))
        }
    assert people == {
        "person0@example.org": "bounced",
        "person1@example.org": "active",
        "person2@example.org": "active",
    }
    assert sorted(deliveries.values()) == ["bounced", "failed", "sent"]


def test_a_bounce_for_someone_else_changes_nothing(app, runner, smtp_server, tmp_path):
    mails = sent_mails(app, smtp_server, count=2)
    box = mailbox.mbox(tmp_path / "bounces.mbox")
    box.add(dsn(mails["person0@example.org"], "person1@example.org", "5.1.1"))
    box.close()
    result = runner.invoke(args=["bounces", "import", str(tmp_path / "bounces.mbox")])
    assert "recipient does not match" in result.output
    with app.app_context():
        assert set(db.session.scalars(select(Subscriber.status))) == {"active"}


@pytest.mark.slow
def test_the_worker_reads_the_imap_bounce_mailbox_once(app, smtp_server, imap_server):
    mails = sent_mails(app, smtp_server, count=2)
    unread_mail = imap_server.count("UNSEEN")  # ordinary mail somebody should answer
    hard = dsn(mails["person0@example.org"], "person0@example.org", "5.1.1")
    soft = dsn(mails["person1@example.org"], "person1@example.org", "4.4.1", "delayed")
    imap_server.deliver(hard.as_bytes())
    imap_server.deliver(soft.as_bytes())
    messages = imap_server.count()
    app.config["BOUNCE_IMAP_URL"] = imap_server.url
    with app.app_context():
        first = poll_bounce_inbox()
        again = poll_bounce_inbox()
        people = {s.email: s.status for s in db.session.scalars(select(Subscriber))}
    assert "1 hard bounce: address suppressed" in first
    assert "1 soft (ignored)" in first
    assert again == "no bounces"
    assert people == {
        "person0@example.org": "bounced",
        "person1@example.org": "active",
    }
    # The reports are marked seen; other mail stays unread, nothing is deleted.
    assert imap_server.count("UNSEEN") == unread_mail
    assert imap_server.count() == messages


@pytest.mark.slow
def test_a_bounce_somebody_already_opened_is_applied_all_the_same(
    app, smtp_server, imap_server
):
    mails = sent_mails(app, smtp_server, count=1)
    imap_server.deliver(
        dsn(mails["person0@example.org"], "person0@example.org", "5.1.1").as_bytes()
    )
    imap_server.mark_all_seen()  # a person looked into the mailbox first
    app.config["BOUNCE_IMAP_URL"] = imap_server.url
    with app.app_context():
        assert "1 hard bounce: address suppressed" in poll_bounce_inbox()
        assert db.session.scalar(select(Subscriber.status)) == "bounced"


@pytest.mark.slow
def test_a_renumbered_mailbox_is_read_again_from_the_start(
    app, smtp_server, imap_server
):
    """A new UIDVALIDITY (the mailbox was rebuilt) makes old UIDs meaningless: read
    everything again; applying a bounce twice changes nothing."""
    mails = sent_mails(app, smtp_server, count=1)
    imap_server.deliver(
        dsn(mails["person0@example.org"], "person0@example.org", "5.1.1").as_bytes()
    )
    app.config["BOUNCE_IMAP_URL"] = imap_server.url
    with app.app_context():
        poll_bounce_inbox()
        position = db.session.scalar(select(BounceMailbox))
        last_uid = position.last_uid
        position.uid_validity += 1  # as if the server had renumbered the mailbox
        db.session.commit()
        assert poll_bounce_inbox() != "no bounces"
        position = db.session.scalar(select(BounceMailbox))
        assert position.last_uid == last_uid
        assert db.session.scalar(select(Subscriber.status)) == "bounced"


def test_the_poll_job_runs_only_when_a_bounce_mailbox_is_set(app, tmp_path):
    settings = app_settings(f"sqlite:///{tmp_path / 'x.sqlite'}")
    without = create_app(settings)
    with_box = create_app({**settings, "BOUNCE_IMAP_URL": "imaps://u:p@mail.example"})
    job_ids = [[job.id for job in registry(a).jobs] for a in (without, with_box)]
    assert "newsletter.poll_bounce_inbox" not in job_ids[0]
    assert "newsletter.poll_bounce_inbox" in job_ids[1]
    with pytest.raises(ConfigError, match="BOUNCE_IMAP_URL") as error:
        create_app({**settings, "BOUNCE_IMAP_URL": "pop3://u:secret@mail.example"})
    assert "secret" not in str(error.value)


@pytest.mark.slow
def test_a_wrong_mailbox_password_is_reported_in_one_line(app, runner, imap_server):
    app.config["BOUNCE_IMAP_URL"] = imap_server.url.replace("demopass", "wrong")
    result = runner.invoke(args=["bounces", "poll"])
    assert result.exit_code != 0
    assert "BOUNCE_IMAP_URL" in result.output
    assert "wrong" not in result.output
    assert "Traceback" not in result.output
