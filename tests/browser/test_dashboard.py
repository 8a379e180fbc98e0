"""An analyst opens the demo survey's dashboard in Chromium; a screenshot is kept."""

import re

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


def test_analyst_sees_the_demo_survey_across_its_two_waves(
    app, live_server, page, make_user, runner
):
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    analyst = make_user(Role.ANALYST)
    page.goto(f"{live_server}/login")
    page.get_by_label("E-Mail-Adresse").fill(analyst.email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("link", name="Auswertung").click()
    page.get_by_role("link", name="Bedarfe und Angebote 2026").click()

    section = page.locator("section", has=page.locator("#waves-title"))
    expect(
        section.get_by_role("heading", name="Im Wellenvergleich", exact=True)
    ).to_be_visible()
    chart = section.get_by_role(
        "img", name="Welches Thema ist für Sie gerade am dringendsten?"
    )
    expect(chart).to_be_visible()
    assert chart.locator("circle").count() >= 20  # waves × regions × answers
    table = section.locator("table.trend").first
    expect(table).to_be_visible()
    header = table.locator("thead th")
    expect(header.nth(2)).to_have_text(re.compile(r"^Welle 1 \(\d\d/\d{4}\)$"))
    expect(header.nth(3)).to_have_text(re.compile(r"^Welle 2 \(\d\d/\d{4}\)$"))
    expect(header.nth(4)).to_have_text("Veränderung 1 → 2")
    expect(
        table.get_by_role("row").filter(has_text="Fachkräfte").first
    ).to_contain_text("Pkt.")
    section.scroll_into_view_if_needed()
    screenshot(page, "dashboard-waves")
