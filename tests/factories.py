"""Data for tests: plain functions that take a session and keyword arguments with
sensible defaults, make rows as the app's services would, commit (so that the next
request sees them) and return what they made.

Regions and lists are named by slug; the `app` fixture seeds both regions
("suedwestfalen", "dortmund"), their newsletter lists and the joint one
("brueckenschlag-interregional"), and the topics.
"""

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select

from core.db import SessionLike, utcnow
from core.models import Region
from newsletter.audience.models import (
    MailingList,
    Subscriber,
    Subscription,
    Topic,
)
from newsletter.audience.subscriptions import Profile, RequestMeta, confirm, sign_up
from newsletter.campaigns.models import Campaign, CampaignStatus
from surveys.builder.editing import (
    add_option,
    add_question,
    create_survey,
    update_question,
)
from surveys.models import Answer, Option, Question, Survey, SurveyResponse

# Look-ups of what the seed made


def find_region(session: SessionLike, slug: str = "dortmund") -> Region:
    """A seeded region by slug."""
    found = session.scalar(select(Region).where(Region.slug == slug))
    assert found is not None, f"no region {slug}"
    return found


def newsletter_list(session: SessionLike, region_slug: str = "dortmund") -> MailingList:
    """The region's own newsletter list (seeded as newsletter-<region>)."""
    return find_list(session, f"newsletter-{region_slug}")


def find_list(session: SessionLike, slug: str) -> MailingList:
    """A list by slug."""
    found = session.scalar(select(MailingList).where(MailingList.slug == slug))
    assert found is not None, f"no list {slug}"
    return found


def _list_ids(
    session: SessionLike, lists: Sequence[str | MailingList] | None, region_slug: str
) -> list[int]:
    if lists is None:
        return [newsletter_list(session, region_slug).id]
    return [
        item.id if isinstance(item, MailingList) else find_list(session, item).id
        for item in lists
    ]


# Audience


def mailing_list(
    session: SessionLike,
    *,
    name: str = "Veranstaltungen",
    slug: str | None = None,
    region: str | None = "dortmund",
) -> MailingList:
    """A further list of a region (or, with region=None, a joint one)."""
    made = MailingList(
        name=name,
        name_en=name,
        slug=slug or f"{name.lower()}-{region or 'interregional'}",
        region_id=None if region is None else find_region(session, region).id,
    )
    session.add(made)
    session.commit()
    return made


def subscriber(
    session: SessionLike,
    *,
    email: str = "anna@example.org",
    region: str = "dortmund",
    lists: Sequence[str | MailingList] | None = None,
    confirmed: bool = True,
    meta: RequestMeta | None = None,
    **profile: Any,
) -> Subscriber:
    """A person signed up to `lists` (by default her region's newsletter) through
    the real services, so the consent log is as the opt-in leaves it; confirmed
    unless `confirmed=False`. `profile`: name, organisation, org_type, language, …"""
    list_ids = _list_ids(session, lists, region)
    person, pending = sign_up(
        session,
        find_region(session, region),
        Profile(email=email, **profile),
        list_ids,
        meta=meta,
    )
    if confirmed:
        confirm(session, person.id, pending)
    session.commit()
    return person


def audience(
    session: SessionLike,
    count: int,
    *,
    region: str = "dortmund",
    status: str = "active",
    prefix: str = "person",
) -> list[int]:
    """`count` subscribers <prefix><n>@example.org of the region's newsletter with
    this status, as bulk inserts (a tenth of the ORM's cost for thousands; the
    columns' defaults apply as they do there); their ids, in order."""
    region_id = find_region(session, region).id
    list_id = newsletter_list(session, region).id
    people = [
        {
            "email": f"{prefix}{n}@example.org",
            "name": f"Person {n}",
            "region_id": region_id,
            "status": status,
            "language": "de",
            "confirmed_at": utcnow() if status != "pending" else None,
        }
        for n in range(count)
    ]
    if not people:
        return []
    ids = list(
        session.scalars(
            insert(Subscriber).returning(Subscriber.id, sort_by_parameter_order=True),
            people,
        )
    )
    session.execute(
        insert(Subscription),
        [{"subscriber_id": i, "list_id": list_id, "status": status} for i in ids],
    )
    session.commit()
    return ids


# Campaigns


def every_block(image: str = "demo-picture.png") -> list[dict]:
    """One block of each built-in type, with placeholders, a picture and links."""
    return [
        {"id": "b1", "type": "heading", "text": "Neues aus {{ region }}"},
        {
            "id": "b2",
            "type": "text",
            "body": "{{ greeting }},\n\nhier ist **Brückenschlag** mit [Terminen](https://example.org/termine).",
        },
        {
            "id": "b3",
            "type": "image",
            "image": image,
            "alt": "Werkhalle in Olpe",
            "caption": "Foto: Agentur",
            "link": "https://example.org/foto",
        },
        {
            "id": "b4",
            "type": "button",
            "label": "Jetzt mitmachen",
            "url": "https://example.org/mitmachen",
        },
        {"id": "b5", "type": "divider"},
        {
            "id": "b6",
            "type": "columns",
            "left": "**Bedarf**: KI",
            "right": "**Angebot**: Labore",
        },
        {
            "id": "b7",
            "type": "event",
            "title": "Transfertag",
            "date": "12.03.2027, 10:00",
            "place": "Siegen",
            "link": "https://example.org/transfertag",
        },
    ]


