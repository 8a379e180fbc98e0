"""All tables of one survey and view, labelled for people, as the dashboard, the
downloads and the API show them: read from the survey's audited release."""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

import pandas as pd
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.db import SessionLike, utcnow
from core.input_guard import without_control_characters
from newsletter.audience.models import Topic
from surveys.analysis import release_tables
from surveys.analysis.release import FILTERS, Release, release_of
from surveys.analysis.release_cells import NO_REGION, OTHER, TOTAL, View
from surveys.analysis.trends import Trend, trend_of
from surveys.models import Survey


@dataclass
class Report:
    survey: Survey
    language: str
    filters: dict[str, str]
    min_cell: int
    generated_at: datetime
    answers_until: datetime  # the answers given before this time are in it
    regions: list[str]
    shares: pd.DataFrame
    differences: pd.DataFrame
    scales: pd.DataFrame
    bridge: pd.DataFrame
    over_time: pd.DataFrame
    rates: pd.DataFrame
    respondents: int
    total_hidden: bool  # everyone's number hidden, though groups are shown
    release: Release
    view: View
    session: SessionLike = field(repr=False)

    @cached_property
    def trend(self) -> Trend:
        """Every wave, unfiltered; built when first asked for (the results block of
        a mail draws one question of this wave and never asks: the waves' releases
        cost a third of a second each)."""
        return trend_of(self.session, self.survey, self.min_cell)

    def group_label(self, group: str) -> str:
        if group == TOTAL:
            return str(_l("All"))
        if group == NO_REGION:
            return str(_l("Region not given"))
        return group

    @property
    def groups(self) -> list[str]:
        return [*self.release.layout.groups, TOTAL]


def chosen_filters(mapping: Any) -> dict[str, str]:
    """The filters in a request's arguments (empty ones dropped)."""
    return {k: str(mapping.get(k)) for k in FILTERS if mapping.get(k)}


def filter_label(value: str) -> str:
    return str(_l("Others or not given")) if value == OTHER else value


def build_report(
    session: SessionLike,
    survey: Survey,
    filters: dict[str, str],
    min_cell: int,
    language: str,
) -> Report:
    """The report of one view (raises release.Refused for a view not offered)."""
    release = release_of(session, survey, min_cell)
    view = release.view(filters)
    topics = {
        t.id: t.label(language)
        for t in session.scalars(select(Topic).order_by(Topic.name))
        if any(key[0] == t.id for key in release.layout.topics)
    }
    shares = release_tables.shares(release, view)
    from newsletter.campaigns.labels import campaign_name
    from newsletter.campaigns.models import Campaign

    names = {
        c.id: campaign_name(c)
        for c in session.scalars(
            select(Campaign).where(Campaign.id.in_(list(release.campaigns)))
        )
    }
    respondents = release.shown((view, TOTAL, "N")) or 0
    return Report(
        survey=survey,
        language=language,
        filters=filters,
        min_cell=min_cell,
        # When it was made (every answer until then is in it), not when the release
        # was: that time would tell when answers last came in, even while every
        # group is under the minimum.
        generated_at=utcnow(),
        answers_until=release.until,
        regions=[g for g in release.layout.groups if g != NO_REGION],
        shares=shares,
        differences=release_tables.differences(release, view, shares),
        scales=release_tables.scales(release, view),
        bridge=release_tables.bridge(release, view, topics),
        over_time=release_tables.over_time(release),
        rates=release_tables.response_rates(release, names),
        respondents=respondents if respondents >= min_cell else 0,
        total_hidden=(view, TOTAL, "N") in release.hidden,
        release=release,
        view=view,
        session=session,
    )


