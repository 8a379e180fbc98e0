"""The settings and "Meine Daten" of a person on three lists fit a 375 px phone:
nothing scrolls sideways (WCAG 1.4.10, reflow; outside review, MEDIUM)."""

import pytest

from core.db import db
from newsletter.audience.models import Subscriber
from newsletter.audience.tokens import preferences_token
from tests import factories
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="de-DE", viewport={"width": 375, "height": 812}
    )
    page = context.new_page()
    yield page
    context.close()


def test_her_settings_and_her_data_fit_a_phone(app, live_server, phone):
    with app.app_context():
        person = factories.subscriber(
            db.session,
            email="a.very.long.address.of.somebody@wirtschaftsfoerderung-example.org",
            lists=(
                "newsletter-dortmund",
                "brueckenschlag-interregional",
                "newsletter-suedwestfalen",
            ),
            name="Maximiliane Sonnenberg-Oberhausen",
        )
        person = db.session.get(Subscriber, person.id)
        token = preferences_token(person.id, person.link_key)

    for path, name in (
        (f"/einstellungen/{token}", "phone-settings"),
        (f"/einstellungen/{token}/meine-daten", "phone-my-data"),
    ):
        phone.goto(live_server + path)
        screenshot(phone, name)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375, path
