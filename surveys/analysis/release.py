"""One audited release per survey: every number an analyst can reach — the dashboard,
every download, the JSON API and the results block in mails — is read from it.

The release describes the respondents of every group with at least MIN_CELL people
(smaller groups, such as two public answers without a region, are left out of every
number rather than hiding the totals of everyone else). Filter values held by fewer
than MIN_CELL people are merged into one "others" value (its label never names
them); one filter at a time, and only the values offered, can be chosen. The cells
are suppressed and audited once (disclosure_audit.py) and cached until the survey or
its answers change.

A release holds the answers given before the start of the day (Europe/Berlin), so
the figures move once a day, not with every answer: an analyst who compared them
before and after one person answered would read her answer off the difference.
An answer changed today by someone who answered before does not show either, once
the worker has kept the day's rows (surveys.analysis.frozen)."""

import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import pandas as pd
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.db import SessionLike, utcnow
from core.models import Region
from newsletter.sending.models import Delivery, DeliveryStatus
from surveys.analysis.disclosure_audit import suppress
from surveys.analysis.frozen import frozen_rows
from surveys.analysis.release_cells import (
    ALL,
    NO_REGION,
    OTHER,
    Key,
    Layout,
    QuestionShape,
    View,
    build_sheet,
)
from surveys.analysis.release_rows import (
    ANSWER_COLUMNS,
    FILTERS,
    PEOPLE_COLUMNS,
    Rows,
    release_point,
    release_rows,
)
from surveys.models import Click, FrozenRelease, Survey, SurveyResponse

CACHE_SIZE = 16
# Why every count of a release is empty: no group reaches MIN_CELL, so nobody is
# counted. Said alike whether some answered or none did (nothing more is told).
NOBODY_COUNTED = "groups_under_min_cell"


class Refused(Exception):
    """The analyst asked for a view the release does not offer."""


@dataclass(frozen=True)
class Release:
    survey_id: int
    min_cell: int
    layout: Layout
    values: dict[Key, int]
    hidden: frozenset[Key]
    primary: frozenset[Key]
    campaigns: dict[int, dict[str, int]]  # id → delivered, clicks
    campaign_sizes: dict[str, int]  # respondents per campaign id
    until: datetime  # the answers given before this time
    built_at: datetime
    seconds: float
    audit_seconds: float
    lp_solved: int

    @property
    def withheld(self) -> str | None:
        """Why every count is withheld (NOBODY_COUNTED), None when groups are."""
        return None if self.layout.groups else NOBODY_COUNTED

    def shown(self, key: Key) -> int | None:
        """The published value of a cell, None when suppressed or withheld."""
        if key in self.hidden or self.withheld:
            return None
        return self.values.get(key, 0)

    def clicks(self, campaign_id: int) -> int | None:
        clicks = self.campaigns[campaign_id]["clicks"]
        return None if 0 < clicks < self.min_cell else clicks

    def view(self, filters: dict[str, str]) -> View:
        """The view of the chosen filter (at most one, of the values offered)."""
        chosen = {k: v for k, v in filters.items() if v}
        if not chosen:
            return ALL
        if len(chosen) > 1:
            raise Refused(str(_l("Please choose at most one filter at a time.")))
        ((attribute, value),) = chosen.items()
        if value not in self.layout.filters.get(attribute, []):
            raise Refused(
                str(
                    _l(
                        "This filter value is not offered: groups of fewer than "
                        "%(n)s respondents are combined under “Others or not given”.",
                        n=self.min_cell,
                    )
                )
            )
        return (attribute, value)

    def share_hidden(self) -> float:
        return len(self.hidden) / max(1, len(self.values))


