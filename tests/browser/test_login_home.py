"""A regional manager logs in with a real browser and sees her region's home page."""

import pytest
from playwright.sync_api import expect

from core.models import Role
from tests.browser.conftest import screenshot
from tests.http import PASSWORD

pytestmark = pytest.mark.browser


def test_manager_logs_in_and_sees_her_region(demo_data, live_server, page, make_user):
    manager = make_user(Role.MANAGER, "suedwestfalen")
    page.goto(f"{live_server}/")
    assert page.url.startswith(f"{live_server}/login")
    page.get_by_label("E-Mail-Adresse").fill(manager.email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{live_server}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Übersicht für Südwestfalen"
    )
    expect(
        page.get_by_role("rowheader", name="Newsletter Südwestfalen")
    ).to_be_visible()
    screenshot(page, "home-manager-suedwestfalen")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Overview for Südwestfalen"
    )
    page.get_by_role("button", name="Log out").click()
    assert "/login" in page.url
