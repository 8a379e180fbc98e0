"""A determined analyst, written without looking at the auditor: she knows which
kinds of people exist (every region, organisation type, district, campaign, day and
answer a respondent can have) and reads every view the JSON API gives her. Each
published number becomes a linear equation over the unknown, non-negative, whole
numbers of respondents of each kind; an integer program (HiGHS, via scipy's milp)
then finds the smallest and largest value any small group can have.

Small data only: the kinds are the full cross product of the dimensions."""

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

TOTAL_LABELS = {"Gesamt", "All", "total"}
# A published share times its denominator is a count, up to the rounding of floats.
RATIO_TOLERANCE = 1e-6
UNBOUNDED = 3  # scipy's milp status

# Answers are planted this many days before today: the analysts' figures hold
# the answers given before the start of the day.
DAYS_BACK = 2


@dataclass(frozen=True)
class Person:
    region: str | None  # region name as the analyst sees it, None = not given
    answer: int  # index of the chosen option of the single-choice question
    scale: int | None = None  # the Likert answer, None = skipped
    org_type: str | None = None
    district: str | None = None
    campaign: int | None = None  # index into the survey's campaigns
    day: int = 0  # days before the first day of answers (DAYS_BACK before today)


@dataclass
class Universe:
    """Every value each dimension can take (what an analyst may assume)."""

    regions: list[str | None]
    options: int = 3
    scales: list[int | None] = field(default_factory=lambda: [None])
    org_types: list[str | None] = field(default_factory=lambda: [None])
    districts: list[str | None] = field(default_factory=lambda: [None])
    campaigns: list[int | None] = field(default_factory=lambda: [None])
    days: list[int] = field(default_factory=lambda: [0])

    def kinds(self) -> list[Person]:
        return [
            Person(r, a, s, o, d, c, day)
            for r, a, s, o, d, c, day in itertools.product(
                self.regions,
                range(self.options),
                self.scales,
                self.org_types,
                self.districts,
                self.campaigns,
                self.days,
            )
        ]


Predicate = Callable[[Person], bool]


@dataclass
class View:
    """One page of the API as fetched, and which people it describes."""

    belongs: Predicate
    tables: dict


@dataclass
class Knowledge:
    kinds: list[Person]
    rows: list[np.ndarray] = field(default_factory=list)
    low: list[float] = field(default_factory=list)
    high: list[float] = field(default_factory=list)

    def indicator(self, chosen: Predicate) -> np.ndarray:
        return np.array([1.0 if chosen(k) else 0.0 for k in self.kinds])

    def equals(self, chosen: Predicate, value: float) -> None:
        self.rows.append(self.indicator(chosen))
        self.low.append(value)
        self.high.append(value)

    def at_least(self, chosen: Predicate, value: float) -> None:
        self.rows.append(self.indicator(chosen))
        self.low.append(value)
        self.high.append(np.inf)

    def ratio(self, part: Predicate, whole: Predicate, share: float) -> None:
        """count(part) = share * count(whole), also when neither count is shown."""
        self.rows.append(self.indicator(part) - share * self.indicator(whole))
        self.low.append(-RATIO_TOLERANCE * len(self.kinds))
        self.high.append(RATIO_TOLERANCE * len(self.kinds))

    def weighted(self, weights: Callable[[Person], float], value: float) -> None:
        self.rows.append(np.array([weights(k) for k in self.kinds]))
        self.low.append(value - RATIO_TOLERANCE * len(self.kinds))
        self.high.append(value + RATIO_TOLERANCE * len(self.kinds))

    def interval(self, target: Predicate) -> tuple[float, float]:
        """Smallest and largest number of people of `target` consistent with all."""
        objective = self.indicator(target)
        constraints = LinearConstraint(np.array(self.rows), self.low, self.high)
        bounds = Bounds(0, np.inf)
        integral = np.ones(len(self.kinds))
        ends = []
        for sign in (1, -1):
            found = milp(
                sign * objective,
                constraints=constraints,
                integrality=integral,
                bounds=bounds,
            )
            if found.status == UNBOUNDED or "unbounded" in found.message:
                ends.append(np.inf)  # only the largest can be unbounded
                continue
            assert found.success, found.message
            ends.append(sign * found.fun)
        return ends[0], ends[1]


