"""Handing one message to a real SMTP server: what arrives is exactly what was sent,
and the message waits until the caller is ready."""

import smtplib

import pytest
from aiosmtpd.controller import Controller

from core.devmail import free_port
from core.mail import send_when_ready
from tests.fixtures.smtp import RecordingHandler, SMTPServer

TRICKY = (
    b"From: a@example.org\r\nTo: b@example.org\r\nSubject: dots\r\n\r\n"
    b".starts with a dot\r\n..two dots\r\n.\r\nmiddle . dot\r\nno final line end"
)


@pytest.fixture
def smtp(smtp_server: SMTPServer):
    host, port = smtp_server.url.removeprefix("smtp://").split(":")
    client = smtplib.SMTP(host, int(port))
    yield client
    client.quit()


def test_lines_with_leading_dots_arrive_unchanged(smtp, smtp_server):
    calls = []
    send_when_ready(
        smtp, "a@example.org", "b@example.org", TRICKY, lambda: calls.append(1)
    )
    (received,) = smtp_server.handler.received
    assert received.raw.rstrip(b"\r\n") == TRICKY
    assert received.envelope_from == "a@example.org"
    assert received.envelope_to == ["b@example.org"]
    assert calls == [1]


def test_nothing_is_sent_when_the_caller_is_not_ready(smtp, smtp_server):
    def not_ready() -> None:
        raise RuntimeError("the record did not commit")

    with pytest.raises(RuntimeError):
        send_when_ready(smtp, "a@example.org", "b@example.org", TRICKY, not_ready)
    assert smtp_server.handler.received == []


def test_an_address_with_a_line_break_is_refused_before_anything_is_sent(
    smtp, smtp_server
):
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send_when_ready(
            smtp, "a@example.org", "b@example.org\r\nRCPT TO:<c@x>", TRICKY, list
        )
    assert smtp_server.handler.received == []


def test_an_address_with_umlauts_goes_out_where_the_relay_speaks_smtputf8(
    smtp, smtp_server
):
    send_when_ready(smtp, "a@example.org", "jürgen@example.org", TRICKY, list)
    (received,) = smtp_server.handler.received
    assert received.envelope_to == ["jürgen@example.org"]


def test_without_smtputf8_only_that_recipient_fails_and_the_connection_stays_usable():
    handler = RecordingHandler()
    controller = Controller(
        handler, hostname="127.0.0.1", port=free_port(), enable_SMTPUTF8=False
    )
    controller.start()
    try:
        client = smtplib.SMTP("127.0.0.1", controller.port)
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            send_when_ready(client, "a@example.org", "jürgen@example.org", TRICKY, list)
        ((code, reply),) = refused.value.recipients.values()
        assert code == 553
        assert reply.startswith(b"5.6.7")
        send_when_ready(client, "a@example.org", "b@example.org", TRICKY, list)
        client.quit()
    finally:
        controller.stop()
    assert [r.envelope_to for r in handler.received] == [["b@example.org"]]


class PipeliningHandler(RecordingHandler):
    """A relay that offers PIPELINING (as Postfix does) and knows no `nobody@`."""

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802, ANN001, ANN201
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802, ANN001, ANN201
        if address.startswith("nobody@"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def pipelining():
    handler = PipeliningHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    client = smtplib.SMTP("127.0.0.1", controller.port)
    client.ehlo()
    assert client.has_extn("pipelining")
    yield client, handler
    client.close()
    controller.stop()


def test_a_pipelining_relay_gets_the_envelope_in_one_go_and_refusals_still_count(
    pipelining,
):
    client, handler = pipelining
    send_when_ready(client, "a@example.org", "b@example.org", TRICKY, list)
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send_when_ready(client, "a@example.org", "nobody@example.org", TRICKY, list)
    send_when_ready(client, "a@example.org", "c@example.org", TRICKY, list)
    assert [r.envelope_to for r in handler.received] == [
        ["b@example.org"],
        ["c@example.org"],
    ]
    assert all(r.raw.rstrip(b"\r\n") == TRICKY for r in handler.received)


def test_a_pipelining_relay_gets_no_message_when_the_caller_is_not_ready(pipelining):
    client, handler = pipelining

    def not_ready() -> None:
        raise RuntimeError("the record did not commit")

    with pytest.raises(RuntimeError):
        send_when_ready(client, "a@example.org", "b@example.org", TRICKY, not_ready)
    assert handler.received == []


def test_a_long_sender_name_with_umlauts_decodes_as_written(smtp_server):
    from core.devmail import header_as_read
    from core.mail import build_message, mailbox, send_one

    # Folding splits a long encoded name wherever the line ends: try every end.
    full = "Brückenschlag Südwestfalen – Wirtschaftsförderung für Märkte und Städte"
    names = sorted({full[:length].strip() for length in range(30, len(full) + 1)})
    for number, name in enumerate(names):
        send_one(
            smtp_server.url,
            build_message(
                sender=mailbox(name, "noreply@bruecke.example"),
                to=f"greta{number}@example.org",
                subject=f"{name}: Bestätigen Sie Ihre Anmeldung",
                text="Hallo",
            ),
        )

    for number, name in enumerate(names):
        [arrived] = smtp_server.arrived(f"greta{number}@example.org")
        assert header_as_read(arrived, "From") == f"{name} <noreply@bruecke.example>"
        assert str(arrived["Subject"]) == f"{name}: Bestätigen Sie Ihre Anmeldung"
