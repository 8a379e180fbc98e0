"""Which cells of a release to hide, and the proof that what stays visible gives no
small group away.

Primary suppression hides every cell of 1 to MIN_CELL - 1 people. Secondary
suppression hides more until the audit passes: for every primary cell, linear
programming (HiGHS) finds the smallest and largest value consistent with every
visible cell and every relation the analyst knows; the cell is protected when that
interval is at least MIN_CELL wide (the way τ-ARGUS audits tables). The hidden cells
fall apart into independent blocks (cells linked by relations); each block is one
small LP, solved on its own."""

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from surveys.release_cells import TOTAL, Key, Relation, Sheet, primary, relations_of

MAX_ROUNDS = 500
SLACK = 1e-6
CEILING = 1000


class AuditFailed(Exception):
    """No suppression pattern could be proven safe: nothing may be shown."""


@dataclass(frozen=True)
class Suppression:
    hidden: frozenset[Key]
    primary: frozenset[Key]
    lp_solved: int


def _cost(key: Key, value: int) -> tuple:
    """Hide region cells before totals, answer cells before group sizes, small
    numbers before large ones; cells of the unfiltered view last."""
    _view, group, kind = key[0], key[1], key[2]
    margin = kind in ("N", "n", "day")
    return (group == TOTAL, key[0] == ("", ""), margin, value == 0, value)


class Auditor:
    def __init__(self, sheet: Sheet, min_cell: int) -> None:
        self.sheet = sheet
        self.min_cell = min_cell
        self.relations: list[Relation] = sheet.equal + sheet.bound
        self.equalities = len(sheet.equal)
        self.of = relations_of(self.relations)
        self.sensitive = primary(sheet, min_cell)
        self.hidden: set[Key] = set(self.sensitive)
        # Hiding more only widens intervals: a cell once protected stays so.
        self.protected: set[Key] = set()
        self.solved = 0

    def run(self) -> Suppression:
        for _ in range(MAX_ROUNDS):
            self._no_lonely_cells()
            exposed = self._exposed()
            if not exposed:
                return Suppression(
                    frozenset(self.hidden), frozenset(self.sensitive), self.solved
                )
            # A partner for every exposed cell at once: a round costs LPs.
            for key in exposed:
                if key not in self.protected:
                    self._hide_a_partner(key)
        raise AuditFailed(exposed)

    def _partners(self, key: Key, equal_only: bool = True) -> list[Key]:
        found = []
        for index in self.of.get(key, ()):
            if equal_only and index >= self.equalities:
                continue
            found += [k for k in self.relations[index] if k not in self.hidden]
        return found

    def _hide_a_partner(self, key: Key) -> None:
        partners = self._partners(key) or self._partners(key, equal_only=False)
        if not partners:
            for other in self._block(key):
                partners += self._partners(other)
        if not partners:
            raise AuditFailed(key)
        values = self.sheet.values
        self.hidden.add(min(partners, key=lambda k: _cost(k, values[k])))

    def _no_lonely_cells(self) -> None:
        """Equations that give a hidden cell away are cheap to see without LP, so
        fixed first: a hidden cell alone in one, or hidden cells all on one side of
        one (the parts of a shown whole) adding up to fewer than min_cell people,
        since each lies between 0 and their sum."""
        values = self.sheet.values
        changed = True
        while changed:
            changed = False
            for relation in self.sheet.equal:
                inside = [k for k in relation if k in self.hidden]
                if not inside or len(inside) == len(relation):
                    continue
                lonely = len(inside) == 1
                narrow = (
                    len({relation[k] > 0 for k in inside}) == 1
                    and sum(values[k] for k in inside) < self.min_cell
                    and not self.sensitive.isdisjoint(inside)
                )
                if lonely or narrow:
                    outside = [k for k in relation if k not in self.hidden]
                    self.hidden.add(min(outside, key=lambda k: _cost(k, values[k])))
                    changed = True

    def _block(self, key: Key) -> set[Key]:
        """The hidden cells linked to `key` through relations."""
        seen, todo = {key}, [key]
        while todo:
            current = todo.pop()
            for index in self.of.get(current, ()):
                for other in self.relations[index]:
                    if other in self.hidden and other not in seen:
                        seen.add(other)
                        todo.append(other)
        return seen

    def _exposed(self) -> list[Key]:
        """Every sensitive cell left narrower than min_cell, block by block."""
        done: set[Key] = set()
        found: list[Key] = []
        for key in sorted(self.sensitive - self.protected, key=repr):
            if key in done:
                continue
            block = self._block(key)
            done |= block
            found += self._audit_block(block)
        return found

    def _audit_block(self, block: set[Key]) -> list[Key]:
        """The sensitive cells of the block narrower than min_cell."""
        cells = sorted(block, key=repr)
        program = _Program(self, cells)
        todo = [
            i
            for i, key in enumerate(cells)
            if key in self.sensitive and key not in self.protected
        ]
        # Two pushes of every open cell at once settle most of them: any two
        # consistent tables whose values of a cell lie min_cell apart prove it.
        for sign in (-1.0, 1.0):
            open_cells = [i for i in todo if not program.wide(i)]
            if open_cells:
                program.push(open_cells, sign)
        exposed = []
        for i in todo:
            if program.wide(i):
                continue
            program.push([i], -1.0)
            if not program.wide(i):
                program.push([i], 1.0)
            if not program.wide(i):  # its exact interval: the two ends were solved
                exposed.append(cells[i])
        self.protected |= {cells[i] for i in todo if program.wide(i)}
        self.solved += program.solved
        return exposed