def _group(label: str, regions: list[str | None]) -> Predicate:
    if label in TOTAL_LABELS:
        return lambda k: k.region in regions
    if label in regions:
        return lambda k: k.region == label
    return lambda k: k.region is None


def _number(value: object) -> float | None:
    if value is None or value == "" or value != value:  # noqa: PLR0124 - NaN
        return None
    return float(value)  # type: ignore[arg-type]


def learn(
    knowledge: Knowledge,
    view: View,
    options: list[int],
    topics: dict[int, list[int]],
    campaigns: list[int],
) -> None:
    """Every number of one view as equations."""
    tables = view.tables["tables"]
    included = view.tables.get("groups")
    regions = list({k.region for k in knowledge.kinds})
    if included is not None:
        # The release says which groups its numbers describe.
        regions = [r for r in regions if (r if r is not None else "none") in included]
        view = View(lambda k, b=view.belongs: b(k) and k.region in regions, view.tables)
    single = options
    for row in tables.get("shares", []):
        if row["option_id"] not in single:
            continue
        answer = single.index(row["option_id"])
        group = _group(row["group"], regions)

        def whole(k: Person, g: Predicate = group) -> bool:
            return view.belongs(k) and g(k)

        def part(k: Person, g: Predicate = group, a: int = answer) -> bool:
            return view.belongs(k) and g(k) and k.answer == a

        _learn_cell(knowledge, whole, part, row, "n", "count", "share")
    for row in tables.get("scales", []):
        group = _group(row["group"], regions)

        def answered(k: Person, g: Predicate = group) -> bool:
            return view.belongs(k) and g(k) and k.scale is not None

        if (n := _number(row.get("n"))) is not None:
            knowledge.equals(answered, n)
        shown = [_number(row.get(f"count_{p}")) for p in range(1, 6)]
        # A row that shows a 0 beside hidden points says they are not 0.
        zeros_shown = 0 in shown and None in shown
        for point in range(1, 6):
            share = _number(row.get(f"share_{point}"))
            count = _number(row.get(f"count_{point}"))

            def at(k: Person, p: int = point, a: Predicate = answered) -> bool:
                return a(k) and k.scale == p

            if count is not None:
                knowledge.equals(at, count)
            elif zeros_shown:
                knowledge.at_least(at, 1)
            if share is not None:
                knowledge.ratio(at, answered, share)
        if (mean := _number(row.get("mean"))) is not None:
            knowledge.weighted(
                lambda k, a=answered, m=mean: (k.scale - m) if a(k) else 0.0, 0.0
            )
    for row in tables.get("bridge", []):
        group = _group(row["group"], regions)

        def everyone(k: Person, g: Predicate = group) -> bool:
            return view.belongs(k) and g(k)

        if (n := _number(row.get("n"))) is not None:
            knowledge.equals(everyone, n)
        chosen = topics.get(row["topic_id"], [])

        def needs(k: Person, e: Predicate = everyone, c: list = chosen) -> bool:
            return e(k) and k.answer in c

        if (count := _number(row.get("need_count"))) is not None:
            knowledge.equals(needs, count)
        if (share := _number(row.get("need_share"))) is not None:
            knowledge.ratio(needs, everyone, share)
    # Tables the release says ignore the filter describe everyone it includes.
    unfiltered = set(view.tables.get("unfiltered_tables", []))
    over_time = view.belongs
    if "over_time" in unfiltered:
        over_time = lambda k: k.region in regions  # noqa: E731
    for row in tables.get("over_time", []):
        if (count := _number(row.get("responses"))) is None:
            continue
        day = _day_index(row["day"])
        knowledge.equals(lambda k, d=day: over_time(k) and k.day == d, count)
    for row in tables.get("response_rates", []):
        if (count := _number(row.get("answered"))) is None:
            continue
        index = campaigns.index(int(float(row["campaign_id"])))
        knowledge.equals(
            lambda k, i=index, r=regions: k.campaign == i and k.region in r, count
        )


