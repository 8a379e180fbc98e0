"""Managers see an issue by its internal title everywhere; the public archive shows
subjects with placeholders filled for nobody in particular."""

import pytest

from core.db import db, utcnow
from core.models import Role
from newsletter.campaigns.models import Campaign
from newsletter.campaigns.rendering import neutral_text
from tests import factories


@pytest.mark.parametrize(
    ("subject", "neutral"),
    [
        (
            "{{ greeting }}, Neuigkeiten aus {{ region }}",
            "Guten Tag, Neuigkeiten aus Südwestfalen",
        ),
        (
            "Brückenschlag März: {{ first_name }}, das ist neu",
            "Brückenschlag März: das ist neu",
        ),
        ("Neuigkeiten aus {{ region }}", "Neuigkeiten aus Südwestfalen"),
        ("Für {{ organisation }}: Termine", "Für: Termine"),
        ("Hallo {{ name }}!", "Hallo!"),
    ],
)
def test_placeholders_are_rendered_neutrally(subject, neutral, app):
    with app.test_request_context():
        assert neutral_text(subject, "Südwestfalen", "de") == neutral


def sent(app, campaign_id, **fields):
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        campaign.status, campaign.sent_at = "sent", utcnow()
        for name, value in fields.items():
            setattr(campaign, name, value)
        db.session.commit()


def test_the_archive_shows_no_placeholder(app, client):
    campaign_id = factories.made_in(app, factories.campaign, region="suedwestfalen")
    sent(
        app, campaign_id, subject={"de": "{{ greeting }}, Neuigkeiten aus {{ region }}"}
    )
    archive = client.get("/archiv/suedwestfalen").get_data(as_text=True)
    assert "Guten Tag, Neuigkeiten aus Südwestfalen" in archive
    assert "{{" not in archive


def test_the_internal_title_names_the_issue_for_managers(app, client, login_as):
    campaign_id = factories.made_in(
        app, factories.campaign, region="suedwestfalen"
    )  # title "Märzausgabe", subject with a name
    login_as(Role.MANAGER, "suedwestfalen")
    for path in (
        "/campaigns",
        f"/campaigns/{campaign_id}",
        f"/campaigns/{campaign_id}/preview",
        f"/campaigns/{campaign_id}/send",
    ):
        page = client.get(path).get_data(as_text=True)
        assert "<h1>Märzausgabe" in page or ">Märzausgabe</a>" in page, path
        if path != "/campaigns":
            assert "Märzausgabe" in page.split("</title>")[0], path
    sent(app, campaign_id)
    assert "Märzausgabe" in client.get("/").get_data(as_text=True)
