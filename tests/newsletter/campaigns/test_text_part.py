"""The text part is text: Markdown becomes plain text with links as "text (URL)",
and the survey question comes with a link per answer."""

from core.db import db
from newsletter.campaigns.blocks import safe_url
from newsletter.campaigns.models import Campaign
from newsletter.campaigns.plain_text import markdown_text
from newsletter.campaigns.preview import sample_rendering
from tests import factories


def test_markdown_becomes_plain_text():
    source = (
        "**Neu:** das [Transferbüro](https://example.org/tb) und *mehr*.\n\n"
        "- eins\n- [zwei](https://example.org/2)\n\n"
        "1. erstens\n2. zweitens\n\n"
        "| Bedarf | Angebot |\n|---|---|\n| KI | Labore |"
    )
    assert markdown_text(source, safe_url) == (
        "Neu: das Transferbüro (https://example.org/tb) und mehr.\n\n"
        "- eins\n- zwei (https://example.org/2)\n\n"
        "1. erstens\n2. zweitens\n\n"
        "Bedarf | Angebot\nKI | Labore"
    )


def test_a_link_that_is_its_own_text_is_written_once():
    assert markdown_text("[https://a.example](https://a.example)", safe_url) == (
        "https://a.example"
    )


def test_a_link_the_html_part_drops_keeps_only_its_text():
    text = markdown_text("[Klick](ftp://example.org/x)", safe_url)
    assert text == "Klick"


def test_the_mail_text_part_has_no_markdown_and_every_answer_link(app):
    survey_id = factories.made_in(app, factories.survey)
    campaign_id = factories.made_in(app, factories.campaign, region="dortmund")
    with app.test_request_context():
        campaign = db.session.get(Campaign, campaign_id)
        campaign.blocks = {
            "de": [
                *campaign.blocks_for("de"),
                {"id": "s", "type": "survey_question", "survey": str(survey_id)},
            ]
        }
        db.session.commit()
        _subject, _html, text = sample_rendering(campaign, "de")
    assert "**" not in text
    assert "Terminen (https://example.org/termine)" in text
    assert "Jetzt mitmachen (https://example.org/mitmachen)" in text
    assert "Was brauchen Sie am dringendsten?" in text
    test_view = f"/umfrage/{survey_id}/probe/"  # a preview's buttons save nothing
    lines = [line for line in text.splitlines() if test_view in line]
    assert [line.split(":")[0] for line in lines] == ["- Fachkräfte", "- KI und Daten"]
    assert all("?lang=de&o=" in line for line in lines)  # opens in the mail's language
    assert "gespeichert wird sie erst, wenn Sie dort auf „Senden“ drücken" in text
