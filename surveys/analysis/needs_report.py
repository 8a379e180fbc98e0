"""The needs report ("Bedarfsbericht") of a survey: what an agency hands to its
board. Every number is read through the same report the dashboard shows (and
its suppression); this module only adds the words around them."""

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import select

from core.db import SessionLike
from core.home import Panel
from core.models import Region
from surveys.analysis.report import (
    Report,
    bridge_rows,
    labelled_tables,
    question_charts,
    records,
)
from surveys.analysis.report_sections import report_sections
from surveys.analysis.trend_charts import trend_charts
from surveys.models import Survey


@dataclass
class Reach:
    """Who was asked and how many answered, as published (None: suppressed)."""

    campaigns: list[dict]
    delivered: int
    answered: int | None

    @property
    def rate(self) -> float | None:
        if self.answered is None or not self.delivered:
            return None
        return self.answered / self.delivered


@dataclass
class NeedsReport:
    survey: Survey
    report: Report
    agencies: list[Region]
    first_day: date | None
    last_day: date | None
    reach: Reach
    charts: list[dict]
    bridge: list[dict]
    scales: list[dict]
    trend: list[dict]  # every question across the waves (none: a single wave)
    sections: list[Panel]


def _reach(rates: pd.DataFrame) -> Reach:
    rows = records(rates)
    answered = [None if row["suppressed"] else row["answered"] for row in rows]
    return Reach(
        campaigns=rows,
        delivered=sum(int(row["delivered"] or 0) for row in rows),
        # A sum of published cells only, and only when none is hidden: a total
        # beside a hidden cell would give it away.
        answered=None if None in answered else sum(int(a or 0) for a in answered),
    )


def _days(report: Report) -> tuple[date | None, date | None]:
    days = [pd.Timestamp(row["day"]).date() for row in records(report.over_time)]
    return (min(days), max(days)) if days else (None, None)


def _agencies(session: SessionLike, survey: Survey) -> list[Region]:
    """The survey's own region, or both for an interregional survey."""
    if survey.region is not None:
        return [survey.region]
    return list(session.scalars(select(Region).order_by(Region.name)))


def needs_report(session: SessionLike, report: Report) -> NeedsReport:
    survey = report.survey
    first_day, last_day = _days(report)
    tables = labelled_tables(report)  # built once: both sections read from it
    return NeedsReport(
        survey=survey,
        report=report,
        agencies=_agencies(session, survey),
        first_day=first_day,
        last_day=last_day,
        reach=_reach(tables["response_rates"]),
        charts=question_charts(report),
        bridge=bridge_rows(report),
        scales=records(tables["scales"]),
        trend=trend_charts(report),
        sections=report_sections(session, report.language, report.min_cell),
    )
