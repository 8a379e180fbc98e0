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
            exposed = self._first_exposed()
            if exposed is None:
                return Suppression(
                    frozenset(self.hidden), frozenset(self.sensitive), self.solved
                )
            self._hide_a_partner(exposed)
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
        """A hidden cell alone in an equation is published by the others: cheap
        to see without LP, so fixed first."""
        changed = True
        while changed:
            changed = False
            for relation in self.sheet.equal:
                inside = [k for k in relation if k in self.hidden]
                if len(inside) == 1 and len(relation) > 1:
                    self._hide_a_partner(inside[0])
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

    def _first_exposed(self) -> Key | None:
        done: set[Key] = set()
        for key in sorted(self.sensitive - self.protected, key=repr):
            if key in done:
                continue
            block = self._block(key)
            done |= block
            exposed = self._audit_block(block)
            if exposed is not None:
                return exposed
        return None

    def _audit_block(self, block: set[Key]) -> Key | None:
        """The first sensitive cell of the block narrower than min_cell, if any."""
        cells = sorted(block, key=repr)
        column = {k: i for i, k in enumerate(cells)}
        rows = sorted({i for k in cells for i in self.of.get(k, ())})
        eq_rows, ub_rows, eq_rhs, ub_rhs = [], [], [], []
        for index in rows:
            relation = self.relations[index]
            coefficients = np.zeros(len(cells))
            constant = 0.0
            for key, weight in relation.items():
                if key in column:
                    coefficients[column[key]] += weight
                else:
                    constant += weight * self.sheet.values[key]
            if index < self.equalities:
                eq_rows.append(coefficients)
                eq_rhs.append(-constant)
            else:
                ub_rows.append(coefficients)
                ub_rhs.append(-constant)
        problem = {
            "A_eq": csr_matrix(np.array(eq_rows)) if eq_rows else None,
            "b_eq": eq_rhs or None,
            "A_ub": csr_matrix(np.array(ub_rows)) if ub_rows else None,
            "b_ub": ub_rhs or None,
            "bounds": (0, None),
            "method": "highs",
        }
        for key in cells:
            if key not in self.sensitive or key in self.protected:
                continue
            objective = np.zeros(len(cells))
            objective[column[key]] = 1
            low = linprog(objective, **problem)
            high = linprog(-objective, **problem)
            self.solved += 2
            if low.status not in (0, 3) or high.status not in (0, 3):
                raise AuditFailed(key)
            top = np.inf if high.status == 3 else -high.fun
            if top - low.fun < self.min_cell - SLACK:
                return key
            self.protected.add(key)
        return None


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