class _Program:
    """The hidden cells of one block as an LP: the relations with the visible cells
    moved to the right-hand side, every count non-negative.
    It remembers, per cell, the lowest and highest value seen in a solution."""

    def __init__(self, auditor: Auditor, cells: list[Key]) -> None:
        self.min_cell = auditor.min_cell
        values = auditor.sheet.values
        column = {k: i for i, k in enumerate(cells)}
        rows = sorted({i for k in cells for i in auditor.of.get(k, ())})
        parts: dict[bool, tuple[list, list, list, list]] = {
            True: ([], [], [], []),
            False: ([], [], [], []),
        }
        for index in rows:
            data, row_of, col_of, rhs = parts[index < auditor.equalities]
            row = len(rhs)
            constant = 0
            for key, weight in auditor.relations[index].items():
                if key in column:
                    data.append(weight)
                    row_of.append(row)
                    col_of.append(column[key])
                else:
                    constant += weight * values[key]
            rhs.append(-constant)
        # A ceiling far above any count keeps every LP bounded; it never narrows
        # an interval that matters (the release's total is the largest count).
        ceiling = CEILING * (max(values.values(), default=0) + auditor.min_cell)
        self.problem: dict = {
            "bounds": (0, ceiling),
            "method": "highs",
        }
        for equal, (a, b) in ((True, ("A_eq", "b_eq")), (False, ("A_ub", "b_ub"))):
            data, row_of, col_of, rhs = parts[equal]
            if rhs:
                self.problem[a] = csr_matrix(
                    (data, (row_of, col_of)), shape=(len(rhs), len(cells))
                )
                self.problem[b] = rhs
        # The true table is one consistent table.
        self.low = np.array([values[k] for k in cells], dtype=float)
        self.high = self.low.copy()
        self.size = len(cells)
        self.solved = 0

    def wide(self, i: int) -> bool:
        return bool(self.high[i] - self.low[i] >= self.min_cell - SLACK)

    def push(self, cells: list[int], sign: float) -> None:
        """Solve for the cells' sum as high (sign -1) or as low (+1) as it goes."""
        objective = np.zeros(self.size)
        objective[cells] = sign
        found = linprog(objective, **self.problem)
        self.solved += 1
        if found.status != 0:
            raise AuditFailed(found.message)
        np.minimum(self.low, found.x, out=self.low)
        np.maximum(self.high, found.x, out=self.high)


def suppress(sheet: Sheet, min_cell: int) -> Suppression:
    """The audited set of hidden cells (raises AuditFailed: show nothing)."""
    return Auditor(sheet, min_cell).run()


def hidden_share(sheet: Sheet, hidden: frozenset[Key]) -> float:
    """The share of cells hidden (zeros that are shown count as shown)."""
    return len(hidden) / max(1, len(sheet.values))


def by_view(hidden: frozenset[Key]) -> dict:
    grouped: dict = defaultdict(set)
    for key in hidden:
        grouped[key[0]].add(key)
    return grouped