def survey_blocks(survey_id: int) -> list[dict]:
    """A greeting and the survey's first question as answer buttons."""
    return [
        {"id": "t", "type": "text", "body": "{{ greeting }}, eine kurze Frage:"},
        {"id": "s", "type": "survey_question", "survey": str(survey_id), "intro": ""},
    ]


def campaign(
    session: SessionLike,
    *,
    region: str = "dortmund",
    title: str = "Märzausgabe",
    subject: str = "Brückenschlag März: {{ first_name }}, das ist neu",
    preheader: str = "Termine, Bedarfe und Angebote",
    blocks: list[dict] | None = None,
    lists: Sequence[str | MailingList] | None = None,
    due: bool = False,
    **fields: Any,
) -> Campaign:
    """A German issue with every block type to the region's newsletter: a draft, or
    with `due=True` scheduled for now (the dispatcher starts it at its next run)."""
    if due:
        fields = {
            "status": CampaignStatus.SCHEDULED,
            "scheduled_at": utcnow(),
            **fields,
        }
    made = Campaign(
        region_id=find_region(session, region).id,
        title=title,
        subject={"de": subject},
        preheader={"de": preheader},
        blocks={"de": every_block() if blocks is None else blocks},
        list_ids=_list_ids(session, lists, region),
        **fields,
    )
    session.add(made)
    session.commit()
    return made


# Surveys


def survey(
    session: SessionLike,
    *,
    region: str | None = "dortmund",
    title: str = "Was brauchen Sie?",
    closes_in_days: int = 14,
) -> Survey:
    """An open survey of three questions, built through the builder's services:
    a required single choice of two needs (Fachkräfte, KI und Daten) in German and
    English, a scale (Kooperation lohnt sich.) and a free text (Was noch?)."""
    topics = {t.slug: t.id for t in session.scalars(select(Topic))}
    region_id = None if region is None else find_region(session, region).id
    made = create_survey(session, title, region_id)
    made.opens_at = utcnow() - timedelta(days=1)
    made.closes_at = utcnow() + timedelta(days=closes_in_days)
    first = add_question(session, made, "single")
    update_question(
        first,
        {"de": "Was brauchen Sie am dringendsten?", "en": "What do you need most?"},
        True,
        None,
    )
    add_option(
        session,
        first,
        {"de": "Fachkräfte", "en": "Skilled workers"},
        topics["fachkraefte"],
        "need",
    )
    add_option(
        session,
        first,
        {"de": "KI und Daten", "en": "AI and data"},
        topics["ki-daten"],
        "need",
    )
    scale = add_question(session, made, "likert")
    update_question(scale, {"de": "Kooperation lohnt sich."}, False, None)
    free = add_question(session, made, "text")
    update_question(free, {"de": "Was noch?"}, False, None)
    session.commit()
    return made


def one_question_survey(
    session: SessionLike,
    *,
    kind: str = "single",
    labels: Sequence[str] = ("A", "B", "C"),
    title: str = "Analyse",
    region: str | None = None,
) -> Question:
    """A survey of one question; a choice question gets options with these labels
    (a scale or text question none). Returns the question."""
    region_id = None if region is None else find_region(session, region).id
    made = create_survey(session, title, region_id)
    question = add_question(session, made, kind)
    update_question(question, {"de": "Frage"}, False, None)
    for label in labels if kind in ("single", "multiple") else ():
        add_option(session, question, {"de": label}, None, None)
    session.commit()
    return question


def answer(
    session: SessionLike,
    question: Question,
    options: Sequence[Option] = (),
    *,
    region: str | None = "dortmund",
    times: int = 1,
    value: int | None = None,
    org_type: str | None = None,
) -> list[SurveyResponse]:
    """`times` anonymous responses of the region to the question, each choosing all
    of `options` (or giving the scale `value`), given two days ago: in the
    analysts' figures, which hold the answers before the start of the day."""
    region_id = None if region is None else find_region(session, region).id
    given = utcnow() - timedelta(days=2)
    made = []
    for _ in range(times):
        response = SurveyResponse(
            survey_id=question.survey_id,
            source="public",
            region_id=region_id,
            org_type=org_type,
            created_at=given,
            updated_at=given,
        )
        if value is not None:
            response.answers = [Answer(question_id=question.id, value=value)]
        else:
            response.answers = [
                Answer(question_id=question.id, option_id=o.id) for o in options
            ]
        session.add(response)
        made.append(response)
    session.commit()
    return made


def made_in(app: Any, factory: Any, **kwargs: Any) -> int:
    """The id of what `factory` makes inside the app's context, for tests that
    drive the app through its client and keep no session of their own."""
    from core.db import db

    with app.app_context():
        return factory(db.session, **kwargs).id
