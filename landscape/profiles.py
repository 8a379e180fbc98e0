"""A person's profile: prefilled from what she told us, confirmed by her with her
consent, approved or hidden by her region's manager, withdrawn by her."""

from dataclasses import dataclass, field

from sqlalchemy import select, update

from core.db import SessionLike, utcnow
from landscape.consent import (
    consent_sentence,
    log_consent,
    withdrawal_sentence,
)
from landscape.models import (
    ConsentKind,
    Decision,
    Introduction,
    Profile,
    ProfileStatus,
    ProfileTopic,
)
from newsletter.audience.models import Subscriber, Topic
from surveys.models import Answer, Option, SurveyResponse


@dataclass
class ProfileData:
    """What the person confirms on the preview page."""

    organisation: str
    org_type: str
    place: str = ""
    website: str = ""
    description: str = ""
    offers: list[int] = field(default_factory=list)
    needs: list[int] = field(default_factory=list)


def profile_of(session: SessionLike, subscriber_id: int) -> Profile | None:
    return session.scalar(select(Profile).where(Profile.subscriber_id == subscriber_id))


def topics_by_id(session: SessionLike, ids: list[int]) -> list[Topic]:
    """These topics, by name."""
    if not ids:
        return []
    return list(
        session.scalars(select(Topic).where(Topic.id.in_(ids)).order_by(Topic.name))
    )


def answered_topics(session: SessionLike, subscriber_id: int) -> dict[str, list[int]]:
    """Topics of the need and offer options the person chose in surveys."""
    rows = session.execute(
        select(Option.kind, Option.topic_id)
        .join(Answer, Answer.option_id == Option.id)
        .join(SurveyResponse, SurveyResponse.id == Answer.response_id)
        .where(
            SurveyResponse.subscriber_id == subscriber_id,
            Option.topic_id.is_not(None),
            Option.kind.in_(("need", "offer")),
        )
        .distinct()
    )
    found: dict[str, list[int]] = {"need": [], "offer": []}
    for kind, topic_id in rows:
        if kind is None or topic_id is None or kind not in found:
            continue
        if topic_id not in found[kind]:
            found[kind].append(topic_id)
    return found


def prefilled(session: SessionLike, subscriber: Subscriber) -> ProfileData:
    """Her profile as it stands, or a first draft from her details and answers."""
    existing = profile_of(session, subscriber.id)
    if existing is not None:
        return ProfileData(
            organisation=existing.organisation,
            org_type=existing.org_type,
            place=existing.place,
            website=existing.website,
            description=existing.description,
            offers=[t.id for t in existing.topics("offer")],
            needs=[t.id for t in existing.topics("need")],
        )
    topics = answered_topics(session, subscriber.id)
    return ProfileData(
        organisation=subscriber.organisation,
        org_type=subscriber.org_type or "",
        place=subscriber.district.name if subscriber.district else "",
        offers=topics["offer"],
        needs=topics["need"],
    )


def save_profile(
    session: SessionLike, subscriber: Subscriber, data: ProfileData
) -> Profile:
    """Store what she confirmed, with her consent logged word for word. A changed
    profile is checked by the manager again before it is public."""
    profile = profile_of(session, subscriber.id)
    if profile is None:
        profile = Profile(subscriber_id=subscriber.id, region_id=subscriber.region_id)
        session.add(profile)
    profile.organisation = data.organisation
    profile.org_type = data.org_type
    profile.place = data.place
    profile.website = data.website
    profile.description = data.description
    profile.topic_links = [
        ProfileTopic(topic_id=topic_id, side=side)
        for side, ids in (("offer", data.offers), ("need", data.needs))
        for topic_id in dict.fromkeys(ids)
    ]
    profile.status = ProfileStatus.PENDING
    profile.approved_at = None
    profile.updated_at = utcnow()
    text = consent_sentence(subscriber.region, subscriber.language)
    log_consent(session, subscriber, ConsentKind.GIVEN, text)
    session.flush()
    return profile


def withdraw(session: SessionLike, subscriber: Subscriber) -> bool:
    """Delete her profile, decline her introductions still open (nothing may be
    shared after this) and log the withdrawal; False if she had no profile."""
    profile = profile_of(session, subscriber.id)
    if profile is None:
        return False
    for side in ("seeker", "provider"):
        session.execute(
            update(Introduction)
            .where(
                getattr(Introduction, f"{side}_id") == subscriber.id,
                Introduction.exchanged_at.is_(None),
            )
            .values({f"{side}_answer": Decision.DECLINED})
        )
    session.delete(profile)
    log_consent(
        session,
        subscriber,
        ConsentKind.WITHDRAWN,
        withdrawal_sentence(subscriber.language),
    )
    session.flush()
    return True


def review(session: SessionLike, profile: Profile, approve: bool) -> None:
    """The manager's decision: public, or hidden again."""
    profile.status = ProfileStatus.APPROVED if approve else ProfileStatus.HIDDEN
    if approve and profile.approved_at is None:
        profile.approved_at = utcnow()
    session.flush()
