"""An analyst opens the demo survey's dashboard in Chromium; a screenshot is kept."""

import pytest
from playwright.sync_api import expect

from core.models import Role
from tests.browser.conftest import screenshot
from tests.http import PASSWORD

pytestmark = pytest.mark.browser


def test_analyst_sees_the_regions_side_by_side(demo_data, live_server, page, make_user):
    analyst = make_user(Role.ANALYST)
    page.goto(f"{live_server}/login")
    page.get_by_label("E-Mail-Adresse").fill(analyst.email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("link", name="Auswertung").click()
    page.get_by_role("link", name="Bedarfe und Angebote 2026").click()
    expect(
        page.get_by_role("heading", name="Die Brücke: Bedarfe und Angebote je Thema")
    ).to_be_visible()
    assert page.locator("svg.chart").count() >= 3
    assert (
        page.get_by_role("link", name="Freitext-Antworten").count() == 0
    )  # analysts: no
    screenshot(page, "dashboard-analyst")
