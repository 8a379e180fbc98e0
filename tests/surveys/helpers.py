"""Surveys for tests, made through the builder's services."""

from datetime import timedelta

from sqlalchemy import select

from core.db import db, utcnow
from core.models import Region
from newsletter.audience.models import MailingList, Topic
from newsletter.campaigns.models import Campaign, CampaignStatus
from surveys.builder import add_option, add_question, create_survey, update_question


def open_survey(app, region_slug="dortmund", closes_in_days=14) -> int:
    with app.app_context():
        region = db.session.scalar(select(Region).where(Region.slug == region_slug))
        topics = {t.slug: t.id for t in db.session.scalars(select(Topic))}
        survey = create_survey(db.session, "Was brauchen Sie?", region.id)
        survey.opens_at = utcnow() - timedelta(days=1)
        survey.closes_at = utcnow() + timedelta(days=closes_in_days)
        first = add_question(db.session, survey, "single")
        update_question(
            first,
            {"de": "Was brauchen Sie am dringendsten?", "en": "What do you need most?"},
            True,
            None,
        )
        add_option(
            db.session,
            first,
            {"de": "Fachkräfte", "en": "Skilled workers"},
            topics["fachkraefte"],
            "need",
        )
        add_option(
            db.session,
            first,
            {"de": "KI und Daten", "en": "AI and data"},
            topics["ki-daten"],
            "need",
        )
        scale = add_question(db.session, survey, "likert")
        update_question(scale, {"de": "Kooperation lohnt sich."}, False, None)
        text = add_question(db.session, survey, "text")
        update_question(text, {"de": "Was noch?"}, False, None)
        db.session.commit()
        return survey.id


def survey_campaign(app, survey_id, region_slug="dortmund") -> int:
    with app.app_context():
        region = db.session.scalar(select(Region).where(Region.slug == region_slug))
        list_id = db.session.scalar(
            select(MailingList.id).where(
                MailingList.slug == f"newsletter-{region_slug}"
            )
        )
        campaign = Campaign(
            region_id=region.id,
            subject={"de": "Kurze Frage"},
            list_ids=[list_id],
            blocks={
                "de": [
                    {
                        "id": "t",
                        "type": "text",
                        "body": "{{ greeting }}, eine kurze Frage:",
                    },
                    {
                        "id": "s",
                        "type": "survey_question",
                        "survey": str(survey_id),
                        "intro": "",
                    },
                ]
            },
            status=CampaignStatus.SCHEDULED,
            scheduled_at=utcnow(),
        )
        db.session.add(campaign)
        db.session.commit()
        return campaign.id
