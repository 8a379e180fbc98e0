"""Closed and draft surveys cannot be embedded, and the checklist refuses an issue
whose survey closes before the issue goes out."""

from datetime import timedelta

import pytest

from core.db import db, utcnow
from core.models import Role
from newsletter.campaigns.checklist import checklist
from newsletter.campaigns.editing import CampaignError
from newsletter.campaigns.models import Campaign
from newsletter.sending.control import schedule
from surveys.builder.editing import create_survey
from surveys.models import Survey
from tests import factories
from tests.http import csrf_token


def with_survey_block(app, campaign_id, survey_id):
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        campaign.blocks = {
            "de": [
                *campaign.blocks_for("de"),
                {"id": "s", "type": "survey_question", "survey": str(survey_id)},
            ]
        }
        db.session.commit()


def closes(app, survey_id, when):
    with app.app_context():
        db.session.get(Survey, survey_id).closes_at = when
        db.session.commit()


def test_closed_and_question_less_surveys_are_not_offered(app, client, login_as):
    open_id = factories.made_in(app, factories.survey, region="dortmund")
    closed_id = factories.made_in(app, factories.survey, region="dortmund")
    closes(app, closed_id, utcnow() - timedelta(days=1))
    with app.app_context():
        draft = create_survey(db.session, "Noch ohne Fragen", None)
        db.session.commit()
        draft_id = draft.id
    campaign_id = factories.made_in(app, factories.campaign, region="dortmund")
    with_survey_block(app, campaign_id, "")
    login_as(Role.MANAGER, "dortmund")
    page = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    offered = page.split('name="b-s-survey"')[1].split("</select>")[0]
    assert f'value="{open_id}"' in offered
    assert f'value="{closed_id}"' not in offered
    assert f'value="{draft_id}"' not in offered
    response = client.post(
        f"/campaigns/{campaign_id}?lang=de",
        data={
            "csrf_token": csrf_token(page),
            "block": "s",
            "b-s-survey": str(closed_id),
        },
    )
    assert response.status_code == 404


def test_an_issue_whose_survey_closed_since_can_still_be_saved(app, client, login_as):
    survey_id = factories.made_in(app, factories.survey, region="dortmund")
    campaign_id = factories.made_in(app, factories.campaign, region="dortmund")
    with_survey_block(app, campaign_id, survey_id)
    closes(app, survey_id, utcnow() - timedelta(hours=1))
    login_as(Role.MANAGER, "dortmund")
    page = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    response = client.post(
        f"/campaigns/{campaign_id}/draft?lang=de",
        data={
            "csrf_token": csrf_token(page),
            "block": "s",
            "b-s-survey": str(survey_id),
        },
    )
    assert response.status_code == 200
    preview = client.get(f"/campaigns/{campaign_id}/preview").get_data(as_text=True)
    assert "bevor die Ausgabe versandt wird" in preview


def test_the_checklist_refuses_a_survey_that_closes_before_the_send_time(app):
    survey_id = factories.made_in(
        app, factories.survey, region="dortmund", closes_in_days=2
    )
    campaign_id = factories.made_in(app, factories.campaign, region="dortmund")
    with_survey_block(app, campaign_id, survey_id)
    with app.test_request_context():
        campaign = db.session.get(Campaign, campaign_id)
        soon, late = utcnow() + timedelta(days=1), utcnow() + timedelta(days=3)
        assert not [m for s, m in checklist(campaign, soon) if "Umfrage" in m]
        assert any("bevor die Ausgabe" in m for s, m in checklist(campaign, late))
        with pytest.raises(CampaignError):
            schedule(campaign, late)
        schedule(campaign, soon)
        assert campaign.status == "scheduled"
