"""A link in an issue stays an http(s) or mailto link for every recipient: a
placeholder can never decide a link's scheme (#14.5)."""

import re

import pytest

from core.db import db
from core.models import Role
from newsletter.campaigns.checklist import checklist
from newsletter.campaigns.models import Campaign, CampaignStatus
from newsletter.campaigns.rendering import (
    compile_campaign,
    personal_values,
    personalise,
)
from tests import factories

HOSTILE_ORGANISATION = "javascript:alert(1)//"
HREFS = re.compile(r'href="([^"]*)"')

ATTACKS = {
    "button before the scheme": [
        {
            "id": "b",
            "type": "button",
            "label": "Los",
            "url": "{{ first_name }}javascript:alert(1)",
        }
    ],
    "button made of a personal value": [
        {"id": "b", "type": "button", "label": "Los", "url": "{{ organisation }}"}
    ],
    "markdown link made of a personal value": [
        {"id": "t", "type": "text", "body": "[Ihre Seite](<{{ organisation }}>)"}
    ],
    "image link made of a personal value": [
        {
            "id": "i",
            "type": "image",
            "image": "x.png",
            "alt": "Bild",
            "link": "{{ name }}",
        }
    ],
    "event link before the scheme": [
        {
            "id": "e",
            "type": "event",
            "title": "Treffen",
            "date": "1.3.",
            "link": "{{ region }}javascript:alert(1)",
        }
    ],
}


def rendered_for_hostile_recipient(app, blocks) -> str:
    campaign_id = factories.made_in(
        app, factories.campaign, region="dortmund", blocks=blocks
    )
    with app.app_context(), app.test_request_context():
        compiled = compile_campaign(db.session.get(Campaign, campaign_id), "de")
        values = {
            **personal_values("Mallory", HOSTILE_ORGANISATION, "Dortmund", "de"),
            "unsubscribe_url": "https://bruecke.example/u/t",
            "preferences_url": "https://bruecke.example/p/t",
            "web_url": "https://bruecke.example/ausgabe/1",
        }
        _subject, html, _text = personalise(compiled, values)
    return html


@pytest.mark.parametrize("name", ATTACKS)
def test_no_recipient_gets_a_link_that_is_not_http_or_mailto(app, name):
    html = rendered_for_hostile_recipient(app, ATTACKS[name])
    for href in HREFS.findall(html):
        assert href.startswith(("http://", "https://", "mailto:")), (name, href)


@pytest.mark.parametrize("name", ATTACKS)
def test_the_checklist_refuses_a_placeholder_in_a_links_scheme(app, name):
    campaign_id = factories.made_in(
        app, factories.campaign, region="dortmund", blocks=ATTACKS[name]
    )
    with app.app_context(), app.test_request_context():
        problems = checklist(db.session.get(Campaign, campaign_id))
    assert any(severity == "error" and "Link" in text for severity, text in problems)


def test_the_web_version_holds_no_javascript_link(app, client, login_as):
    blocks = [b for attack in ATTACKS.values() for b in attack]
    for index, block in enumerate(blocks):
        block["id"] = f"x{index}"
    campaign_id = factories.made_in(
        app,
        factories.campaign,
        region="dortmund",
        blocks=blocks,
        status=CampaignStatus.SENT,
    )
    login_as(Role.MANAGER, "dortmund")
    html = client.get(f"/ausgabe/{campaign_id}").get_data(as_text=True)
    assert "javascript:" not in html


def test_a_placeholder_in_a_links_address_is_refused_and_filled_nowhere(app):
    """The preview filled it in unencoded while the real mail's counted link led
    to the placeholder itself; and a name in an address goes to a third party. So
    an address takes no placeholder but our own links, whole."""
    blocks = [
        {
            "id": "b",
            "type": "button",
            "label": "Los",
            "url": "https://example.org/btn?o={{ organisation }}&n={{ name }}",
        },
        {"id": "w", "type": "button", "label": "Web", "url": "{{ web_url }}"},
    ]
    html = rendered_for_hostile_recipient(app, blocks)
    assert "example.org/btn" not in html
    assert 'href="https://bruecke.example/ausgabe/1"' in html
    campaign_id = factories.made_in(
        app, factories.campaign, region="dortmund", blocks=blocks
    )
    with app.app_context(), app.test_request_context():
        problems = checklist(db.session.get(Campaign, campaign_id))
    errors = [text for severity, text in problems if severity == "error"]
    assert any("Platzhalter" in text and "example.org/btn" in text for text in errors)
    assert not [text for text in errors if "„{{ web_url }}“" in text]
