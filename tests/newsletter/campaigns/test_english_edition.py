"""The English edition is English throughout: every block type, the layout and the
text part say what they say on their own in the mail's language, whatever language
the page or worker that renders them runs in."""

import html
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from core.db import db
from newsletter.campaigns.blocks import block_types
from newsletter.campaigns.models import Campaign
from newsletter.campaigns.rendering import compile_campaign
from tests import factories

PRODUCT = "Brückenschlag"  # the name, the same in every language
CATALOGUE = Path(__file__).resolve().parents[3] / "translations/de/LC_MESSAGES"


def german_strings() -> set[str]:
    """Every German text of the catalogue that differs from its English msgid and is
    long enough not to be a name or a number."""
    with open(CATALOGUE / "messages.po", "rb") as file:
        catalogue = read_po(file, locale="de")
    found = set()
    for message in catalogue:
        strings = (
            message.string if isinstance(message.string, tuple) else (message.string,)
        )
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for german in strings:
            for part in german.split("%("):  # the fixed parts around placeholders
                part = part.split(")s", 1)[-1].strip(" .,:;")
                if len(part) >= 8 and part not in ids and part != PRODUCT:
                    found.add(part)
    return found


def sample_value(spec_field, region_id, survey_id) -> str:
    if spec_field.kind == "select":
        return str(survey_id)
    if spec_field.kind == "url":
        return "https://example.org/more"
    if spec_field.kind == "image":
        return "demo-picture.png"
    return "Plain English words"


def english_issue(app) -> int:
    survey_id = factories.made_in(app, factories.survey, region="dortmund")
    campaign_id = factories.made_in(app, factories.campaign, region="dortmund")
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        blocks = [
            {
                "id": f"e{index}",
                "type": kind,
                **{
                    f.name: sample_value(f, campaign.region_id, survey_id)
                    for f in spec.fields
                },
            }
            for index, (kind, spec) in enumerate(block_types().items())
        ]
        campaign.blocks = {**campaign.blocks, "en": blocks}
        campaign.subject = {**campaign.subject, "en": "News"}
        db.session.commit()
    return campaign_id


@pytest.mark.parametrize("worker_language", ["de", "en"])
def test_every_block_type_renders_english_in_the_english_edition(app, worker_language):
    campaign_id = english_issue(app)
    german = german_strings()
    assert "Mehr erfahren" in german  # the check would see the event block
    with app.test_request_context(), force_locale(worker_language):
        campaign = db.session.get(Campaign, campaign_id)
        kinds = {b["type"] for b in campaign.blocks_for("en")}
        assert kinds == set(block_types())  # every registered type is in the issue
        compiled = compile_campaign(campaign, "en")
    for part_name, part in (
        ("html", html.unescape(compiled.html)),
        ("text", compiled.text),
    ):
        leaked = sorted(g for g in german if g in part)
        assert leaked == [], f"German in the English {part_name} part: {leaked}"
    assert "More information" in compiled.html
    assert "Unsubscribe" in compiled.text


def test_the_german_edition_stays_german_on_an_english_page(app):
    campaign_id = english_issue(app)
    with app.test_request_context(), force_locale("en"):
        compiled = compile_campaign(db.session.get(Campaign, campaign_id), "de")
    assert "Mehr erfahren" in html.unescape(compiled.html)
    assert "Abmelden" in compiled.text
