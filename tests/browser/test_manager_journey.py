"""A regional manager's journey in Chromium, end to end: from the start page to a
new issue, composed in the one-form editor beside its live preview, checked,
confirmed with the exact recipients, sent, and shown as sent."""

import pytest
from playwright.sync_api import expect

from core.db import db
from core.models import Role
from newsletter.sending.outbox import dispatch_due
from newsletter.sending.sender import Sender
from tests import factories
from tests.browser.conftest import screenshot
from tests.http import PASSWORD

pytestmark = pytest.mark.browser


def test_a_manager_composes_checks_confirms_and_sends(
    app, live_server, page, make_user, smtp_server
):
    with app.app_context():
        factories.audience(db.session, 4, region="suedwestfalen")
    manager = make_user(Role.MANAGER, "suedwestfalen")
    page.goto(f"{live_server}/login")
    page.get_by_label("E-Mail-Adresse").fill(manager.email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    screenshot(page, "journey-manager-1-start")

    page.get_by_role("button", name="Neue Ausgabe").click()
    page.get_by_label("Interner Titel").fill("Dezember 2026")
    page.get_by_label("Betreff (Deutsch)").fill(
        "{{ greeting }}, Neues aus {{ region }}"
    )
    page.get_by_label("Newsletter Südwestfalen").check()
    page.get_by_label("Baustein hinzufügen:").select_option(label="Text")
    page.get_by_role("button", name="Hinzufügen").click()
    page.locator("li.block textarea").fill(
        "{{ greeting }},\n\ndas **Transferbüro** hat [Sprechstunden](https://example.org/tb)."
    )
    page.get_by_label("Baustein hinzufügen:").select_option(label="Überschrift")
    page.get_by_role("button", name="Hinzufügen").click()
    page.get_by_label("Überschrift *").fill("Transfer im Dezember")
    # The editor's script moves blocks once the page has loaded; pressed before
    # that, the button does what it does without JavaScript (save and reload).
    page.wait_for_load_state("load")
    up = page.get_by_role("button", name="Nach oben: Überschrift")
    up.focus()
    page.keyboard.press("Enter")  # the heading goes first, by keyboard
    page.locator("#autosave-status").get_by_text("Gespeichert um").wait_for()
    preview = page.frame_locator("#live-preview")
    preview.get_by_text("Transfer im Dezember").wait_for()
    assert page.title().startswith("Dezember 2026")
    screenshot(page, "journey-manager-2-editor")

    page.get_by_role("link", name="Vorschau und Test").click()
    expect(page.get_by_role("heading", name="Dezember 2026")).to_be_visible()
    screenshot(page, "journey-manager-3-preview")

    page.get_by_role("link", name="Versand").click()
    expect(page.get_by_role("cell", name="Newsletter Südwestfalen")).to_be_visible()
    page.get_by_role("button", name="Jetzt senden …").click()
    expect(
        page.get_by_role("heading", name="Jetzt an 4 Empfänger senden?")
    ).to_be_visible()
    screenshot(page, "journey-manager-4-confirm")
    page.get_by_role("button", name="Ja, jetzt an 4 Empfänger senden").click()
    expect(page.locator("#campaign-status")).to_have_text("wird versendet")
    with app.app_context():  # what the worker does
        dispatch_due(db.session)
        Sender(app, "journey").run(budget_seconds=30)
    page.locator("#campaign-status").get_by_text("versendet", exact=True).wait_for()
    expect(page.locator('[data-key="sent"]')).to_have_text("4")
    screenshot(page, "journey-manager-5-sent")
    assert len(smtp_server.messages) == 4
    assert smtp_server.to("person0@example.org")[0]["Subject"] == (
        "Hallo Person 0, Neues aus Südwestfalen"
    )

    page.goto(f"{live_server}/archiv/suedwestfalen")
    expect(
        page.get_by_role("link", name="Guten Tag, Neues aus Südwestfalen")
    ).to_be_visible()
