"""Demo subscribers with realistic attributes, created once."""

import random

from sqlalchemy import func, select

from core.db import SessionLike, utcnow
from core.models import Region
from newsletter.audience.models import (
    ConsentEvent,
    ConsentSource,
    MailingList,
    OrgType,
    Subscriber,
    SubscriberStatus,
    Subscription,
    SubscriptionStatus,
    Topic,
)

DEMO_LISTS = [
    (
        "newsletter-suedwestfalen",
        "Newsletter Südwestfalen",
        "Newsletter South Westphalia",
        "suedwestfalen",
    ),
    ("newsletter-dortmund", "Newsletter Dortmund", "Newsletter Dortmund", "dortmund"),
    (
        "brueckenschlag-interregional",
        "Brückenschlag interregional",
        "Brückenschlag interregional",
        None,
    ),
]
SECTORS = [
    "Metall- und Elektroindustrie",
    "Maschinenbau",
    "Kunststoffverarbeitung",
    "IT und Software",
    "Logistik",
    "Gesundheitswirtschaft",
    "Handwerk",
    "Energie",
    "Forschung und Lehre",
    "Öffentliche Verwaltung",
]
SIZES = ["1-9", "10-49", "50-249", "250+"]
FIRST = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Elif",
    "Felix",
    "Greta",
    "Hakan",
    "Ida",
    "Jonas",
    "Katrin",
    "Lukas",
    "Mira",
    "Nils",
    "Olga",
    "Paul",
    "Rana",
    "Stefan",
    "Tanja",
    "Yusuf",
]
LAST = [
    "Becker",
    "Schulte",
    "Kaya",
    "Hoffmann",
    "Wagner",
    "Schmidt",
    "Yilmaz",
    "Klein",
    "Neumann",
    "Krüger",
    "Vogel",
    "Lange",
]
ORG_TYPES_SWF = [OrgType.COMPANY] * 6 + [
    OrgType.PUBLIC,
    OrgType.NETWORK,
    OrgType.UNIVERSITY,
    OrgType.OTHER,
]
ORG_TYPES_DO = (
    [OrgType.COMPANY] * 3
    + [OrgType.STARTUP] * 3
    + [OrgType.UNIVERSITY] * 2
    + [OrgType.PUBLIC, OrgType.NETWORK]
)
DEMO_DOMAIN = "demo.brueckenschlag.example"


DEMO_TOPICS = [
    ("ki-daten", "KI und Daten", "AI and data"),
    ("it-sicherheit", "IT-Sicherheit", "IT security"),
    ("automatisierung", "Automatisierung der Produktion", "Automation of production"),
    ("fachkraefte", "Fachkräfte", "Skilled workers"),
    ("foerderprogramme", "Förderprogramme", "Funding programmes"),
    ("startup-kooperation", "Start-up-Kooperation", "Start-up cooperation"),
    ("forschungstransfer", "Forschungstransfer", "Research transfer"),
]


def ensure_topics(session: SessionLike) -> list[Topic]:
    """The standard topics, created when missing."""
    topics = []
    for slug, name, name_en in DEMO_TOPICS:
        topic = session.scalar(select(Topic).where(Topic.slug == slug))
        if topic is None:
            topic = Topic(slug=slug, name=name, name_en=name_en)
            session.add(topic)
        topics.append(topic)
    session.flush()
    return topics


def ensure_lists(session: SessionLike) -> dict[str, MailingList]:
    """The three standard lists, created when missing."""
    lists = {}
    for slug, name, name_en, region_slug in DEMO_LISTS:
        found = session.scalar(select(MailingList).where(MailingList.slug == slug))
        if found is None:
            region_id = (
                session.scalar(select(Region.id).where(Region.slug == region_slug))
                if region_slug
                else None
            )
            found = MailingList(
                slug=slug, name=name, name_en=name_en, region_id=region_id
            )
            session.add(found)
        lists[slug] = found
    session.flush()
    return lists


def seed_demo_subscribers(session: SessionLike, count: int = 300) -> None:
    """A few hundred subscribers across both regions; skipped when demo data exists."""
    lists = ensure_lists(session)
    topics = ensure_topics(session)
    existing = session.scalar(
        select(func.count()).where(Subscriber.email.like(f"%@{DEMO_DOMAIN}"))
    )
    if existing:
        return
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    regions = {r.slug: r for r in session.scalars(select(Region))}
    for number in range(count):
        region = regions["suedwestfalen"] if number % 5 < 3 else regions["dortmund"]
        in_swf = region.slug == "suedwestfalen"
        status = rng.choices(
            [
                SubscriberStatus.ACTIVE,
                SubscriberStatus.PENDING,
                SubscriberStatus.UNSUBSCRIBED,
            ],
            weights=[85, 10, 5],
        )[0]
        first, last = rng.choice(FIRST), rng.choice(LAST)
        subscriber = Subscriber(
            email=f"{first}.{last}.{number}@{DEMO_DOMAIN}".lower(),
            name=f"{first} {last}",
            organisation=f"{last} {rng.choice(['GmbH', 'AG', 'KG', 'e. V.', 'Labs'])}",
            org_type=rng.choice(ORG_TYPES_SWF if in_swf else ORG_TYPES_DO),
            district=rng.choice(region.districts) if in_swf else None,
            sector=rng.choice(SECTORS),
            size=rng.choice(SIZES),
            language="en" if rng.random() < 0.15 else "de",
            region=region,
            status=status,
            confirmed_at=utcnow() if status != SubscriberStatus.PENDING else None,
            interests=rng.sample(topics, k=rng.randint(0, 3)),
        )
        session.add(subscriber)
        own = lists["newsletter-suedwestfalen" if in_swf else "newsletter-dortmund"]
        chosen = [own] + (
            [lists["brueckenschlag-interregional"]] if rng.random() < 0.4 else []
        )
        for mailing_list in chosen:
            sub_status = {
                SubscriberStatus.ACTIVE: SubscriptionStatus.ACTIVE,
                SubscriberStatus.PENDING: SubscriptionStatus.PENDING,
            }.get(status, SubscriptionStatus.UNSUBSCRIBED)
            subscriber.subscriptions.append(
                Subscription(
                    mailing_list=mailing_list,
                    status=sub_status,
                    confirmed_at=subscriber.confirmed_at,
                )
            )
        session.flush()
        session.add(
            ConsentEvent(
                subscriber_id=subscriber.id,
                kind="signup",
                source=ConsentSource.IMPORT,
                note="Demo",
            )
        )
    session.flush()
