"""A filled Kompetenzlandschaft for `make run`: profiles of demo subscribers in both
regions (most public, a few waiting for review) and a few introductions."""

import random
from datetime import timedelta

from sqlalchemy import func, select

from core.db import SessionLike, utcnow
from landscape.models import Decision, Introduction, Profile, ProfileStatus
from landscape.profiles import ProfileData, save_profile
from newsletter.audience.demo import DEMO_DOMAIN, ensure_topics
from newsletter.audience.models import OrgType, Subscriber, SubscriberStatus

DESCRIPTIONS = {
    OrgType.COMPANY: "Mittelständischer Betrieb, der Partner für die nächsten Schritte "
    "der Digitalisierung sucht und eigene Erfahrung teilt.",
    OrgType.UNIVERSITY: "Lehrstuhl mit angewandter Forschung und Transferprojekten "
    "für Unternehmen der Region.",
    OrgType.STARTUP: "Junges Team mit einem Produkt, das sich in der Praxis "
    "bewährt hat und neue Pilotkunden sucht.",
    OrgType.PUBLIC: "Wirtschaftsförderung mit Beratung zu Förderprogrammen und "
    "Ansiedlung.",
    OrgType.NETWORK: "Netzwerk von Unternehmen und Hochschulen mit regelmäßigen "
    "Treffen.",
    OrgType.OTHER: "Organisation mit Angeboten rund um Weiterbildung.",
}


def seed_demo_landscape(session: SessionLike, count: int = 60) -> None:
    """Profiles and introductions; skipped when any profile exists."""
    if session.scalar(select(func.count(Profile.id))):
        return
    topics = ensure_topics(session)
    rng = random.Random(19)  # noqa: S311 - demo data, not security
    people = list(
        session.scalars(
            select(Subscriber)
            .where(
                Subscriber.email.like(f"%@{DEMO_DOMAIN}"),
                Subscriber.status == SubscriberStatus.ACTIVE,
                Subscriber.org_type.is_not(None),
            )
            .order_by(Subscriber.id)
            .limit(count)
        )
    )
    profiles = []
    for number, person in enumerate(people):
        chosen = rng.sample(topics, k=4)
        profile = save_profile(
            session,
            person,
            ProfileData(
                organisation=person.organisation,
                org_type=person.org_type or OrgType.OTHER,
                place=person.district.name if person.district else person.region.name,
                website=f"https://www.{person.organisation.split()[0].lower()}.example",
                description=DESCRIPTIONS[OrgType(person.org_type or "other")],
                offers=[t.id for t in chosen[:2]],
                needs=[t.id for t in chosen[2:3]],
            ),
        )
        if number % 10 != 0:  # every tenth waits for the manager
            profile.status = ProfileStatus.APPROVED
            profile.approved_at = utcnow() - timedelta(days=rng.randint(0, 120))
        profiles.append(profile)
    _demo_introductions(session, [p for p in profiles if p.status == "approved"])
    session.flush()


def _demo_introductions(session: SessionLike, public: list[Profile]) -> None:
    """Pairs across the regions on a shared topic, at every stage."""
    made = 0
    for seeker in public:
        for provider in public:
            shared = {t.id for t in seeker.topics("need")} & {
                t.id for t in provider.topics("offer")
            }
            if not shared or seeker.region_id == provider.region_id or made >= 12:
                continue
            accepted = made % 3 != 2
            proposed = utcnow() - timedelta(weeks=10 - made % 4 * 2)
            session.add(
                Introduction(
                    topic_id=min(shared),
                    seeker_id=seeker.subscriber_id,
                    provider_id=provider.subscriber_id,
                    seeker_region_id=seeker.region_id,
                    provider_region_id=provider.region_id,
                    proposed_at=proposed,
                    seeker_answer=Decision.ACCEPTED,
                    provider_answer=Decision.ACCEPTED
                    if accepted
                    else Decision.DECLINED,
                    exchanged_at=proposed + timedelta(days=2) if accepted else None,
                    seeker_fruitful=True if accepted and made % 2 == 0 else None,
                )
            )
            made += 1
            break
