"""The tables of one view of a release, read only from its published cells: a
suppressed cell is missing (never zero) and so is everything computed from it; where
no group is counted, every count is missing and its row says why (withheld)."""

import math
from typing import Any

import numpy as np
import pandas as pd

from surveys.analysis.release import Release
from surveys.analysis.release_cells import ALL, NPS_CLASSES, SCALE_POINTS, TOTAL, View
from surveys.analysis.statistics import (
    difference_p,
    holm,
    mean_interval,
    newcombe,
    nps_interval,
    wilson,
)
from surveys.models import QuestionKind

COUNT = "Int64"  # whole numbers, missing when suppressed


def _groups(release: Release) -> list[str]:
    return [*release.layout.groups, TOTAL]


def _ratio(count: int | None, n: int | None) -> float | None:
    return None if count is None or not n else count / n


def shares(release: Release, view: View) -> pd.DataFrame:
    """Per choice option and group: n (answered the question), count, share of n,
    Wilson 95 % interval, suppressed."""
    rows = []
    for question in release.layout.questions:
        if question.kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            continue
        for option in question.options:
            for group in _groups(release):
                n = release.shown((view, group, "n", question.id))
                count = release.shown((view, group, "x", question.id, option.id))
                share = _ratio(count, n)
                low, high = (None, None)
                if share is not None:
                    low, high = wilson(count or 0, n or 0)
                rows.append(
                    {
                        "question_id": question.id,
                        "option_id": option.id,
                        "group": group,
                        "n": n,
                        "count": count,
                        "share": share,
                        "ci_low": low,
                        "ci_high": high,
                        "suppressed": count is None,
                        "withheld": release.withheld,
                    }
                )
    return _typed(pd.DataFrame(rows, columns=SHARE_COLUMNS), ["n", "count"])


SHARE_COLUMNS = [
    "question_id",
    "option_id",
    "group",
    "n",
    "count",
    "share",
    "ci_low",
    "ci_high",
    "suppressed",
    "withheld",
]
DIFFERENCE_COLUMNS = [
    "question_id",
    "option_id",
    "difference",
    "ci_low",
    "ci_high",
    "p",
    "suppressed",
    "p_holm",
]


def _typed(table: pd.DataFrame, counts: list[str]) -> pd.DataFrame:
    for column in counts:
        table[column] = table[column].astype(COUNT)
    return table


def differences(release: Release, view: View, table: pd.DataFrame) -> pd.DataFrame:
    """First region's share minus the second's per option (Newcombe, Holm per
    question); one row per option that exists, only from visible cells."""
    regions = [g for g in release.layout.groups if g != "none"]
    if len(regions) < 2:
        return pd.DataFrame(columns=DIFFERENCE_COLUMNS)
    first, second = regions[:2]
    cells = table.set_index(["option_id", "group"])
    rows = []
    for (question_id, option_id), _part in table.groupby(
        ["question_id", "option_id"], sort=False
    ):
        a, b = cells.loc[(option_id, first)], cells.loc[(option_id, second)]
        visible = not (a["suppressed"] or b["suppressed"])
        visible = visible and not (pd.isna(a["n"]) or pd.isna(b["n"]))
        if not visible:
            rows.append([question_id, option_id, None, None, None, None, True])
            continue
        counts = (int(a["count"]), int(a["n"]), int(b["count"]), int(b["n"]))
        difference, low, high = newcombe(*counts)
        p = difference_p(*counts)
        rows.append([question_id, option_id, difference, low, high, p, False])
    result = pd.DataFrame(rows, columns=DIFFERENCE_COLUMNS[:-1])
    result["p_holm"] = np.nan
    for _question, index in result.groupby("question_id").groups.items():
        ps = [math.nan if p is None else float(p) for p in result.loc[index, "p"]]
        result.loc[index, "p_holm"] = holm(ps)
    return result


def scales(release: Release, view: View) -> pd.DataFrame:
    """Likert and NPS per group: n, count and share per point; mean, median and NPS
    only when every point of the row is shown (they are computed from them)."""
    rows = []
    for question in release.layout.questions:
        points = list(SCALE_POINTS.get(question.kind, range(0)))
        if not points:
            continue
        for group in _groups(release):
            rows.append(_scale_row(release, view, question, group, points))
    # Every row's columns (Likert rows have points 1–5, NPS rows 0–10 and the NPS).
    columns = list(dict.fromkeys(k for row in rows for k in row)) or ["group"]
    table = pd.DataFrame(rows, columns=columns)
    counts = [c for c in table.columns if c == "n" or c.startswith("count_")]
    return _typed(table, counts)


