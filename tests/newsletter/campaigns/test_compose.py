"""Composing an issue: rendered mails are stable and safe, the checklist catches
mistakes, pictures are checked, and a test send arrives as a subscriber would get it."""

import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image as PILImage
from sqlalchemy import select

from core.db import db
from core.models import Role
from newsletter.campaigns.checklist import checklist
from newsletter.campaigns.models import Campaign, Image
from newsletter.campaigns.rendering import (
    compile_campaign,
    personal_values,
    personalise,
)
from tests import factories
from tests.factories import every_block
from tests.fixtures.smtp import html_of, text_of
from tests.form_filling import submit
from tests.http import csrf_token

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
LINKS = {
    "unsubscribe_url": "https://x.example/abmelden/T",
    "preferences_url": "https://x.example/einstellungen/T",
    "web_url": "https://x.example/ausgabe/1",
}


def rendered(app, campaign_id, name="Anna Becker"):
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        values = {**personal_values(name, "Becker GmbH", "Südwestfalen", "de"), **LINKS}
        return personalise(compile_campaign(campaign, "de"), values)


def matches_snapshot(name: str, content: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS") or not path.exists():
        path.write_text(content, encoding="utf-8")
    assert content == path.read_text(encoding="utf-8"), (
        f"{name} changed; UPDATE_SNAPSHOTS=1"
    )


def test_every_block_type_renders_as_in_the_snapshot(app):
    campaign_id = factories.made_in(app, factories.campaign, region="suedwestfalen")
    subject, html, text = rendered(app, campaign_id)
    assert subject == "Brückenschlag März: Anna, das ist neu"
    matches_snapshot("every_block.html", html)
    matches_snapshot("every_block.txt", text)
    assert "Hallo Anna Becker" in text
    assert "Transfertag" in html
    assert "https://x.example/abmelden/T" in html
    assert "Musterstraße 1" in text  # the agency's imprint


def test_unknown_name_gets_a_polite_greeting(app):
    _subject, _html, text = rendered(
        app, factories.made_in(app, factories.campaign, region="suedwestfalen"), name=""
    )
    assert "Guten Tag," in text


def test_scripts_and_event_handlers_never_reach_the_mail(app):
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    blocks = every_block()
    for block in blocks:
        for key in list(block):
            if key not in ("id", "type", "image"):
                block[key] = evil + " javascript:alert(3)"
    blocks.append(
        {"id": "b8", "type": "button", "label": "x", "url": "javascript:alert(4)"}
    )
    blocks.append({"id": "b9", "type": "text", "body": "[klick](javascript:alert(5))"})
    _s, html, _text = rendered(
        app,
        factories.made_in(
            app, factories.campaign, region="suedwestfalen", blocks=blocks
        ),
    )
    elements = parsed_elements(html)
    assert "script" not in [tag for tag, _attrs in elements]
    for tag, attrs in elements:
        assert not [name for name, _v in attrs if name.startswith("on")], tag
        for name, value in attrs:
            assert not (value or "").strip().lower().startswith("javascript:"), (
                tag,
                name,
            )
    assert "alert(4)" not in html  # the unsafe button is not rendered at all


def parsed_elements(html: str) -> list[tuple[str, list]]:
    """Every element of the document, as a browser's parser sees it."""
    from html.parser import HTMLParser

    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


def test_checklist_catches_unknown_placeholders_alt_texts_and_links(app):
    blocks = every_block()
    blocks[1]["body"] = "Hallo {{ vorname }}"
    blocks[2]["alt"] = ""
    blocks[3]["url"] = "ftp://example.org"
    with app.app_context():
        campaign = db.session.get(
            Campaign,
            factories.made_in(
                app, factories.campaign, region="suedwestfalen", blocks=blocks
            ),
        )
        findings = [message for _severity, message in checklist(campaign)]
    assert any("{{ vorname }}" in f for f in findings)
    assert any("Alternativtext" in f for f in findings)
    assert any("ftp://example.org" in f for f in findings)
    assert any("keine englische Fassung" in f for f in findings)


def png_bytes(width=2400, height=1200) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (11, 93, 80)).save(buffer, "PNG")
    return buffer.getvalue()


def block_form(client, campaign_id, block_id, **fields):
    """Save the editor with these fields of one block changed."""
    return submit(
        client,
        f"/campaigns/{campaign_id}?lang=de",
        "editor",
        "save",
        {f"b-{block_id}-{name}": value for name, value in fields.items()},
    )


