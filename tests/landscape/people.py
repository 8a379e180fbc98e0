"""Subscribers who take part in the Kompetenzlandschaft, made through the real
services and pages: a survey answer, a profile confirmed on the preview page."""

from types import SimpleNamespace

from sqlalchemy import select

from core.db import db
from newsletter.audience.models import Topic
from newsletter.audience.tokens import preferences_token
from surveys.models import Answer, Option, SurveyResponse
from tests import factories
from tests.http import submit


def topic_id(slug: str) -> int:
    return db.session.scalar(select(Topic.id).where(Topic.slug == slug))


def person(app, email: str, region: str, **profile) -> SimpleNamespace:
    """A confirmed subscriber and the path of her preference centre."""
    with app.app_context():
        made = factories.subscriber(db.session, email=email, region=region, **profile)
        token = preferences_token(made.id, made.link_key)
        return SimpleNamespace(
            id=made.id,
            email=email,
            token=token,
            preferences=f"/einstellungen/{token}",
            profile_page=f"/kompetenzlandschaft/mein-profil/{token}",
        )


def answer_need(app, who: SimpleNamespace, topic_slug: str, kind: str = "need"):
    """She chose a survey option of this topic and kind (need or offer)."""
    with app.app_context():
        survey = factories.survey(db.session)
        question = survey.questions[0]
        option = Option(
            question_id=question.id,
            label={"de": topic_slug},
            topic_id=topic_id(topic_slug),
            kind=kind,
            position=9,
        )
        db.session.add(option)
        db.session.flush()
        response = SurveyResponse(
            survey_id=survey.id, subscriber_id=who.id, source="mail"
        )
        response.answers = [Answer(question_id=question.id, option_id=option.id)]
        db.session.add(response)
        db.session.commit()


def profile_form(app, organisation: str, offers=(), needs=(), **fields) -> dict:
    with app.app_context():
        return {
            "organisation": organisation,
            "org_type": fields.pop("org_type", "company"),
            "place": fields.pop("place", "Dortmund"),
            "website": fields.pop("website", "https://www.example.de"),
            "description": fields.pop("description", "Wir fertigen Werkzeuge."),
            "offers": [str(topic_id(s)) for s in offers],
            "needs": [str(topic_id(s)) for s in needs],
            **fields,
        }


def confirm_profile(client, app, who, organisation: str, **kwargs):
    """Fill in, preview and confirm with consent, as she would."""
    data = profile_form(app, organisation, **kwargs)
    return submit(
        client, who.profile_page, data={**data, "step": "confirm", "consent": "y"}
    )


def public_profile(
    app,
    email: str,
    region: str,
    organisation: str,
    offers=(),
    needs=(),
    org_type: str = "company",
    place: str = "",
    description: str = "",
    name: str = "Anna Becker",
) -> SimpleNamespace:
    """A subscriber with a confirmed and approved profile (through the services)."""
    from landscape.profiles import ProfileData, review, save_profile
    from newsletter.audience.models import Subscriber

    who = person(app, email, region, name=name)
    with app.app_context():
        subscriber = db.session.get(Subscriber, who.id)
        profile = save_profile(
            db.session,
            subscriber,
            ProfileData(
                organisation=organisation,
                org_type=org_type,
                place=place,
                website=f"https://{organisation.split()[0].lower()}.example",
                description=description,
                offers=[topic_id(s) for s in offers],
                needs=[topic_id(s) for s in needs],
            ),
        )
        review(db.session, profile, approve=True)
        db.session.commit()
        who.profile_id = profile.id
    return who