def _scale_row(
    release: Release, view: View, question: Any, group: str, points: list[int]
) -> dict:
    n = release.shown((view, group, "n", question.id))
    counts = {p: release.shown((view, group, "p", question.id, p)) for p in points}
    complete = n is not None and n > 0 and None not in counts.values()
    row: dict[str, Any] = {
        "question_id": question.id,
        "kind": question.kind,
        "group": group,
        "n": n,
        "suppressed": not complete,
        "withheld": release.withheld,
    }
    for point, count in counts.items():
        row[f"count_{point}"] = count
        row[f"share_{point}"] = _ratio(count, n)
    row["mean"] = row["mean_ci_low"] = row["mean_ci_high"] = row["median"] = None
    if complete:
        given = {p: counts[p] or 0 for p in points}
        values = np.repeat(np.array(points), list(given.values()))
        row["mean"], row["mean_ci_low"], row["mean_ci_high"] = mean_interval(given)
        row["median"] = float(np.median(values))
    if question.kind == QuestionKind.NPS:
        for name, members in NPS_CLASSES.items():
            shown = [counts[p] for p in members]
            row[name] = None if not complete else sum(c or 0 for c in shown) / (n or 1)
        row["nps"] = row["nps_ci_low"] = row["nps_ci_high"] = None
        if complete:
            interval = nps_interval({p: counts[p] or 0 for p in points})
            row["nps"], row["nps_ci_low"], row["nps_ci_high"] = interval
    return row


def bridge(release: Release, view: View, topics: dict[int, str]) -> pd.DataFrame:
    """Per topic and group: how many of everyone who took the survey (n) need it
    and offer it, and the shares of n."""
    rows = []
    for topic_id, name in topics.items():
        for group in _groups(release):
            n = release.shown((view, group, "N"))
            row: dict[str, Any] = {
                "topic_id": topic_id,
                "topic": name,
                "group": group,
                "n": n,
            }
            for kind in ("need", "offer"):
                key = (view, group, "b", topic_id, kind)
                known = (topic_id, kind) in release.layout.topics
                count = release.shown(key) if known else 0
                row[f"{kind}_count"] = count
                row[f"{kind}_share"] = _ratio(count, n)
                row[f"{kind}_suppressed"] = count is None
            row["withheld"] = release.withheld
            rows.append(row)
    columns = [
        "topic_id",
        "topic",
        "group",
        "n",
        "need_count",
        "need_share",
        "need_suppressed",
        "offer_count",
        "offer_share",
        "offer_suppressed",
        "withheld",
    ]
    return _typed(
        pd.DataFrame(rows, columns=columns), ["n", "need_count", "offer_count"]
    )


def over_time(release: Release) -> pd.DataFrame:
    """Respondents per day of their last answer (all respondents, no filter)."""
    rows = [
        {
            "day": pd.Timestamp(day).date(),
            "responses": release.shown((ALL, TOTAL, "day", day)),
            "suppressed": (ALL, TOTAL, "day", day) in release.hidden,
        }
        for day in release.layout.days
    ]
    table = pd.DataFrame(rows, columns=["day", "responses", "suppressed"])
    return _typed(table, ["responses"])


def response_rates(release: Release, names: dict[int, str]) -> pd.DataFrame:
    """Per campaign with this survey: delivered, clicks (unverified), answered."""
    offered = release.layout.filters.get("campaign_id", [])
    rows = []
    for campaign_id, numbers in release.campaigns.items():
        answered = _answered(release, str(campaign_id), offered)
        rows.append(
            {
                "campaign_id": campaign_id,
                "campaign": names.get(campaign_id, f"#{campaign_id}"),
                "delivered": numbers["delivered"],
                "clicks": release.clicks(campaign_id),
                "answered": answered,
                "response_rate": _ratio(answered, numbers["delivered"]),
                "suppressed": answered is None,
                "withheld": release.withheld,
            }
        )
    columns = [
        "campaign_id",
        "campaign",
        "delivered",
        "clicks",
        "answered",
        "response_rate",
        "suppressed",
        "withheld",
    ]
    table = pd.DataFrame(rows, columns=columns)
    return _typed(table, ["delivered", "clicks", "answered"])


def _answered(release: Release, campaign: str, offered: list[str]) -> int | None:
    size = release.campaign_sizes.get(campaign, 0)
    if release.withheld:
        return None
    if campaign in offered:
        return release.shown((("campaign_id", campaign), TOTAL, "N"))
    if size == 0:
        return 0
    if size < release.min_cell:  # merged into "others"
        return None
    return release.shown((ALL, TOTAL, "N"))  # the only campaign: everyone
