"""Every question across a survey's waves, per region: each wave's shares with their
Wilson interval, the change from the wave before with Newcombe's interval, and the
scales' means. Read only from each wave's own audited release, unfiltered: a number
is shown only when every count it is computed from is published in its wave.

Waves are different people, each wave's release is audited on its own, and nothing
here adds waves up: what an analyst can combine across waves is what each wave
publishes anyway, so a group hidden in one wave cannot be worked back from another."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from core.db import SessionLike
from surveys.analysis import release_tables
from surveys.analysis.disclosure_audit import AuditFailed
from surveys.analysis.release import Release, release_of
from surveys.analysis.release_cells import ALL, TOTAL
from surveys.analysis.statistics import newcombe
from surveys.builder.waves import waves_of
from surveys.models import Question, QuestionKind, Survey

SHARE_COLUMNS = [
    "question_id",
    "option_id",
    "group",
    "wave",
    "wave_survey_id",
    "n",
    "count",
    "share",
    "ci_low",
    "ci_high",
    "suppressed",
]
CHANGE_COLUMNS = [
    "question_id",
    "option_id",
    "group",
    "from_wave",
    "to_wave",
    "change",
    "ci_low",
    "ci_high",
    "clear",
    "suppressed",
]
MEAN_COLUMNS = [
    "question_id",
    "group",
    "wave",
    "wave_survey_id",
    "n",
    "mean",
    "mean_ci_low",
    "mean_ci_high",
    "suppressed",
]


@dataclass(frozen=True)
class Wave:
    number: int
    survey_id: int
    opens_at: datetime | None


@dataclass
class Trend:
    """The waves and three tables; all empty when the survey has no other wave.
    Ids are the viewed survey's, so its codebook explains every wave's rows."""

    waves: list[Wave] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    shares: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=SHARE_COLUMNS)
    )
    changes: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS)
    )
    means: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=MEAN_COLUMNS)
    )


def origin(option_id: int, origin_id: int | None) -> int:
    return origin_id or option_id


def _release(session: SessionLike, wave: Survey, min_cell: int) -> Release | None:
    try:
        return release_of(session, wave, min_cell)
    except AuditFailed:  # fail closed: the wave shows nothing rather than unaudited
        return None


def _answered(release: Release | None) -> bool:
    """Whether anybody answered the wave (one that failed its audit shows as such)."""
    return release is None or release.values.get((ALL, TOTAL, "N"), 0) > 0


def _same_scale(question: Question, other: Question) -> bool:
    """Scale questions have no stable id: the same kind and German text is the same
    question (a reworded one is not compared)."""
    return question.kind == other.kind and question.text.get("de") == other.text.get(
        "de"
    )


def _groups(releases: list[Release | None]) -> list[str]:
    """Every wave's groups in the order the dashboards use, the newest wave's first."""
    ordered: list[str] = []
    for release in reversed([r for r in releases if r is not None]):
        ordered += [g for g in release.layout.groups if g not in ordered]
    return [*ordered, TOTAL]


def trend_of(session: SessionLike, survey: Survey, min_cell: int) -> Trend:
    """The survey's questions across all its waves (empty with a single wave)."""
    waves = waves_of(session, survey)
    if len(waves) < 2:
        return Trend()
    releases = [_release(session, wave, min_cell) for wave in waves]
    # A wave nobody has answered yet (not started, a draft) is no point of a trend.
    kept = [(w, r) for w, r in zip(waves, releases, strict=True) if _answered(r)]
    if len(kept) < 2:
        return Trend()
    waves, releases = [w for w, _r in kept], [r for _w, r in kept]
    groups = _groups(releases)
    shares = _shares(survey, waves, releases, groups)
    return Trend(
        waves=[Wave(i, w.id, w.opens_at) for i, w in enumerate(waves, 1)],
        groups=groups,
        shares=shares,
        changes=_changes(shares, _included(releases)),
        means=_means(survey, waves, releases, groups),
    )


def _shares(
    survey: Survey,
    waves: list[Survey],
    releases: list[Release | None],
    groups: list[str],
) -> pd.DataFrame:
    rows = []
    for number, (wave, release) in enumerate(zip(waves, releases, strict=True), 1):
        # origin option id → the wave's (question id, option id)
        in_wave = {
            origin(o.id, o.origin_id): (q.id, o.id)
            for q in wave.questions
            for o in q.options
        }
        published = (
            release_tables.shares(release, ALL).set_index(
                ["question_id", "option_id", "group"]
            )
            if release is not None
            else None
        )
        for question in survey.questions:
            if question.kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
                continue
            for option in question.options:
                ids = in_wave.get(origin(option.id, option.origin_id))
                for group in groups:
                    cell = _cell(published, ids, group)
                    rows.append(
                        {
                            "question_id": question.id,
                            "option_id": option.id,
                            "group": group,
                            "wave": number,
                            "wave_survey_id": wave.id,
                            **cell,
                        }
                    )
    table = pd.DataFrame(rows, columns=SHARE_COLUMNS)
    for column in ("n", "count"):
        table[column] = table[column].astype(release_tables.COUNT)
    return table


