"""System mails are durable: the confirmation mail goes through a queue with retry
(a relay answering 451 at sign-up no longer shows a 503 page and loses the mail), and
is DKIM-signed when a key is set."""

import base64
import subprocess

import dkim
from aiosmtpd.smtp import Envelope
from sqlalchemy import select

from core.db import db
from newsletter.audience.jobs import send_system_mails
from newsletter.audience.models import ConsentEvent, Subscriber, SystemMail
from tests import factories
from tests.fixtures.smtp import link_in
from tests.http import sign_up as sign_up_over_http

EMAIL = "greylisted@example.org"


def list_id(app, slug: str) -> int:
    with app.app_context():
        return factories.find_list(db.session, slug).id


def answer_first_mails_with(smtp_server, replies: list[str]) -> None:
    async def handle_RCPT(server, session, envelope: Envelope, address, options):  # noqa: N802
        if replies:
            return replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp_server.handler.handle_RCPT = handle_RCPT


def state(app):
    with app.app_context():
        person = db.session.scalar(select(Subscriber).where(Subscriber.email == EMAIL))
        mail = db.session.scalar(select(SystemMail))
        kinds = list(
            db.session.scalars(
                select(ConsentEvent.kind)
                .where(ConsentEvent.subscriber_id == person.id)
                .order_by(ConsentEvent.id)
            )
        )
        return person.status, (mail.status, mail.attempts), kinds


def run_job(app):
    with app.app_context():
        return send_system_mails()


def test_a_greylisting_relay_at_sign_up_delays_the_mail_but_loses_nothing(
    app, client, smtp_server
):
    app.config["MAIL_RETRY_BACKOFF_SECONDS"] = 0
    answer_first_mails_with(smtp_server, ["451 4.7.1 Greylisted, try again later"])
    response = sign_up_over_http(
        client, "dortmund", EMAIL, [list_id(app, "newsletter-dortmund")]
    )
    assert response.status_code == 302  # "check your inbox", not a 503
    assert response.headers["Location"].endswith("/anmelden/dortmund/danke")
    assert smtp_server.to(EMAIL) == []
    assert state(app) == ("pending", ("queued", 1), ["signup"])

    assert run_job(app) == 1
    [mail] = smtp_server.to(EMAIL)
    assert link_in(mail, "/bestaetigen/")
    assert state(app) == ("pending", ("sent", 2), ["signup", "confirmation_sent"])
    assert run_job(app) == 0  # sent once


def test_a_refused_address_is_not_tried_again(app, client, smtp_server):
    app.config["MAIL_RETRY_BACKOFF_SECONDS"] = 0
    answer_first_mails_with(smtp_server, ["550 5.1.1 No such user"])
    sign_up_over_http(client, "dortmund", EMAIL, [list_id(app, "newsletter-dortmund")])
    assert state(app) == ("pending", ("failed", 1), ["signup"])
    assert run_job(app) == 0
    assert smtp_server.to(EMAIL) == []


def test_signing_up_again_while_the_mail_waits_queues_no_second_one(
    app, client, smtp_server
):
    answer_first_mails_with(smtp_server, ["451 4.7.1 Greylisted"])
    for _ in range(2):
        sign_up_over_http(
            client, "dortmund", EMAIL, [list_id(app, "newsletter-dortmund")]
        )
    with app.app_context():
        assert len(db.session.scalars(select(SystemMail)).all()) == 1


def test_the_confirmation_mail_is_dkim_signed_when_a_key_is_set(
    app, client, smtp_server, tmp_path
):
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
    sign_up_over_http(client, "dortmund", EMAIL, [list_id(app, "newsletter-dortmund")])
    [received] = smtp_server.handler.received
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    assert dkim.verify(received.raw, dnsfunc=lambda name, timeout=5: record)
