"""Figures for the agencies: introductions proposed, accepted (both said yes) and
fruitful (one side said something came of it), per topic and direction and per
quarter and direction. Counts only, never who; small groups suppressed like every
analyst figure: a cell under MIN_CELL, a difference to its parent under MIN_CELL,
and, because both tables add up to the same totals per direction, further cells
until what is hidden in a column of a direction is at least MIN_CELL together."""

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from core.db import SessionLike
from landscape.models import Introduction

MEASURES = ("proposed", "accepted", "fruitful")


@dataclass
class Row:
    key: str  # a topic's name or a quarter ("2026-Q4")
    direction: tuple[int, int]  # (seeker's region, provider's region)
    counts: dict[str, int] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)

    def shown(self, measure: str) -> int | None:
        return None if measure in self.hidden else self.counts[measure]


def _small(value: int, min_cell: int) -> bool:
    return 0 < value < min_cell


def _primary(row: Row, min_cell: int) -> None:
    proposed, accepted, fruitful = (row.counts[m] for m in MEASURES)
    if _small(proposed, min_cell):
        row.hidden.update(MEASURES)
        return
    if _small(accepted, min_cell) or _small(proposed - accepted, min_cell):
        row.hidden.add("accepted")
    if (
        _small(fruitful, min_cell)
        or _small(accepted - fruitful, min_cell)
        or _small(proposed - fruitful, min_cell)
    ):
        row.hidden.add("fruitful")
    # "fruitful" counts within "accepted": beside a hidden "accepted" it would tell
    # what came of the small group behind it (even a 0 does).
    if "accepted" in row.hidden:
        row.hidden.add("fruitful")


def _secondary(rows: list[Row], min_cell: int) -> None:
    """Per direction and measure, hide more cells until the hidden ones sum to at
    least MIN_CELL (or none is hidden): the other table's sums cannot reveal them."""
    changed = True
    while changed:
        changed = False
        for direction in {row.direction for row in rows}:
            mine = [row for row in rows if row.direction == direction]
            for measure in MEASURES:
                hidden = sum(r.counts[measure] for r in mine if measure in r.hidden)
                if not _small(hidden, min_cell):
                    continue
                visible = [
                    r for r in mine if measure not in r.hidden and r.counts[measure]
                ]
                if visible:
                    smallest = min(visible, key=lambda r: (r.counts[measure], r.key))
                    smallest.hidden.add(measure)
                    if measure == "proposed":
                        smallest.hidden.update(MEASURES)
                    changed = True


@dataclass
class Table:
    rows: list[Row]  # only rows whose "proposed" is shown
    withheld: bool  # a row of dashes would still say a small group exists


def _published(rows: list[Row]) -> Table:
    shown = [row for row in rows if "proposed" not in row.hidden]
    return Table(shown, withheld=len(shown) < len(rows))


def _table(facts: list[tuple[str, tuple[int, int], Introduction]]) -> list[Row]:
    counts: dict[tuple[str, tuple[int, int]], Counter[str]] = {}
    for key, direction, intro in facts:
        found = counts.setdefault((key, direction), Counter())
        found["proposed"] += 1
        found["accepted"] += intro.accepted
        found["fruitful"] += intro.accepted and intro.fruitful
    return [
        Row(key, direction, {m: found[m] for m in MEASURES})
        for (key, direction), found in sorted(counts.items())
    ]


def quarter(intro: Introduction) -> str:
    at = intro.proposed_at
    return f"{at.year}-Q{(at.month - 1) // 3 + 1}"


def introduction_figures(
    session: SessionLike, min_cell: int, language: str = "de"
) -> dict[str, Table]:
    """Both tables, suppressed together; rows of small groups left out."""
    intros = list(session.scalars(select(Introduction)))
    by_topic = _table(
        [
            (i.topic.label(language), (i.seeker_region_id, i.provider_region_id), i)
            for i in intros
        ]
    )
    by_quarter = _table(
        [(quarter(i), (i.seeker_region_id, i.provider_region_id), i) for i in intros]
    )
    for rows in (by_topic, by_quarter):
        for row in rows:
            _primary(row, min_cell)
        _secondary(rows, min_cell)
    return {"by_topic": _published(by_topic), "by_quarter": _published(by_quarter)}
