"""The trend tables shaped for pages: per question, per option and group, its share
in each wave and the change from the wave before (charts and tables alike)."""

import math

import pandas as pd

from surveys.analysis.report import Report, records


def trend_charts(report: Report) -> list[dict]:
    """Per choice question across the waves; per scale question its means."""
    trend = report.trend
    if not trend.waves:
        return []
    labels = {g: report.group_label(g) for g in trend.groups}
    charts = []
    for question in report.survey.questions:
        shares = trend.shares[trend.shares["question_id"] == question.id]
        means = trend.means[trend.means["question_id"] == question.id]
        if shares.empty and means.empty:
            continue
        chart: dict = {
            "question_id": question.id,
            "question": question.text_for(report.language),
            "kind": question.kind,
            "options": [],
            "means": _series(means, trend.groups, labels),
        }
        if not shares.empty:
            changes = trend.changes[trend.changes["question_id"] == question.id]
            chart["options"] = [
                {
                    "label": option.label_for(report.language),
                    "groups": _series(
                        shares[shares["option_id"] == option.id],
                        trend.groups,
                        labels,
                        changes[changes["option_id"] == option.id],
                    ),
                }
                for option in question.options
            ]
            chart["y_max"] = _axis_top(shares["ci_high"])
        charts.append(chart)
    return charts


def _series(
    table: pd.DataFrame,
    groups: list[str],
    labels: dict[str, str],
    changes: pd.DataFrame | None = None,
) -> list[dict]:
    if table.empty:
        return []
    return [
        {
            "key": group,
            "label": labels[group],
            "points": records(table[table["group"] == group].sort_values("wave")),
            "changes": []
            if changes is None
            else records(changes[changes["group"] == group].sort_values("from_wave")),
        }
        for group in groups
    ]


def _axis_top(highs: pd.Series) -> float:
    """The chart's top: the highest interval end shown, up to the next 25 %."""
    shown = [float(h) for h in highs.dropna()]
    if not shown:
        return 1.0
    return min(1.0, max(0.25, math.ceil(max(shown) * 4 - 1e-9) / 4))
