"""The counts behind a survey's release as cells, and the linear relations an analyst
knows between them (totals, complements, filter values adding up to the whole).

A cell is a count of respondents: of one view (the unfiltered one, or one value of
one filter), one group (a region, answers without region, or the total) and one
kind of number (everyone, answered a question, chose an option, gave a scale point,
named a topic, answered on a day). The auditor reasons over exactly these."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from surveys.models import Question, QuestionKind

TOTAL = "total"
NO_REGION = "none"
ALL = ("", "")  # the view without filter
OTHER = "_other"  # the merged small values of a filter

View = tuple[str, str]
Key = tuple  # (view, group, kind, *ids)
# A relation: sum of coefficient × cell is 0 (equal) or at most 0 (bound).
Relation = dict[Key, int]

SCALE_POINTS: dict[str, range] = {
    QuestionKind.LIKERT: range(1, 6),
    QuestionKind.NPS: range(0, 11),
}
NPS_CLASSES = {
    "detractors": range(0, 7),
    "passives": range(7, 9),
    "promoters": range(9, 11),
}


@dataclass
class Sheet:
    values: dict[Key, int] = field(default_factory=dict)
    equal: list[Relation] = field(default_factory=list)
    bound: list[Relation] = field(default_factory=list)

    def add(self, key: Key, value: int) -> None:
        self.values[key] = int(value)

    def whole_is_sum(self, whole: Key, parts: Iterable[Key]) -> None:
        relation: Relation = {whole: -1}
        for part in parts:
            relation[part] = relation.get(part, 0) + 1
        self.equal.append(relation)

    def at_most(self, small: Key, large: Key) -> None:
        self.bound.append({small: 1, large: -1})


@dataclass(frozen=True)
class OptionShape:
    id: int


@dataclass(frozen=True)
class QuestionShape:
    """What the release needs of a question, as plain data: a cached release
    outlives the database session it was built in."""

    id: int
    kind: str
    required: bool
    options: tuple[OptionShape, ...]

    @classmethod
    def of(cls, question: Question) -> "QuestionShape":
        return cls(
            question.id,
            question.kind,
            question.required,
            tuple(OptionShape(o.id) for o in question.options),
        )


@dataclass(frozen=True)
class Layout:
    """What the release describes: groups, filter values, questions, topics, days."""

    groups: list[str]
    filters: dict[str, list[str]]
    questions: list[QuestionShape]
    topics: dict[tuple[int, str], list[int]]  # (topic, need/offer) → option ids
    days: list[str]

    def views(self) -> list[View]:
        return [ALL] + [(a, v) for a, values in self.filters.items() for v in values]


def _counts(frame: pd.DataFrame, keys: list[str]) -> dict[tuple, int]:
    if frame.empty:
        return {}
    grouped = frame.groupby(keys, observed=True, dropna=False).size()
    return {(k if isinstance(k, tuple) else (k,)): int(v) for k, v in grouped.items()}


def _per_view(
    people: pd.DataFrame, answers: pd.DataFrame, layout: Layout
) -> dict[tuple, int]:
    """Every non-zero count, keyed (view, group, kind, *ids)."""
    chosen = answers.dropna(subset=["option_id"]).drop_duplicates(
        ["response_id", "option_id"]
    )
    scaled = answers.dropna(subset=["value"])
    answered = answers.drop_duplicates(["response_id", "question_id"])
    topic_of = {o: t for t, options in layout.topics.items() for o in options}
    named = chosen[chosen["option_id"].isin(topic_of)].assign(
        topic=lambda f: f["option_id"].map(lambda o: topic_of[o][0]),
        topic_kind=lambda f: f["option_id"].map(lambda o: topic_of[o][1]),
    )
    named = named.drop_duplicates(["response_id", "topic", "topic_kind"])
    found: dict[tuple, int] = {}
    for attribute in ["", *layout.filters]:
        for by_group in (True, False):
            keys = ([attribute] if attribute else []) + (["group"] if by_group else [])
            everyone = _counts(people, keys) if keys else {(): len(people)}
            for kind, counts in (
                ("N", everyone),
                ("n", _counts(answered, [*keys, "question_id"])),
                ("x", _counts(chosen, [*keys, "question_id", "option_id"])),
                ("p", _counts(scaled, [*keys, "question_id", "value"])),
                ("b", _counts(named, [*keys, "topic", "topic_kind"])),
            ):
                _put(found, counts, kind, attribute, by_group)
    for day, value in people.groupby("day").size().items():
        found[(ALL, TOTAL, "day", str(day))] = int(value)
    return found


def _put(
    found: dict[tuple, int],
    counts: dict[tuple, int],
    kind: str,
    attribute: str,
    by_group: bool,
) -> None:
    """Counts keyed (filter value, group, *ids) as cells (view, group, kind, *ids)."""
    for key, value in counts.items():
        view = (attribute, key[0]) if attribute else ALL
        rest = key[bool(attribute) + by_group :]
        group = key[bool(attribute)] if by_group else TOTAL
        found[(view, group, kind, *rest)] = value


def build_sheet(people: pd.DataFrame, answers: pd.DataFrame, layout: Layout) -> Sheet:
    """All cells (zeros included) and their relations."""
    counts = _per_view(people, answers, layout)
    sheet = Sheet()
    for view in layout.views():
        for group in [*layout.groups, TOTAL]:
            _cells_of(sheet, counts, view, group, layout)
        for key in _kinds(layout):
            sheet.whole_is_sum(
                (view, TOTAL, *key), [(view, g, *key) for g in layout.groups]
            )
    for attribute, values in layout.filters.items():
        for group in [*layout.groups, TOTAL]:
            for key in _kinds(layout):
                sheet.whole_is_sum(
                    (ALL, group, *key), [((attribute, v), group, *key) for v in values]
                )
    days = [(ALL, TOTAL, "day", d) for d in layout.days]
    for key in days:
        sheet.add(key, counts.get(key, 0))
    if days:
        sheet.whole_is_sum((ALL, TOTAL, "N"), days)
    return sheet


def _kinds(layout: Layout) -> list[tuple]:
    kinds: list[tuple] = [("N",)]
    for question in layout.questions:
        kinds.append(("n", question.id))
        if not question.required:
            kinds.append(("skip", question.id))
        kinds += [("x", question.id, o.id) for o in question.options]
        kinds += [
            ("p", question.id, v) for v in SCALE_POINTS.get(question.kind, range(0))
        ]
    kinds += [("b", *topic) for topic in layout.topics]
    return kinds


def _cells_of(
    sheet: Sheet, counts: dict[tuple, int], view: View, group: str, layout: Layout
) -> None:
    """One group of one view: its cells and the relations inside it."""
    for kind in _kinds(layout):
        key = (view, group, *kind)
        sheet.add(key, counts.get(key, 0))
    everyone = (view, group, "N")
    for question in layout.questions:
        n = (view, group, "n", question.id)
        if question.required and sheet.values[n] == sheet.values[everyone]:
            sheet.whole_is_sum(everyone, [n])
        elif question.required:
            # Some answered before the question was required: a relation that
            # does not hold would leave the audit no solution (and the survey
            # no figures); what does hold is that n is at most N.
            sheet.at_most(n, everyone)
        else:
            # Those who skipped the question are a group too (N minus n).
            skipped = (view, group, "skip", question.id)
            sheet.add(skipped, sheet.values[everyone] - sheet.values[n])
            sheet.whole_is_sum(everyone, [n, skipped])
        options = [(view, group, "x", question.id, o.id) for o in question.options]
        if question.kind == QuestionKind.SINGLE:
            sheet.whole_is_sum(n, options)
        for option in options if question.kind == QuestionKind.MULTIPLE else []:
            sheet.at_most(option, n)
        points = SCALE_POINTS.get(question.kind, range(0))
        if points:
            sheet.whole_is_sum(n, [(view, group, "p", question.id, v) for v in points])
    for topic, option_ids in layout.topics.items():
        named = (view, group, "b", *topic)
        parts = [
            (view, group, "x", q.id, o.id)
            for q in layout.questions
            for o in q.options
            if o.id in option_ids
        ]
        if len(parts) == 1:
            sheet.whole_is_sum(named, parts)
            continue
        sheet.at_most(named, everyone)
        sheet.bound.append({named: 1, **dict.fromkeys(parts, -1)})
        for part in parts:
            sheet.at_most(part, named)


def primary(sheet: Sheet, min_cell: int) -> set[Key]:
    """Cells that describe fewer than min_cell people (but some)."""
    return {k for k, v in sheet.values.items() if 0 < v < min_cell}


def relations_of(relations: list[Relation]) -> dict[Key, list[int]]:
    """For each cell, the indices of the relations it appears in."""
    index: dict[Key, list[int]] = defaultdict(list)
    for i, relation in enumerate(relations):
        for key in relation:
            index[key].append(i)
    return index