def frames(
    people_rows: Rows, answer_rows: Rows, until: datetime
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per respondent who answered before `until` (attributes, day) and one
    per non-text answer."""
    answers = pd.DataFrame.from_records(answer_rows, columns=ANSWER_COLUMNS)
    people = pd.DataFrame.from_records(people_rows, columns=PEOPLE_COLUMNS)
    # The driver's own values: text on SQLite, datetimes on PostgreSQL (UTC).
    created = pd.to_datetime(people.pop("created_at"), utc=True, format="ISO8601")
    people = people[
        (created < pd.Timestamp(until)).to_numpy()
        & people["response_id"].isin(answers["response_id"]).to_numpy()
    ].copy()
    people["group"] = people["group"].fillna(NO_REGION)
    # Ids as text: a float id ("1.0") never equals the "1" of a filter.
    people["campaign_id"] = people["campaign_id"].map(
        lambda c: str(int(c)), na_action="ignore"
    )
    # The day of the first answer: a change of today would show as an answer of
    # today and leave the day she first answered.
    people["day"] = (
        created.loc[people.index].dt.tz_convert("Europe/Berlin").dt.date.astype(str)
    )
    return people, answers


def _recode(
    people: pd.DataFrame, min_cell: int
) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Per filter, the values offered: each held by at least min_cell people, the
    rest (and "not given") merged into OTHER. A filter with one value is none."""
    people = people.copy()
    offered = {}
    for attribute in FILTERS:
        column = people[attribute].replace("", None).map(str, na_action="ignore")
        sizes = column.value_counts()
        named = sorted(str(v) for v, n in sizes.items() if n >= min_cell)
        people[attribute] = column.where(column.isin(named), OTHER)
        values = named + ([OTHER] if (people[attribute] == OTHER).any() else [])
        if len(values) >= 2:
            offered[attribute] = values
        else:
            people = people.drop(columns=attribute)
    return people, offered


def _layout(
    survey: Survey,
    people: pd.DataFrame,
    filters: dict[str, list[str]],
    region_order: list[str],
) -> Layout:
    asked = [q for q in survey.questions if q.kind != "text"]
    topics: dict[tuple[int, str], list[int]] = {}
    for question in asked:
        for option in question.options:
            if option.topic_id and option.kind in ("need", "offer"):
                topics.setdefault((option.topic_id, option.kind), []).append(option.id)
    return Layout(
        # Regions in their usual order (as everywhere else), answers without last.
        groups=sorted(
            set(people["group"]),
            key=lambda g: (
                g == NO_REGION,
                region_order.index(g) if g in region_order else 0,
                g,
            ),
        ),
        filters=filters,
        questions=[QuestionShape.of(q) for q in asked],
        topics=topics,
        days=sorted(set(people["day"])),
    )


def _campaigns(
    session: SessionLike, survey_id: int, until: datetime
) -> dict[int, dict[str, int]]:
    """Deliveries and clicks of the campaigns that carried the survey, up to the
    release's time like its answers: a delivery of today beside no answer of today
    would make a rate of 0 %."""
    answered = select(SurveyResponse.campaign_id).where(
        SurveyResponse.survey_id == survey_id, SurveyResponse.created_at < until
    )
    clicks: dict[Any, int] = dict(
        session.execute(
            select(Click.campaign_id, func.count())
            .where(
                Click.survey_id == survey_id,
                Click.campaign_id.is_not(None),
                Click.at < until,
            )
            .group_by(Click.campaign_id)
        ).all()
    )
    delivered: dict[Any, int] = dict(
        session.execute(
            select(Delivery.campaign_id, func.count())
            .where(
                Delivery.campaign_id.in_(answered) | Delivery.campaign_id.in_(clicks),
                Delivery.status == DeliveryStatus.SENT,
                Delivery.sent_at < until,
            )
            .group_by(Delivery.campaign_id)
        ).all()
    )
    ids = (
        set(clicks)
        | set(delivered)
        | {c for c in session.scalars(answered.distinct()) if c is not None}
    )
    return {
        c: {"delivered": delivered.get(c, 0), "clicks": clicks.get(c, 0)}
        for c in sorted(ids)
    }


def build_release(
    session: SessionLike, survey: Survey, min_cell: int, until: datetime
) -> Release:
    """Count, suppress and audit every number of the survey's answers before
    `until`."""
    start = time.perf_counter()
    # The day's rows as the worker kept them, else the answers as they are.
    rows = frozen_rows(session, survey, until) or release_rows(session, survey.id)
    people, answers = frames(*rows, until)
    sizes = people["group"].value_counts()
    people = people[people["group"].map(sizes) >= min_cell].copy()
    answers = answers[answers["response_id"].isin(people["response_id"])]
    campaign_sizes = {
        str(k): int(v) for k, v in people["campaign_id"].value_counts().items()
    }
    people, filters = _recode(people, min_cell)
    # Categories: every count groups by these, and text keys are factorised anew
    # for each of the dozens of group-bys.
    for column in ["group", *filters]:
        people[column] = people[column].astype("category")
    answers = answers.merge(
        people.drop(columns=["answered_at", "day"]), on="response_id"
    )
    region_order = list(session.scalars(select(Region.name).order_by(Region.id)))
    layout = _layout(survey, people, filters, region_order)
    sheet = build_sheet(people, answers, layout)
    audit_start = time.perf_counter()
    suppression = suppress(sheet, min_cell)
    done = time.perf_counter()
    return Release(
        survey_id=survey.id,
        min_cell=min_cell,
        layout=layout,
        values=sheet.values,
        hidden=suppression.hidden,
        primary=suppression.primary,
        campaigns=_campaigns(session, survey.id, until),
        campaign_sizes=campaign_sizes,
        until=until,
        built_at=utcnow(),
        seconds=done - start,
        audit_seconds=done - audit_start,
        lp_solved=suppression.lp_solved,
    )


_cache: OrderedDict[tuple, Release] = OrderedDict()


def _version(session: SessionLike, survey: Survey, until: datetime) -> tuple:
    """Changes whenever the survey or any of its answers before `until` does; the
    day's kept inputs (surveys.analysis.frozen) change with the survey only."""
    engine = str(session.get_bind().engine.url)
    kept = session.scalar(
        select(FrozenRelease.survey_id).where(
            FrozenRelease.survey_id == survey.id, FrozenRelease.until == until
        )
    )
    if kept is not None:
        return (engine, survey.id, survey.version, until, "kept")
    newest = session.execute(
        select(
            func.count(SurveyResponse.id),
            func.max(SurveyResponse.id),
            func.max(SurveyResponse.updated_at),
        ).where(
            SurveyResponse.survey_id == survey.id, SurveyResponse.created_at < until
        )
    ).one()
    return (engine, survey.id, survey.version, until, *newest)


def release_of(session: SessionLike, survey: Survey, min_cell: int) -> Release:
    """The survey's release of today, built once per version of its answers."""
    until = release_point(utcnow())
    key = (*_version(session, survey, until), min_cell)
    if key in _cache:
        _cache.move_to_end(key)
    else:
        _cache[key] = build_release(session, survey, min_cell, until)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    # Deliveries and clicks change without new answers: read fresh, cheaply.
    return replace(_cache[key], campaigns=_campaigns(session, survey.id, until))
