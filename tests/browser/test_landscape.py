"""The Kompetenzlandschaft in Chromium: the public pages pass axe (WCAG 2.1 AA) and
load nothing from other sites; the filters work without script."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import WCAG_21_AA
from tests.landscape.people import public_profile

pytestmark = pytest.mark.browser


def test_public_pages_are_accessible_and_load_only_our_own_files(
    app, live_server, browser
):
    swf = public_profile(
        app,
        "a@example.org",
        "suedwestfalen",
        "Sauerland Metall GmbH",
        needs=["ki-daten"],
        place="Kreis Olpe",
        description="Werkzeugbau mit 80 Beschäftigten",
    )
    public_profile(
        app,
        "b@example.org",
        "dortmund",
        "Daten-Labor TU",
        offers=["ki-daten"],
        org_type="university",
        place="Dortmund",
    )
    context = browser.new_context(locale="de-DE", bypass_csp=True)
    page = context.new_page()
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    for path in (
        "/kompetenzlandschaft",
        "/kompetenzlandschaft/suedwestfalen",
        f"/kompetenzlandschaft/organisation/{swf.profile_id}",
    ):
        page.goto(live_server + path)
        violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
        assert violations == [], (path, [v["id"] for v in violations])
    page.goto(live_server + "/kompetenzlandschaft")
    page.select_option("#thema", label="KI und Daten (2)")
    page.select_option("#art", value="university")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page.get_by_role("heading", name="Daten-Labor TU")).to_be_visible()
    assert page.get_by_text("Sauerland Metall GmbH").count() == 0
    screenshot(page, "landscape-public")
    assert all(url.startswith(live_server) for url in requested), requested
    context.close()
