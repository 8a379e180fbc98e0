"""Suggestions: for each topic a profile of the manager's region looks for, the
profiles that offer it, from the other region first, ranked by a score whose parts
are shown as the reason. A pair that was ever proposed, either way round, is not
suggested again."""

from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.db import SessionLike, utcnow
from landscape.models import Introduction, Profile, ProfileStatus
from newsletter.audience.models import OrgType, Topic

# Organisations that usually complement each other: a firm needs what a university
# or a start-up offers, and the other way round.
COMPLEMENTS = {
    OrgType.COMPANY: {OrgType.UNIVERSITY, OrgType.STARTUP},
    OrgType.UNIVERSITY: {OrgType.COMPANY, OrgType.STARTUP},
    OrgType.STARTUP: {OrgType.COMPANY, OrgType.UNIVERSITY},
}
RECENT = timedelta(days=60)
PER_NEED = 5


@dataclass
class Suggestion:
    seeker: Profile
    provider: Profile
    topic: Topic
    score: int
    reasons: list[str] = field(default_factory=list)

    @property
    def across_regions(self) -> bool:
        return self.seeker.region_id != self.provider.region_id


def _score(seeker: Profile, provider: Profile) -> tuple[int, list[str]]:
    """Points and the reason for each."""
    shared = {t.id for t in seeker.topics("need")} & {
        t.id for t in provider.topics("offer")
    }
    points = 3 * len(shared)
    reasons = [
        str(
            ngettext(
                "%(num)s sought topic offered (+%(points)s)",
                "%(num)s sought topics offered (+%(points)s)",
                len(shared),
                points=points,
            )
        )
    ]
    if provider.org_type in COMPLEMENTS.get(seeker.org_type, set()):  # type: ignore[call-overload]
        points += 2
        reasons.append(str(_l("types complement each other (+2)")))
    if seeker.region_id != provider.region_id:
        points += 2
        reasons.append(str(_l("across the regions (+2)")))
    approved = provider.approved_at
    if approved is not None and utcnow() - approved < RECENT:
        points += 1
        reasons.append(str(_l("new in the Kompetenzlandschaft (+1)")))
    return points, reasons


def _proposed_pairs(session: SessionLike) -> set[frozenset[int]]:
    """The pairs ever proposed, whichever of the two looked for the topic."""
    rows = session.execute(select(Introduction.seeker_id, Introduction.provider_id))
    return {frozenset((a, b)) for a, b in rows}


def suggestions(session: SessionLike, region_ids: set[int] | None) -> list[Suggestion]:
    """Ranked suggestions for the needs of these regions (None: every region)."""
    approved = list(
        session.scalars(
            select(Profile)
            .where(Profile.status == ProfileStatus.APPROVED)
            .options(selectinload(Profile.topic_links))
        )
    )
    proposed = _proposed_pairs(session)
    found = []
    for seeker in approved:
        if region_ids is not None and seeker.region_id not in region_ids:
            continue
        for topic in seeker.topics("need"):
            offers = [
                provider
                for provider in approved
                if provider.id != seeker.id
                and frozenset((seeker.subscriber_id, provider.subscriber_id))
                not in proposed
                and topic.id in {t.id for t in provider.topics("offer")}
            ]
            ranked = sorted(
                (Suggestion(seeker, p, topic, *_score(seeker, p)) for p in offers),
                key=lambda s: (not s.across_regions, -s.score, s.provider.id),
            )
            found += ranked[:PER_NEED]
    return found
