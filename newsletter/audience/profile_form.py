"""Filling the profile form's choices for a region, and reading a Profile from it."""

from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectChoice

from core.db import SessionLike, db
from core.models import Region
from newsletter.audience.forms import (
    ProfileFields,
    SignupForm,
    org_type_choices,
    size_choices,
)
from newsletter.audience.models import MailingList, Subscriber, Topic
from newsletter.audience.subscriptions import Profile, allowed_lists


def list_label(mailing_list: MailingList, language: str) -> str:
    if language == "en" and mailing_list.name_en:
        return mailing_list.name_en
    return mailing_list.name


def fill_choices(
    form: ProfileFields, region: Region, lists: list[MailingList] | None = None
) -> None:
    """Set the region's lists (or those given), districts and the topics as the
    form's choices."""
    language = str(get_locale() or "de")[:2]
    form.org_type.choices = org_type_choices()
    form.size.choices = size_choices()
    form.district_id.choices = [SelectChoice("", _l("– please choose –"))] + [
        SelectChoice(str(district.id), district.name) for district in region.districts
    ]
    offered = lists if lists is not None else allowed_lists(db.session, region)
    form.lists.choices = [
        SelectChoice(ml.id, list_label(ml, language)) for ml in offered
    ]
    if isinstance(form, SignupForm):
        form.joint_list_ids = frozenset(ml.id for ml in offered if ml.region_id is None)
    form.topics.choices = [
        SelectChoice(topic.id, topic.label(language))
        for topic in db.session.scalars(select(Topic).order_by(Topic.name))
    ]


def profile_from_form(form: ProfileFields, email: str | None = None) -> Profile:
    """The Profile the person entered."""
    district = form.district_id.data
    return Profile(
        email=email if email is not None else form.email.data or "",  # type: ignore[attr-defined]
        name=form.name.data or "",
        organisation=form.organisation.data or "",
        org_type=form.org_type.data or None,
        district_id=int(district) if district else None,
        sector=form.sector.data or "",
        size=form.size.data or "",
        language=form.language.data or "de",
        topic_ids=list(form.topics.data or []),
    )


def selected_lists(session: SessionLike, list_ids: list[int]) -> list[MailingList]:
    """The lists with these ids, by name."""
    return list(
        session.scalars(
            select(MailingList)
            .where(MailingList.id.in_(list_ids))
            .order_by(MailingList.name)
        )
    )


def profile_form_data(subscriber: Subscriber) -> dict[str, Any]:
    """The subscriber's details as the profile form shows them."""
    return {
        "name": subscriber.name,
        "organisation": subscriber.organisation,
        "org_type": subscriber.org_type or "",
        "district_id": str(subscriber.district_id or ""),
        "sector": subscriber.sector,
        "size": subscriber.size,
        "language": subscriber.language,
        "lists": [s.list_id for s in subscriber.subscriptions if s.status == "active"],
        "topics": [topic.id for topic in subscriber.interests],
    }
