"""Introductions with double consent: a manager proposes, both sides accept or
decline on a page (POST), and only when both accepted does each get the other's
contact details. Eight weeks later both are asked whether something came of it."""

from datetime import timedelta

from sqlalchemy import and_, or_, select

from core.db import SessionLike, utcnow
from landscape.models import Decision, Introduction, Profile, ProfileStatus
from newsletter.audience.models import Subscriber

FOLLOW_UP_AFTER = timedelta(weeks=8)


class IntroductionError(Exception):
    """An introduction that cannot be proposed or answered; the message says why."""


def propose(
    session: SessionLike,
    seeker: Profile,
    provider: Profile,
    topic_id: int,
    user_id: int | None,
) -> Introduction:
    """Record the proposal; the caller commits and then sends both requests."""
    if (
        seeker.status != ProfileStatus.APPROVED
        or (provider.status) != ProfileStatus.APPROVED
    ):
        raise IntroductionError("not public")
    if seeker.subscriber_id == provider.subscriber_id:
        raise IntroductionError("same person")
    # The pair, whichever way round: who declined is not asked again.
    a, b = seeker.subscriber_id, provider.subscriber_id
    exists = session.scalar(
        select(Introduction.id)
        .where(
            or_(
                and_(Introduction.seeker_id == a, Introduction.provider_id == b),
                and_(Introduction.seeker_id == b, Introduction.provider_id == a),
            )
        )
        .limit(1)
    )
    if exists is not None:
        raise IntroductionError("already proposed")
    made = Introduction(
        topic_id=topic_id,
        seeker_id=seeker.subscriber_id,
        provider_id=provider.subscriber_id,
        seeker_region_id=seeker.region_id,
        provider_region_id=provider.region_id,
        proposed_by=user_id,
    )
    session.add(made)
    session.flush()
    return made


def side_of(introduction: Introduction, subscriber_id: int) -> str:
    """ "seeker" or "provider"."""
    if subscriber_id == introduction.seeker_id:
        return "seeker"
    if subscriber_id == introduction.provider_id:
        return "provider"
    raise IntroductionError("not part of it")


def counterpart(introduction: Introduction, subscriber_id: int) -> Subscriber:
    if side_of(introduction, subscriber_id) == "seeker":
        return introduction.provider
    return introduction.seeker


def answer(
    session: SessionLike, introduction: Introduction, subscriber_id: int, accept: bool
) -> bool:
    """Record her answer; True when this answer completed the double consent, so
    the contacts go out now. Until both agreed she may take a "Ja" back (Art. 7(3)
    GDPR): a "Nein" then declines the introduction. A decline is final, and after
    the exchange nothing changes any more."""
    attribute = f"{side_of(introduction, subscriber_id)}_answer"
    if introduction.declined or introduction.exchanged_at is not None:
        return False
    setattr(introduction, attribute, Decision.ACCEPTED if accept else Decision.DECLINED)
    completed = introduction.accepted and introduction.exchanged_at is None
    if completed:
        introduction.exchanged_at = utcnow()
    session.flush()
    return completed


def record_outcome(
    introduction: Introduction, subscriber_id: int, fruitful: bool
) -> None:
    """Her answer to "Ist daraus etwas entstanden?" (she may change it)."""
    setattr(introduction, f"{side_of(introduction, subscriber_id)}_fruitful", fruitful)


def due_for_follow_up(session: SessionLike) -> list[Introduction]:
    """Exchanged eight weeks ago or more, not yet asked."""
    return list(
        session.scalars(
            select(Introduction).where(
                Introduction.exchanged_at <= utcnow() - FOLLOW_UP_AFTER,
                Introduction.followup_sent_at.is_(None),
            )
        )
    )
