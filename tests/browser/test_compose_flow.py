"""A manager composes an issue in Chromium, previews it and sends a test that arrives
at a real SMTP server."""

import pytest
from playwright.sync_api import expect

from core.models import Role
from tests import factories
from tests.browser.conftest import screenshot
from tests.fixtures.smtp import html_of, text_of
from tests.http import PASSWORD

pytestmark = pytest.mark.browser


def test_compose_preview_and_test_send(live_server, page, make_user, smtp_server):
    manager = make_user(Role.MANAGER, "dortmund")
    page.goto(f"{live_server}/login")
    page.get_by_label("E-Mail-Adresse").fill(manager.email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()

    page.get_by_role("link", name="Ausgaben", exact=True).click()
    page.get_by_role("button", name="Neue Ausgabe").click()
    page.get_by_label("Betreff (Deutsch)").fill("Dortmund im April")
    page.get_by_label("Newsletter Dortmund").check()
    page.get_by_role("button", name="Speichern", exact=True).click()
    expect(page.get_by_text("Gespeichert.", exact=True)).to_be_visible()
    page.get_by_label("Baustein hinzufügen:").select_option(label="Text")
    page.get_by_role("button", name="Hinzufügen").click()
    page.locator("li.block textarea").fill(
        "{{ greeting }},\n\n**Neu:** das Transferbüro."
    )
    page.get_by_label("Baustein hinzufügen:").select_option(label="Schaltfläche")
    page.get_by_role("button", name="Hinzufügen").click()
    page.locator("li.block").nth(1).get_by_label("Beschriftung").fill("Termin buchen")
    page.locator("li.block").nth(1).get_by_label("Link").fill(
        "https://example.org/termin"
    )
    page.get_by_role("button", name="Speichern", exact=True).click()
    screenshot(page, "compose-edit")

    page.get_by_role("link", name="Vorschau und Test").click()
    preview = page.frame_locator("iframe.preview-desktop")
    expect(preview.get_by_text("Termin buchen")).to_be_visible()
    expect(page.get_by_text("Es gibt keine englische Fassung")).to_be_visible()
    screenshot(page, "compose-preview")

    page.get_by_label("Test senden an").fill("chefin@example.org")
    page.get_by_role("button", name="Test senden").click()
    expect(page.get_by_text("Test gesendet an chefin@example.org.")).to_be_visible()
    [mail] = smtp_server.to("chefin@example.org")
    assert mail["Subject"] == "[Test] Dortmund im April"
    assert "Hallo Erika Mustermann" in text_of(mail)
    assert "https://example.org/termin" in html_of(mail)


def test_send_now_and_watch_progress(app, live_server, page, make_user, smtp_server):
    from core.db import db
    from newsletter.sending.outbox import dispatch_due
    from newsletter.sending.sender import Sender

    with app.app_context():
        factories.audience(db.session, 3)
        campaign_id = factories.campaign(db.session).id
    manager = make_user(Role.MANAGER, "dortmund")
    page.goto(f"{live_server}/login")
    page.get_by_label("E-Mail-Adresse").fill(manager.email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.goto(f"{live_server}/campaigns/{campaign_id}/send")
    expect(page.get_by_role("cell", name="Newsletter Dortmund")).to_be_visible()
    page.get_by_role("button", name="Jetzt senden …").click()
    # One click sends nothing: the exact recipients first, then a confirmation.
    expect(
        page.get_by_role("heading", name="Jetzt an 3 Empfänger senden?")
    ).to_be_visible()
    screenshot(page, "campaign-confirm-send")
    page.get_by_role("button", name="Ja, jetzt an 3 Empfänger senden").click()
    expect(page.get_by_text("Der Versand beginnt in wenigen Sekunden.")).to_be_visible()
    expect(page.locator("#campaign-status")).to_have_text("wird versendet")
    with app.app_context():  # what the worker's jobs do
        dispatch_due(db.session)
        Sender(app, "browser-test").run(budget_seconds=30)
    # No reload by hand: the page polls and reloads itself on the new state (a
    # reload of ours could cut into that one).
    expect(page.locator("#campaign-status")).to_have_text("versendet", timeout=15_000)
    expect(page.locator('[data-key="sent"]')).to_have_text("3")
    screenshot(page, "campaign-sent")
    assert len(smtp_server.messages) == 3