def _learn_cell(
    knowledge: Knowledge,
    whole: Predicate,
    part: Predicate,
    row: dict,
    n_key: str,
    count_key: str,
    share_key: str,
) -> None:
    if (n := _number(row.get(n_key))) is not None:
        knowledge.equals(whole, n)
    if (count := _number(row.get(count_key))) is not None:
        knowledge.equals(part, count)
    if (share := _number(row.get(share_key))) is not None:
        knowledge.ratio(part, whole, share)


def _day_index(day: str) -> int:
    from datetime import date

    from core.db import utcnow

    today = utcnow().astimezone(_berlin()).date()
    return (today - date.fromisoformat(str(day)[:10])).days - DAYS_BACK


def _berlin():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class Leak:
    what: str
    true: int
    low: float
    high: float


def small_groups(
    universe: Universe, people: list[Person], min_cell: int
) -> Iterator[tuple[str, Predicate, int]]:
    """Every group of people with 1 to min_cell - 1 members that a published cell
    of any view, filtered or not, could describe."""
    filters: list[tuple[str, Predicate]] = [("all", lambda k: True)]
    for name, values in (
        ("org_type", universe.org_types),
        ("district", universe.districts),
        ("campaign", universe.campaigns),
        ("day", universe.days),
    ):
        for value in values:
            filters.append(
                (f"{name}={value}", lambda k, n=name, v=value: getattr(k, n) == v)
            )
    groups: list[tuple[str, Predicate]] = [("total", lambda k: True)] + [
        (f"region={r}", lambda k, r=r: k.region == r) for r in universe.regions
    ]
    cells: list[tuple[str, Predicate]] = [("everyone", lambda k: True)]
    cells += [
        (f"answer={a}", lambda k, a=a: k.answer == a) for a in range(universe.options)
    ]
    cells += [(f"scale={s}", lambda k, s=s: k.scale == s) for s in universe.scales]
    for (f, fp), (g, gp), (c, cp) in itertools.product(filters, groups, cells):
        size = sum(1 for p in people if fp(p) and gp(p) and cp(p))
        if 0 < size < min_cell:
            yield (
                f"{f} {g} {c}",
                lambda k, fp=fp, gp=gp, cp=cp: fp(k) and gp(k) and cp(k),
                size,
            )


def attack(
    universe: Universe,
    people: list[Person],
    views: list[View],
    options: list[int],
    topics: dict[int, list[int]],
    campaigns: list[int],
    min_cell: int,
) -> list[Leak]:
    """The small groups whose size the analyst narrows below min_cell."""
    knowledge = Knowledge(universe.kinds())
    for view in views:
        learn(knowledge, view, options, topics, campaigns)
    if not knowledge.rows:
        return []
    truth = np.array([sum(1 for p in people if p == k) for k in knowledge.kinds])
    for row, low, high in zip(
        knowledge.rows, knowledge.low, knowledge.high, strict=True
    ):
        # The attacker reads the release right: the true data fits every equation.
        assert low - 1e-6 <= row @ truth <= high + 1e-6, (row @ truth, low, high)
    leaks = []
    seen: set[tuple[float, ...]] = set()
    for what, target, size in small_groups(universe, people, min_cell):
        key = tuple(knowledge.indicator(target))
        if key in seen:
            continue
        seen.add(key)
        low, high = knowledge.interval(target)
        if high - low < min_cell:
            leaks.append(Leak(what, size, low, high))
    return leaks
