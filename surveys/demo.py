"""A finished demo survey with a few hundred answers across both regions, and its
earlier wave a year before with somewhat different answers, so the dashboards show
something, and a trend, on the first `make run`."""

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from core.db import SessionLike, utcnow
from newsletter.audience.models import Subscriber, SubscriberStatus, Topic
from surveys.answering.responses import new_public_key
from surveys.builder.editing import default_scale_labels
from surveys.models import Answer, Option, Question, Survey, SurveyResponse

TITLE = "Bedarfe und Angebote 2026"
EARLIER_TITLE = "Bedarfe und Angebote 2025"
NEEDS = [
    "ki-daten",
    "it-sicherheit",
    "automatisierung",
    "fachkraefte",
    "foerderprogramme",
]
OFFERS = [
    "forschungstransfer",
    "startup-kooperation",
    "ki-daten",
    "automatisierung",
    "fachkraefte",
]
# How likely each region's respondents name a topic: the bridge shows the difference.
NEED_WEIGHTS = {"suedwestfalen": [5, 3, 6, 8, 4], "dortmund": [3, 4, 2, 5, 3]}
OFFER_WEIGHTS = {"suedwestfalen": [1, 1, 2, 5, 3], "dortmund": [6, 5, 5, 2, 2]}
# A year earlier: skilled workers pressed harder, AI and data less, fewer offers.
EARLIER_NEED_WEIGHTS = {"suedwestfalen": [3, 3, 6, 10, 5], "dortmund": [2, 4, 2, 7, 3]}
EARLIER_OFFER_WEIGHTS = {"suedwestfalen": [1, 1, 2, 4, 3], "dortmund": [5, 5, 4, 3, 2]}


def _topic_names(session: SessionLike) -> dict[str, Topic]:
    return {t.slug: t for t in session.scalars(select(Topic))}


def tagged_options(
    topics: dict[str, Topic], slugs: list[str], kind: str
) -> list[Option]:
    """One option per topic, labelled with the topic's names, tagged need or offer."""
    return [
        Option(
            position=index,
            topic_id=topics[slug].id,
            kind=kind,
            label={"de": topics[slug].name, "en": topics[slug].name_en},
        )
        for index, slug in enumerate(slugs)
    ]


def build_demo_survey(
    session: SessionLike, year: int = 2026, days_ago: int = 0
) -> Survey:
    topics = _topic_names(session)
    survey = Survey(
        title={"de": f"Bedarfe und Angebote {year}", "en": f"Needs and offers {year}"},
        intro={
            "de": "Was braucht Ihre Organisation, was können Sie anbieten?",
            "en": "What does your organisation need, what can it offer?",
        },
        opens_at=utcnow() - timedelta(days=60 + days_ago),
        closes_at=utcnow() - timedelta(days=2 + days_ago),
        public_key=new_public_key(),
    )
    need = Question(
        kind="single",
        position=0,
        required=True,
        text={
            "de": "Welches Thema ist für Sie gerade am dringendsten?",
            "en": "Which topic is most pressing for you now?",
        },
    )
    need.options = tagged_options(topics, NEEDS, "need")
    offer = Question(
        kind="multiple",
        position=1,
        max_choices=3,
        text={
            "de": "Wozu können Sie anderen etwas anbieten?",
            "en": "What can you offer to others?",
        },
    )
    offer.options = tagged_options(topics, OFFERS, "offer")
    likert = Question(
        kind="likert",
        position=2,
        text={
            "de": "Kooperation über die Regionsgrenze hinweg lohnt sich.",
            "en": "Cooperating across the regional border pays off.",
        },
        scale_labels=default_scale_labels("likert"),
    )
    nps = Question(
        kind="nps",
        position=3,
        text={
            "de": "Wie wahrscheinlich empfehlen Sie den Newsletter weiter?",
            "en": "How likely are you to recommend the newsletter?",
        },
        scale_labels=default_scale_labels("nps"),
    )
    text = Question(
        kind="text",
        position=4,
        text={"de": "Was sollten wir noch wissen?", "en": "Anything else?"},
    )
    survey.questions = [need, offer, likert, nps, text]
    session.add(survey)
    session.flush()
    return survey


def seed_demo_survey(session: SessionLike) -> None:
    """Create the demo survey, its earlier wave and their answers once."""
    if not _topic_names(session):
        return
    survey = session.scalar(
        select(Survey).where(Survey.title["de"].as_string() == TITLE)
    )
    if survey is None:
        survey = build_demo_survey(session)
        rng = random.Random(7)  # noqa: S311 - demo data
        _answer(
            session,
            survey,
            rng,
            NEED_WEIGHTS,
            OFFER_WEIGHTS,
            answered_from=survey.opens_at,  # over its weeks, all before today
            dortmund_cooperation=4,
        )
    if survey.previous_wave_id is None:
        _seed_earlier_wave(session, survey)
    session.flush()


def _seed_earlier_wave(session: SessionLike, survey: Survey) -> None:
    """The same survey a year earlier, linked as the wave before it."""
    earlier = build_demo_survey(session, 2025, days_ago=365)
    survey.previous_wave_id = earlier.id
    for question, before in zip(survey.questions, earlier.questions, strict=True):
        for option, origin in zip(question.options, before.options, strict=True):
            option.origin_id = origin.id
    rng = random.Random(2025)  # noqa: S311 - demo data
    _answer(
        session,
        earlier,
        rng,
        EARLIER_NEED_WEIGHTS,
        EARLIER_OFFER_WEIGHTS,
        answered_from=earlier.opens_at,
    )


def _answer(
    session: SessionLike,
    survey: Survey,
    rng: random.Random,
    need_weights: dict[str, list[int]],
    offer_weights: dict[str, list[int]],
    answered_from: datetime | None,
    dortmund_cooperation: int = 3,
) -> None:
    """About four in five active subscribers answer, each region in its own way."""
    people = list(
        session.scalars(
            select(Subscriber).where(Subscriber.status == SubscriberStatus.ACTIVE)
        )
    )
    need, offer, likert, nps, text = survey.questions
    for person in people:
        if rng.random() > 0.8:
            continue
        slug = person.region.slug
        response = SurveyResponse(
            survey_id=survey.id,
            subscriber_id=person.id,
            source="mail",
            region_id=person.region_id,
            org_type=person.org_type,
            district_id=person.district_id,
            sector=person.sector,
            size=person.size,
            contact_consent=rng.random() < 0.25,
        )
        if answered_from is not None:
            response.created_at = response.updated_at = answered_from + timedelta(
                days=rng.randint(0, 50), minutes=rng.randint(0, 600)
            )
        chosen_need = rng.choices(need.options, weights=need_weights[slug])[0]
        response.answers.append(Answer(question_id=need.id, option_id=chosen_need.id))
        offered = {
            rng.choices(offer.options, weights=offer_weights[slug])[0].id
            for _ in range(rng.randint(0, 3))
        }
        response.answers.extend(
            Answer(question_id=offer.id, option_id=o) for o in offered
        )
        # A year earlier, Dortmund thought less of cooperation than it does now.
        base = dortmund_cooperation if slug == "dortmund" else 3
        response.answers.append(
            Answer(
                question_id=likert.id, value=max(1, min(5, base + rng.randint(-2, 1)))
            )
        )
        response.answers.append(
            Answer(question_id=nps.id, value=rng.choice(range(3, 11)))
        )
        if rng.random() < 0.1:
            response.answers.append(
                Answer(question_id=text.id, text="Mehr Veranstaltungen vor Ort, bitte.")
            )
        session.add(response)
    session.flush()
