"""The dev mailbox shows what the local SMTP sink received: headers, text and HTML."""

import re
from pathlib import Path

from core.devmail import start_sink
from core.mail import build_message, send_one
from core.models import Role


def deliver(app, **mail: str) -> None:
    """Send one message over SMTP to the dev mailbox's sink, as the app's mail does."""
    sink = start_sink(Path(app.config["DEV_MAILBOX_DIR"]), port=0)
    try:
        send_one(f"smtp://127.0.0.1:{sink.port}", build_message(**mail))
    finally:
        sink.stop()


def test_a_sent_message_appears_in_the_dev_mailbox(app, client, login_as, tmp_path):
    login_as(Role.MANAGER, "dortmund")
    deliver(
        app,
        sender=(
            "Brückenschlag Südwestfalen – Wirtschaftsförderung für Märkte "
            "<newsletter@brueckenschlag.example>"
        ),
        to="anna@example.org",
        subject="Grüße aus Olpe",
        text="Hallo Anna, schöne Grüße.",
        html="<p>Hallo <b>Anna</b>, schöne Grüße.</p>",
    )
    index = client.get("/dev/mailbox/").get_data(as_text=True)
    assert "Grüße aus Olpe" in index
    # Folded inside a word, the name still reads as written.
    assert "Brückenschlag Südwestfalen – Wirtschaftsförderung für Märkte" in index
    key = re.search(r'href="/dev/mailbox/([^"/]+)"', index).group(1)
    page = client.get(f"/dev/mailbox/{key}").get_data(as_text=True)
    assert "Hallo Anna, schöne Grüße." in page
    assert "Message-ID" in page
    html = client.get(f"/dev/mailbox/{key}/html")
    assert "<b>Anna</b>" in html.get_data(as_text=True)
    assert "sandbox" in html.headers["Content-Security-Policy"]
    # The mailbox page frames it, so its own origin may.
    assert html.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in html.headers["Content-Security-Policy"]


def test_a_message_to_an_address_with_an_umlaut_can_be_read(
    app, client, login_as, tmp_path
):
    """Sent with SMTPUTF8, its headers are UTF-8 (RFC 6532), not escaped bytes."""
    login_as(Role.MANAGER, "dortmund")
    deliver(
        app,
        sender="Brückenschlag <newsletter@brueckenschlag.example>",
        to="david.krüger@example.org",
        subject="Hallo",
        text="Hallo David.",
        html="<p>Hallo David.</p>",
    )
    index = client.get("/dev/mailbox/").get_data(as_text=True)
    key = re.search(r'href="/dev/mailbox/([^"/]+)"', index).group(1)
    page = client.get(f"/dev/mailbox/{key}")
    assert page.status_code == 200
    assert "david.krüger@example.org" in page.get_data(as_text=True)
