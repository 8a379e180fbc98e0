"""A reader leaves a list from the link in a newsletter she received at a real SMTP
server, in Chromium on a phone: the page names the list she still gets, and
"Rückgängig machen" puts her back; axe finds nothing on either page."""

import pytest
from playwright.sync_api import expect

from core.db import db
from newsletter.sending.outbox import dispatch_due
from newsletter.sending.sender import Sender
from tests import factories
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import WCAG_21_AA, axe
from tests.fixtures.smtp import link_in

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="de-DE", viewport={"width": 375, "height": 812}, bypass_csp=True
    )
    page = context.new_page()
    yield page
    context.close()


def problems(page) -> list[str]:
    """axe's WCAG 2.1 A/AA findings on the page as it is (a POST's answer too)."""
    found = axe.run(page, options=WCAG_21_AA).response["violations"]
    return [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in found]


def test_leave_and_undo_from_a_received_newsletter(
    app, live_server, phone, smtp_server
):
    with app.app_context():
        events = factories.mailing_list(db.session, name="Veranstaltungen")
        factories.subscriber(
            db.session,
            email="mara@example.org",
            lists=("newsletter-dortmund", "brueckenschlag-interregional", events),
        )
        factories.campaign(db.session, due=True)
        dispatch_due(db.session)
        Sender(app, "browser").run(budget_seconds=30)
    [mail] = smtp_server.arrived("mara@example.org")
    leave = live_server + link_in(mail, "/abmelden/")

    phone.goto(leave)
    phone.get_by_role("button", name="Abmelden").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Abgemeldet")
    expect(
        phone.get_by_text("Sie erhalten „Newsletter Dortmund“ nicht mehr.")
    ).to_be_visible()
    # What else Dortmund sends her; the joint list is another controller's.
    expect(phone.get_by_text("Veranstaltungen", exact=True)).to_be_visible()
    expect(phone.get_by_text("Brückenschlag interregional")).to_have_count(0)
    screenshot(phone, "unsubscribe-left")
    assert problems(phone) == []

    phone.get_by_role("button", name="Rückgängig machen").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Wieder angemeldet")
    screenshot(phone, "unsubscribe-undone")
    assert problems(phone) == []