def _cell(
    published: pd.DataFrame | None, ids: tuple[int, int] | None, group: str
) -> dict:
    hidden = {
        "n": None,
        "count": None,
        "share": None,
        "ci_low": None,
        "ci_high": None,
        "suppressed": True,
    }
    if published is None or ids is None or (*ids, group) not in published.index:
        return hidden
    row = published.loc[(*ids, group)]
    if row["suppressed"] or pd.isna(row["share"]):
        return hidden  # a count without its n is no share: nothing to compare
    return {
        "n": int(row["n"]),
        "count": int(row["count"]),
        "share": float(row["share"]),
        "ci_low": float(row["ci_low"]),
        "ci_high": float(row["ci_high"]),
        "suppressed": False,
    }


def _included(releases: list[Release | None]) -> dict[int, frozenset[str]]:
    """Wave number → the groups its total counts (small ones are left out)."""
    return {
        number: frozenset(release.layout.groups if release is not None else ())
        for number, release in enumerate(releases, 1)
    }


def _changes(shares: pd.DataFrame, included: dict[int, frozenset[str]]) -> pd.DataFrame:
    """Each wave minus the one before, per option and group, where both are shown;
    the totals only where both count the same groups (else they compare other
    people, not a change)."""
    rows = []
    for (question_id, option_id, group), part in shares.groupby(
        ["question_id", "option_id", "group"], sort=False
    ):
        cells = part.sort_values("wave").to_dict("records")
        for before, after in zip(cells, cells[1:], strict=False):
            row = {
                "question_id": question_id,
                "option_id": option_id,
                "group": group,
                "from_wave": before["wave"],
                "to_wave": after["wave"],
                "change": None,
                "ci_low": None,
                "ci_high": None,
                "clear": None,
                "suppressed": True,
            }
            comparable = group != TOTAL or (
                included[before["wave"]] == included[after["wave"]]
            )
            if comparable and not (before["suppressed"] or after["suppressed"]):
                change, low, high = newcombe(
                    int(after["count"]),
                    int(after["n"]),
                    int(before["count"]),
                    int(before["n"]),
                )
                row |= {
                    "change": change,
                    "ci_low": low,
                    "ci_high": high,
                    "clear": bool(low > 0 or high < 0),
                    "suppressed": False,
                }
            rows.append(row)
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def _number(value: Any) -> float | None:
    """A published number, or None where it is missing (a mean of one person)."""
    return None if value is None or pd.isna(value) else float(value)


def _means(
    survey: Survey,
    waves: list[Survey],
    releases: list[Release | None],
    groups: list[str],
) -> pd.DataFrame:
    """Likert and NPS means per wave and group, each shown only where its wave
    shows it (every point of the row published)."""
    rows = []
    scales = [
        q for q in survey.questions if q.kind in (QuestionKind.LIKERT, QuestionKind.NPS)
    ]
    for number, (wave, release) in enumerate(zip(waves, releases, strict=True), 1):
        table = release_tables.scales(release, ALL) if release else None
        published = (
            table.set_index(["question_id", "group"])
            if table is not None and "question_id" in table.columns
            else None
        )
        for question in scales:
            match = next((q for q in wave.questions if _same_scale(question, q)), None)
            for group in groups:
                row = {
                    "question_id": question.id,
                    "group": group,
                    "wave": number,
                    "wave_survey_id": wave.id,
                    "n": None,
                    "mean": None,
                    "mean_ci_low": None,
                    "mean_ci_high": None,
                    "suppressed": True,
                }
                key = (match.id, group) if match is not None else None
                if published is not None and key in published.index:
                    cell = published.loc[key]
                    if not cell["suppressed"]:
                        row |= {
                            "n": int(cell["n"]),
                            "mean": _number(cell["mean"]),
                            "mean_ci_low": _number(cell["mean_ci_low"]),
                            "mean_ci_high": _number(cell["mean_ci_high"]),
                            "suppressed": False,
                        }
                rows.append(row)
    table = pd.DataFrame(rows, columns=MEAN_COLUMNS)
    table["n"] = table["n"].astype(release_tables.COUNT)
    return table