def test_pictures_are_resized_and_non_pictures_refused(app, client, login_as):
    login_as(Role.MANAGER, "suedwestfalen")
    campaign_id = factories.made_in(app, factories.campaign, region="suedwestfalen")
    refused = block_form(
        client,
        campaign_id,
        "b3",
        alt="x",
        image=(io.BytesIO(b"MZ not a picture"), "virus.png"),
    )
    assert "Diese Datei ist kein Bild" in refused.get_data(as_text=True)
    ok = block_form(
        client,
        campaign_id,
        "b3",
        alt="Grüne Fläche",
        image=(io.BytesIO(png_bytes()), "gruen.png"),
    )
    assert "Gespeichert." in ok.get_data(as_text=True)
    with app.app_context():
        image = db.session.scalar(select(Image))
        assert (image.width, image.height) == (1200, 600)
    for viewer in (client, app.test_client()):  # the manager, and any mail client
        with viewer.get(f"/media/{image.filename}") as response:
            assert response.status_code == 200
            assert response.mimetype == "image/png"


def test_test_send_arrives_like_a_subscribers_mail(app, client, login_as, smtp_server):
    login_as(Role.MANAGER, "suedwestfalen")
    campaign_id = factories.made_in(app, factories.campaign, region="suedwestfalen")
    page = client.get(f"/campaigns/{campaign_id}/preview").get_data(as_text=True)
    assert "HTML-Größe" in page
    response = client.post(
        f"/campaigns/{campaign_id}/test",
        data={
            "csrf_token": csrf_token(page),
            "addresses": "a@example.org; b@example.org",
            "language": "de",
        },
        follow_redirects=True,
    )
    assert "Test gesendet an a@example.org, b@example.org" in response.get_data(
        as_text=True
    )
    [mail] = smtp_server.to("a@example.org")
    assert mail["Subject"] == "[Test] Brückenschlag März: Erika, das ist neu"
    assert mail.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in mail.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/testlink" in mail["List-Unsubscribe"]
    for header in ("From", "To", "Subject", "Date", "Message-ID"):
        assert len(mail.get_all(header)) == 1
    assert "/testlink" in text_of(mail)
    assert "Werkhalle in Olpe" in html_of(mail)


def test_bad_test_addresses_get_a_clear_message(app, client, login_as, smtp_server):
    login_as(Role.MANAGER, "suedwestfalen")
    campaign_id = factories.made_in(app, factories.campaign, region="suedwestfalen")
    page = client.get(f"/campaigns/{campaign_id}/preview").get_data(as_text=True)
    response = client.post(
        f"/campaigns/{campaign_id}/test",
        data={
            "csrf_token": csrf_token(page),
            "addresses": "kaputt",
            "language": "de",
        },
        follow_redirects=True,
    )
    assert "„kaputt“ ist keine gültige E-Mail-Adresse." in response.get_data(
        as_text=True
    )
    assert smtp_server.messages == []


def test_web_version_and_archive_show_only_sent_issues(app, client):
    draft = factories.made_in(app, factories.campaign, region="suedwestfalen")
    assert client.get(f"/ausgabe/{draft}").status_code == 404
    with app.app_context():
        from core.db import utcnow

        campaign = db.session.get(Campaign, draft)
        campaign.status, campaign.sent_at = "sent", utcnow()
        db.session.commit()
    web = client.get(f"/ausgabe/{draft}").get_data(as_text=True)
    assert "Guten Tag" in web  # no personal data in the public version
    assert "/abmelden/" not in web
    archive = client.get("/archiv/suedwestfalen").get_data(as_text=True)
    assert "Brückenschlag März" in archive
    assert "Brückenschlag März" not in client.get("/archiv/dortmund").get_data(
        as_text=True
    )


def test_manager_of_another_region_cannot_open_the_issue(app, client, login_as):
    campaign_id = factories.made_in(app, factories.campaign, region="suedwestfalen")
    login_as(Role.MANAGER, "dortmund")
    assert client.get(f"/campaigns/{campaign_id}").status_code == 404
    assert client.get(f"/campaigns/{campaign_id}/preview").status_code == 404


@pytest.mark.parametrize("action", ["up", "down", "delete"])
def test_blocks_are_reordered_and_removed(app, client, login_as, action):
    login_as(Role.MANAGER, "suedwestfalen")
    campaign_id = factories.made_in(app, factories.campaign, region="suedwestfalen")
    submit(client, f"/campaigns/{campaign_id}?lang=de", "editor", f"{action}:b2")
    with app.app_context():
        order = [b["id"] for b in db.session.get(Campaign, campaign_id).blocks["de"]]
    expected = {"up": ["b2", "b1"], "down": ["b1", "b3", "b2"], "delete": ["b1", "b3"]}[
        action
    ]
    assert order[: len(expected)] == expected
    assert re.search("b2", "".join(order)) is not None or action == "delete"
