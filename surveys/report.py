"""All tables of one survey, labelled for people, as the dashboard, the downloads and
the API show them."""

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.db import SessionLike, utcnow
from core.input_guard import without_control_characters
from core.models import Region
from newsletter.audience.models import Topic
from surveys.analysis import (
    DIFFERENCE_COLUMNS,
    NO_REGION,
    TOTAL,
    Filters,
    answers_frame,
    bridge,
    option_shares,
    over_time,
    region_differences,
    response_rates,
    scale_summary,
)
from surveys.models import Survey


@dataclass
class Report:
    survey: Survey
    language: str
    filters: Filters
    min_cell: int
    generated_at: datetime
    regions: list[str]
    shares: pd.DataFrame
    differences: pd.DataFrame
    scales: pd.DataFrame
    bridge: pd.DataFrame
    over_time: pd.DataFrame
    rates: pd.DataFrame
    respondents: int

    def group_label(self, group: str) -> str:
        if group == TOTAL:
            return str(_l("All"))
        if group == NO_REGION:
            return str(_l("Region not given"))
        return group


def build_report(
    session: SessionLike, survey: Survey, filters: Filters, min_cell: int, language: str
) -> Report:
    full = answers_frame(session, survey.id)
    questions = list(survey.questions)
    regions = [r.name for r in session.scalars(select(Region).order_by(Region.id))]
    shares = option_shares(full, questions, min_cell, filters)
    present = [r for r in regions if r in set(full["group"])]
    differences = (
        region_differences(shares, present[0], present[1])
        if len(present) >= 2
        else pd.DataFrame(columns=DIFFERENCE_COLUMNS)
    )
    topics = {
        t.id: t.label(language)
        for t in session.scalars(select(Topic).order_by(Topic.name))
    }
    respondents = filters.apply(full)["response_id"].nunique()
    return Report(
        survey=survey,
        language=language,
        filters=filters,
        min_cell=min_cell,
        generated_at=utcnow(),
        regions=present,
        shares=shares,
        differences=differences,
        scales=scale_summary(full, questions, min_cell, filters),
        bridge=bridge(full, questions, topics, min_cell, filters),
        over_time=over_time(full, min_cell, filters),
        rates=response_rates(session, survey, min_cell),
        respondents=respondents if respondents >= min_cell else 0,
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
        tables = {
            "shares": shares,
            "differences": differences,
            "scales": scales,
            "bridge": bridge_table,
            "over_time": report.over_time,
            "response_rates": report.rates,
        }
        return {name: _text_without_control_characters(t) for name, t in tables.items()}


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


def records(table: pd.DataFrame) -> list[dict]:
    """The rows of a table for a page, missing values (NaN, NA) as None."""
    return [
        {k: None if _missing(v) else v for k, v in row.items()}
        for row in table.to_dict("records")
    ]


def _missing(value: object) -> bool:
    return bool(pd.api.types.is_scalar(value) and pd.isna(value))


def _clean(value: object) -> object:
    return None if isinstance(value, float) and value != value else value  # NaN → None


def question_charts(report: Report) -> list[dict]:
    """Per choice question: per option, each region's and the total's numbers."""
    groups = [*report.regions, TOTAL]
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
    rows = []
    for topic, part in report.bridge.groupby("topic", sort=True):
        row: dict = {"topic": topic}
        for _, cell in part.iterrows():
            row[cell["group"]] = {
                "need": _clean(cell["need_share"]),
                "offer": _clean(cell["offer_share"]),
            }
        rows.append(row)
    return rows
