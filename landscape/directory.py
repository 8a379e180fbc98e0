"""The public directory: approved profiles only, filtered by region, topic,
organisation type, place and a search, one page at a time."""

from dataclasses import dataclass

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import selectinload

from core.db import SessionLike
from landscape.models import Profile, ProfileStatus, ProfileTopic

PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    region_id: int | None = None
    topic_id: int | None = None
    side: str | None = None  # "offer" or "need"; None: either
    org_type: str | None = None
    place: str | None = None
    search: str = ""
    page: int = 1


def _where(filters: Filters, without: str = ""):  # type: ignore[no-untyped-def]
    """The conditions of the filters (leaving one out, for its own counts)."""
    conditions = [Profile.status == ProfileStatus.APPROVED]
    if filters.region_id is not None:
        conditions.append(Profile.region_id == filters.region_id)
    if filters.topic_id is not None and without != "topic":
        link = (ProfileTopic.profile_id == Profile.id) & (
            ProfileTopic.topic_id == filters.topic_id
        )
        if filters.side:
            link = link & (ProfileTopic.side == filters.side)
        conditions.append(exists().where(link))
    if filters.org_type and without != "org_type":
        conditions.append(Profile.org_type == filters.org_type)
    if filters.place and without != "place":
        conditions.append(Profile.place == filters.place)
    if filters.search:
        pattern = "%" + filters.search.replace("%", "").replace("_", "") + "%"
        conditions.append(
            or_(
                Profile.organisation.ilike(pattern),
                Profile.description.ilike(pattern),
                Profile.place.ilike(pattern),
            )
        )
    return conditions


def find(session: SessionLike, filters: Filters) -> tuple[list[Profile], int]:
    """One page of matching profiles (newest approval first) and how many match."""
    conditions = _where(filters)
    total = session.scalar(select(func.count(Profile.id)).where(*conditions)) or 0
    page = list(
        session.scalars(
            select(Profile)
            .where(*conditions)
            .options(selectinload(Profile.topic_links))
            .order_by(Profile.approved_at.desc(), Profile.id.desc())
            .limit(PAGE_SIZE)
            .offset((max(filters.page, 1) - 1) * PAGE_SIZE)
        )
    )
    return page, total


def topic_counts(session: SessionLike, filters: Filters) -> dict[int, int]:
    """How many matching profiles name each topic (offered or sought)."""
    rows = session.execute(
        select(ProfileTopic.topic_id, func.count(func.distinct(Profile.id)))
        .join(Profile, Profile.id == ProfileTopic.profile_id)
        .where(*_where(filters, without="topic"))
        .group_by(ProfileTopic.topic_id)
    )
    return dict(rows.all())  # type: ignore[arg-type]


def values(session: SessionLike, filters: Filters, column: str) -> dict[str, int]:
    """The organisation types or places of matching profiles, with counts."""
    target = getattr(Profile, column)
    rows = session.execute(
        select(target, func.count(Profile.id))
        .where(*_where(filters, without=column), target != "")
        .group_by(target)
        .order_by(target)
    )
    return dict(rows.all())  # type: ignore[arg-type]


def recently_approved(
    session: SessionLike, region_id: int | None, limit: int = 5
) -> list[Profile]:
    """The newest public profiles (of a region, or of all)."""
    query = select(Profile).where(Profile.status == ProfileStatus.APPROVED)
    if region_id is not None:
        query = query.where(Profile.region_id == region_id)
    return list(
        session.scalars(query.order_by(Profile.approved_at.desc()).limit(limit))
    )
