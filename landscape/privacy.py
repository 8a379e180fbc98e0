"""A person's profile, consent log and introductions in her export, and what her
erasure does to them: all deleted; a counterpart of an open or completed
introduction is told only that the contact is no longer available."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select

from core.db import SessionLike
from landscape.consent import consent_events
from landscape.models import ContactGone, Introduction, Profile, ProfileConsent
from newsletter.audience.models import Subscriber
from newsletter.audience.personal_data import PersonalDataSource, Rows
from newsletter.audience.scope import Scope


def _iso(value):  # type: ignore[no-untyped-def]
    return value.isoformat() if value else None


def _introductions(session: SessionLike, subscriber_id: int) -> list[Introduction]:
    return list(
        session.scalars(
            select(Introduction)
            .where(
                or_(
                    Introduction.seeker_id == subscriber_id,
                    Introduction.provider_id == subscriber_id,
                )
            )
            .order_by(Introduction.id)
        )
    )


def export_landscape(
    session: SessionLike, subscriber: Subscriber, scope: Scope
) -> Rows:
    """Her profile, her consent events word for word, and her introductions (the
    counterpart named only where both agreed and she received the contact); they
    are her region's agency's, which moderates them."""
    if not scope.acts_for(subscriber.region_id):
        return []
    profile = session.scalar(
        select(Profile).where(Profile.subscriber_id == subscriber.id)
    )
    rows: Rows = []
    if profile is not None:
        rows.append(
            {
                "record": "profile",
                "status": profile.status,
                "organisation": profile.organisation,
                "organisation_type": profile.org_type,
                "place": profile.place,
                "website": profile.website,
                "description": profile.description,
                "topics_offered": [t.name for t in profile.topics("offer")],
                "topics_sought": [t.name for t in profile.topics("need")],
                "approved_at": _iso(profile.approved_at),
            }
        )
    rows += [
        {
            "record": "consent",
            "event": event.kind,
            "at": event.at.isoformat(),
            "language": event.language,
            "text": event.text,
        }
        for event in consent_events(session, subscriber.id)
    ]
    for intro in _introductions(session, subscriber.id):
        seeking = intro.seeker_id == subscriber.id
        other = intro.provider if seeking else intro.seeker
        rows.append(
            {
                "record": "introduction",
                "role": "seeking" if seeking else "offering",
                "topic": intro.topic.name,
                "proposed_at": intro.proposed_at.isoformat(),
                "my_answer": intro.seeker_answer if seeking else intro.provider_answer,
                "contacts_exchanged_at": _iso(intro.exchanged_at),
                "contact": other.email if intro.exchanged_at else None,
                "something_came_of_it": (
                    intro.seeker_fruitful if seeking else intro.provider_fruitful
                ),
            }
        )
    return rows


def erase_landscape(session: SessionLike, subscriber: Subscriber, scope: Scope) -> None:
    """Delete profile, consent log and introductions; queue the counterparts'
    notices for those still open or completed."""
    if not scope.acts_for(subscriber.region_id):
        return
    for intro in _introductions(session, subscriber.id):
        other_id = (
            intro.provider_id if intro.seeker_id == subscriber.id else intro.seeker_id
        )
        if not intro.declined:
            session.add(ContactGone(subscriber_id=other_id, topic_id=intro.topic_id))
        session.delete(intro)
    for model in (Profile, ProfileConsent, ContactGone):
        session.execute(delete(model).where(model.subscriber_id == subscriber.id))
    session.flush()


LANDSCAPE = PersonalDataSource(
    key="kompetenzlandschaft",
    title=_l("Kompetenzlandschaft"),
    export=export_landscape,
    erase=erase_landscape,
    template="landscape/my_data.html",
    order=70,
)