def labelled_tables(report: Report) -> dict[str, pd.DataFrame]:
    """The tables with question and option texts, for people and files."""
    with force_locale(report.language):
        questions = {q.id: q.text_for(report.language) for q in report.survey.questions}
        options = {
            o.id: o.label_for(report.language)
            for q in report.survey.questions
            for o in q.options
        }
        shares = report.shares.assign(
            question=report.shares["question_id"].map(questions),
            option=report.shares["option_id"].map(options),
            group=report.shares["group"].map(report.group_label),
        )[
            [
                "question_id",
                "question",
                "option_id",
                "option",
                "group",
                "n",
                "count",
                "share",
                "ci_low",
                "ci_high",
                "suppressed",
                "withheld",
            ]
        ]
        differences = report.differences.assign(
            question=report.differences["question_id"].map(questions),
            option=report.differences["option_id"].map(options),
        )
        scales = (
            report.scales.assign(
                question=report.scales["question_id"].map(questions),
                group=report.scales["group"].map(report.group_label),
            )
            if len(report.scales)
            else report.scales
        )
        bridge_table = report.bridge.assign(
            group=report.bridge["group"].map(report.group_label)
        )
        trend = report.trend
        tables = {
            "shares": shares,
            "differences": differences,
            "scales": scales,
            "bridge": bridge_table,
            "over_time": report.over_time,
            "response_rates": report.rates,
            "waves": _wave_labelled(trend.shares, questions, options, report),
            "wave_changes": _wave_labelled(trend.changes, questions, options, report),
            "wave_means": _wave_labelled(trend.means, questions, {}, report),
        }
        return {name: _text_without_control_characters(t) for name, t in tables.items()}


def _wave_labelled(
    table: pd.DataFrame,
    questions: dict[int, str],
    options: dict[int, str],
    report: Report,
) -> pd.DataFrame:
    """A trend table with the question's (and option's) text beside its number."""
    labelled = table.assign(
        question=table["question_id"].map(questions),
        group=table["group"].map(report.group_label),
    )
    columns = ["question_id", "question"]
    if "option_id" in table.columns:
        labelled["option"] = table["option_id"].map(options)
        columns += ["option_id", "option"]
    rest = [c for c in table.columns if c not in ("question_id", "option_id")]
    return labelled[columns + rest]


def _text_without_control_characters(table: pd.DataFrame) -> pd.DataFrame:
    """Texts typed before the input checks may hold control characters; every file
    made from these tables (CSV, XLSX, Parquet, JSON) leaves them out."""
    cleaned = table.copy()
    for column in cleaned.columns:
        if pd.api.types.is_object_dtype(
            cleaned[column]
        ) or pd.api.types.is_string_dtype(cleaned[column]):
            cleaned[column] = cleaned[column].map(without_control_characters)
    return cleaned


def _clean(value: object) -> object:
    """Missing (NaN, NA) as None, numpy numbers as Python's."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def records(table: pd.DataFrame) -> list[dict]:
    """The rows of a table for a page, missing values as None."""
    return [{k: _clean(v) for k, v in row.items()} for row in table.to_dict("records")]


def question_charts(report: Report) -> list[dict]:
    """Per choice question: per option, each region's and the total's numbers."""
    groups = report.groups
    charts = []
    for question in report.survey.questions:
        part = report.shares[report.shares["question_id"] == question.id]
        if part.empty:
            continue
        differences = report.differences[
            report.differences["question_id"] == question.id
        ]
        options = []
        for option in question.options:
            cells = part[part["option_id"] == option.id].set_index("group")
            difference = differences[differences["option_id"] == option.id]
            options.append(
                {
                    "label": option.label_for(report.language),
                    "groups": [
                        {
                            "key": g,
                            "label": report.group_label(g),
                            **{
                                k: _clean(cells.loc[g, k])
                                for k in (
                                    "n",
                                    "count",
                                    "share",
                                    "ci_low",
                                    "ci_high",
                                    "suppressed",
                                    "withheld",
                                )
                            },
                        }
                        for g in groups
                        if g in cells.index
                    ],
                    "difference": {k: _clean(v) for k, v in difference.iloc[0].items()}
                    if len(difference)
                    else None,
                }
            )
        charts.append(
            {
                "question": question.text_for(report.language),
                "kind": question.kind,
                "options": options,
            }
        )
    return charts


def bridge_rows(report: Report) -> list[dict]:
    """Per topic: need and offer share in each region (None when suppressed)."""
    rows: list[dict] = []
    if report.bridge.empty:
        return rows
    for topic, part in report.bridge.groupby("topic", sort=True):
        row: dict = {"topic": topic}
        for _, cell in part.iterrows():
            row[cell["group"]] = {
                "need": _clean(cell["need_share"]),
                "offer": _clean(cell["offer_share"]),
            }
        rows.append(row)
    return rows
