"""Nothing typed in the issue editor is lost: not on another button, not when the page
is left (autosave, and a warning while something is unsaved); blocks move by
keyboard and by dragging."""

import pytest
from playwright.sync_api import expect

from core.db import db
from core.models import Role
from newsletter.campaigns.models import Campaign
from tests import factories
from tests.browser.conftest import screenshot
from tests.http import PASSWORD

pytestmark = pytest.mark.browser


def log_in(page, live_server, email):
    page.goto(f"{live_server}/login")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()


def blocks_of(app, campaign_id):
    with app.app_context():
        db.session.expire_all()
        return db.session.get(Campaign, campaign_id).blocks_for("de")


def three_blocks():
    return [
        {"id": "b1", "type": "heading", "text": "Eins"},
        {"id": "b2", "type": "heading", "text": "Zwei"},
        {"id": "b3", "type": "heading", "text": "Drei"},
    ]


def test_typed_text_survives_hinzufuegen(app, live_server, page, make_user):
    manager = make_user(Role.MANAGER, "suedwestfalen")
    campaign_id = factories.made_in(
        app, factories.campaign, region="suedwestfalen", blocks=[]
    )
    log_in(page, live_server, manager.email)
    page.goto(f"{live_server}/campaigns/{campaign_id}")
    page.get_by_label("Baustein hinzufügen:").select_option(label="Text")
    page.get_by_role("button", name="Hinzufügen").click()
    page.locator("li.block textarea").fill("Noch nicht gespeichert, trotzdem da.")
    page.get_by_label("Baustein hinzufügen:").select_option(label="Überschrift")
    page.get_by_role("button", name="Hinzufügen").click()
    assert (
        page.locator("li.block textarea").input_value()
        == "Noch nicht gespeichert, trotzdem da."
    )
    assert page.locator("li.block").count() == 2
    screenshot(page, "editor-after-add")


def test_autosave_keeps_the_draft_and_the_preview_follows(
    app, live_server, page, make_user
):
    manager = make_user(Role.MANAGER, "suedwestfalen")
    campaign_id = factories.made_in(app, factories.campaign, region="suedwestfalen")
    log_in(page, live_server, manager.email)
    page.goto(f"{live_server}/campaigns/{campaign_id}")
    page.get_by_label("Überschrift *").fill("Automatisch gesichert")
    status = page.locator("#autosave-status")
    status.get_by_text("Gespeichert um").wait_for()
    assert blocks_of(app, campaign_id)[0]["text"] == "Automatisch gesichert"
    preview = page.frame_locator("#live-preview")
    preview.get_by_text("Automatisch gesichert").wait_for()
    screenshot(page, "editor-autosaved")


def test_leaving_with_unsaved_changes_asks_first(app, live_server, page, make_user):
    manager = make_user(Role.MANAGER, "suedwestfalen")
    campaign_id = factories.made_in(app, factories.campaign, region="suedwestfalen")
    log_in(page, live_server, manager.email)
    page.goto(f"{live_server}/campaigns/{campaign_id}")
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.get_by_label("Überschrift *").fill("Gleich weg?")
    # Leave before the autosave's pause is over.
    page.get_by_role("link", name="Ausgaben", exact=True).click(no_wait_after=True)
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert "/campaigns/" in page.url


def test_blocks_move_by_keyboard_and_the_focus_stays(app, live_server, page, make_user):
    manager = make_user(Role.MANAGER, "suedwestfalen")
    campaign_id = factories.made_in(app, factories.campaign, region="suedwestfalen")
    log_in(page, live_server, manager.email)
    page.goto(f"{live_server}/campaigns/{campaign_id}")
    down = page.get_by_role("button", name="Nach unten: Überschrift")
    down.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Nach unten: Überschrift"
    )
    page.get_by_text("Verschoben an Position 2 von 7.").wait_for()
    page.locator("#autosave-status").get_by_text("Gespeichert um").wait_for()
    assert [b["id"] for b in blocks_of(app, campaign_id)][:2] == ["b2", "b1"]


def test_blocks_move_by_drag_and_drop(app, live_server, page, make_user):
    manager = make_user(Role.MANAGER, "suedwestfalen")
    campaign_id = factories.made_in(
        app, factories.campaign, region="suedwestfalen", blocks=three_blocks()
    )
    log_in(page, live_server, manager.email)
    page.goto(f"{live_server}/campaigns/{campaign_id}")
    page.locator("#block-b3 .drag-handle").drag_to(
        page.locator("#block-b1 .block-header")
    )
    page.locator("#autosave-status").get_by_text("Gespeichert um").wait_for()
    assert [b["id"] for b in blocks_of(app, campaign_id)] == ["b3", "b1", "b2"]
    expect(page.locator("li.block .block-number").first).to_have_text("1")
    screenshot(page, "editor-dragged")


def test_a_typed_question_survives_antwort_hinzufuegen(
    app, live_server, page, make_user
):
    manager = make_user(Role.MANAGER, "suedwestfalen")
    log_in(page, live_server, manager.email)
    page.goto(f"{live_server}/surveys")
    page.get_by_label("Titel").fill("Fachkräfte 2027")
    page.get_by_role("button", name="Umfrage anlegen").click()
    page.get_by_label("Frage hinzufügen:").select_option(label="Einfachauswahl")
    page.get_by_role("button", name="Hinzufügen").click()
    page.get_by_label("Frage (Deutsch) *").fill("Suchen Sie Fachkräfte?")
    page.get_by_label("Neue Antwort (Deutsch)").fill("Ja, dringend")
    page.get_by_role("button", name="Antwort hinzufügen").click()
    assert page.get_by_label("Frage (Deutsch) *").input_value() == (
        "Suchen Sie Fachkräfte?"
    )
    expect(page.get_by_role("cell", name="Ja, dringend", exact=True)).to_be_visible()
    screenshot(page, "survey-builder-after-add-answer")
