"""Which cells of a release to hide, and the proof that what stays visible gives no
small group away.

Primary suppression hides every cell of 1 to MIN_CELL - 1 people. Secondary
suppression hides more until the audit passes: for every primary cell, linear
programming (HiGHS) finds the smallest and largest value consistent with every
visible cell and every relation the analyst knows; the cell is protected when that
interval is at least MIN_CELL wide (the way τ-ARGUS audits tables). The LP lets a
hidden cell be 0, so a zero that shares a relation with a hidden cell is hidden too:
were zeros always shown, a hidden cell would be known to hold somebody. The hidden cells
fall apart into independent blocks (cells linked by relations); each block is one
small LP, solved on its own."""

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import highspy
import numpy as np
from flask_babel import lazy_gettext as _l
from scipy.sparse import csr_matrix
from werkzeug.exceptions import ServiceUnavailable

from surveys.analysis.release_cells import (
    TOTAL,
    Key,
    Relation,
    Sheet,
    primary,
    relations_of,
)

MAX_ROUNDS = 500
SLACK = 1e-6
CEILING = 1000


class AuditFailed(ServiceUnavailable):
    """No suppression pattern could be proven safe: nothing may be shown (fail
    closed). Pages answer 503 with a message; a mail's results block is left out."""

    for_people = True

    def __init__(self, detail: object = None) -> None:
        super().__init__()
        self.detail = detail
        logging.getLogger(__name__).error("release audit failed closed: %r", detail)

    @property
    def description(self) -> str:  # type: ignore[override]
        return str(
            _l(
                "The figures of this survey cannot be shown right now without "
                "giving small groups away, so nothing is shown. Nothing is lost; "
                "please tell the administrators, who will find the reason in the "
                "log."
            )
        )


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


def _row(key: Key) -> tuple | None:
    """The cells a table shows side by side with this one: the options or scale
    points of one question, the bridge's topics (of one view and group)."""
    kind = key[2]
    if kind in ("x", "p"):
        return tuple(key[:4])
    if kind == "b":
        return tuple(key[:3])
    return None


class Auditor:
    def __init__(self, sheet: Sheet, min_cell: int) -> None:
        self.sheet = sheet
        self.min_cell = min_cell
        self.relations: list[Relation] = sheet.equal + sheet.bound
        self.equalities = len(sheet.equal)
        self.of = relations_of(self.relations)
        self.sensitive = primary(sheet, min_cell)
        self.hidden: set[Key] = set()
        self.hidden_in = [0] * len(self.relations)  # hidden cells per relation
        self.first_hidden: list[Key | None] = [None] * len(self.relations)
        self.parent: dict[Key, Key] = {}  # hidden cells linked into blocks
        self.touched: set[int] = set()  # relations whose hidden cells changed
        for key in sorted(self.sensitive, key=repr):
            self._hide(key)
        # Hiding more only widens intervals: a cell once protected stays so.
        self.protected: set[Key] = set()
        # The relations that held an exposed cell at its ends in the last audit.
        self.pinned_by: dict[Key, set[int]] = {}
        self.solved = 0

    def run(self) -> Suppression:
        exposed: list[Key] = []
        for _ in range(MAX_ROUNDS):
            self._no_lonely_cells()
            exposed = self._exposed()
            if not exposed:
                return Suppression(
                    frozenset(self.hidden | self._zeros_beside_hidden()),
                    frozenset(self.sensitive),
                    self.solved,
                )
            # A partner for every exposed cell at once: a round costs LPs. A cell
            # whose block another's partner closed meanwhile is audited again.
            hidden_before = len(self.hidden)
            for key in exposed:
                if key not in self.protected:
                    self._hide_a_partner(key)
            if len(self.hidden) == hidden_before:
                raise AuditFailed(exposed)
        raise AuditFailed(exposed)

    def _zeros_beside_hidden(self) -> set[Key]:
        """Zeros in a relation or a shown row with a hidden cell, and in turn zeros
        beside those: shown as 0, they would tell that the hidden cells beside them
        are not (and hiding more only widens)."""
        values = self.sheet.values
        rows: dict[tuple, list[Key]] = defaultdict(list)
        for key in values:
            if (row := _row(key)) is not None:
                rows[row].append(key)
        masked: set[Key] = set()
        todo: list[Iterable[Key]] = [
            self.relations[index] for index, count in enumerate(self.hidden_in) if count
        ]
        todo += [rows[row] for key in self.hidden if (row := _row(key)) is not None]
        while todo:
            for key in todo.pop():
                if values[key] == 0 and key not in self.hidden and key not in masked:
                    masked.add(key)
                    todo += [self.relations[i] for i in self.of.get(key, ())]
                    if (row := _row(key)) is not None:
                        todo.append(rows[row])
        return masked

    def _hide(self, key: Key) -> None:
        self.hidden.add(key)
        self.parent[key] = key
        for index in self.of.get(key, ()):
            self.hidden_in[index] += 1
            self.touched.add(index)
            first = self.first_hidden[index]
            if first is None:
                self.first_hidden[index] = key
            else:
                self._link(key, first)

    def _root(self, key: Key) -> Key:
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def _link(self, a: Key, b: Key) -> None:
        self.parent[self._root(a)] = self._root(b)

    def _partners(self, key: Key, equal_only: bool = True) -> list[Key]:
        found = []
        for index in self.of.get(key, ()):
            if equal_only and index >= self.equalities:
                continue
            found += [k for k in self.relations[index] if k not in self.hidden]
        return found

    def _hide_a_partner(self, key: Key) -> None:
        """Hide a visible cell of a relation that holds `key` at an end of its
        interval: hiding anything else may widen nothing."""
        partners = [
            k
            for index in sorted(self.pinned_by.pop(key, ()))
            for k in self.relations[index]
            if k not in self.hidden
        ]
        partners = (
            partners
            or self._partners(key)
            or self._partners(key, equal_only=False)
            or self._block_partners(key)
        )
        if partners:  # none: another partner closed the block; it is audited again
            self._hide(self._cheapest(partners))

    def _block_partners(self, key: Key) -> list[Key]:
        """Visible cells of any relation of the cells in `key`'s block (equations
        first): the whole block moves together."""
        root = self._root(key)
        block = [other for other in self.hidden if self._root(other) == root]
        for equal_only in (True, False):
            found = [k for other in block for k in self._partners(other, equal_only)]
            if found:
                return found
        return []

    def _loose_ends(self, key: Key) -> int:
        """How many equations would hold `key` as their only hidden cell: each
        would need yet another partner. Preferring partners without loose ends
        closes the cycles that protect a cell in one round instead of many."""
        return sum(
            1
            for index in self.of.get(key, ())
            if index < self.equalities and self.hidden_in[index] == 0
        )

    def _cheapest(self, candidates: list[Key]) -> Key:
        values = self.sheet.values
        return min(candidates, key=lambda k: (self._loose_ends(k), _cost(k, values[k])))

    def _no_lonely_cells(self) -> None:
        """Equations that give a hidden cell away are cheap to see without LP, so
        fixed first: a hidden cell alone in one, or hidden cells all on one side of
        one (the parts of a shown whole) adding up to fewer than min_cell people,
        since each lies between 0 and their sum."""
        values = self.sheet.values
        while self.touched:
            index = self.touched.pop()
            if index >= self.equalities:
                continue
            relation = self.relations[index]
            if self.hidden_in[index] == len(relation):
                continue
            lonely = self.hidden_in[index] == 1
            if not lonely:
                inside = [k for k in relation if k in self.hidden]
                lonely = (
                    len({relation[k] > 0 for k in inside}) == 1
                    and sum(values[k] for k in inside) < self.min_cell
                    and not self.sensitive.isdisjoint(inside)
                )
            if lonely:
                outside = [k for k in relation if k not in self.hidden]
                self._hide(self._cheapest(outside))

    def _exposed(self) -> list[Key]:
        """Every sensitive cell left narrower than min_cell, block by block."""
        blocks: dict[Key, set[Key]] = defaultdict(set)
        for key in self.hidden:
            blocks[self._root(key)].add(key)
        found: list[Key] = []
        for block in sorted(blocks.values(), key=lambda b: repr(min(b, key=repr))):
            if block & self.sensitive - self.protected:
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
            binding = program.binding()
            if not program.wide(i):
                program.push([i], 1.0)
                binding |= program.binding()
            if not program.wide(i):  # its exact interval: the two ends were solved
                exposed.append(cells[i])
                self.pinned_by[cells[i]] = binding
        self.protected |= {cells[i] for i in todo if program.wide(i)}
        self.solved += program.solved
        return exposed


class _Program:
    """The hidden cells of one block as an LP: the relations with the visible cells
    moved to the right-hand side, every count non-negative (zeros beside hidden
    cells are hidden too, so a hidden cell may be 0 for all an analyst knows).
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
        self.relation_of_row = [i for i in rows if i < auditor.equalities] + [
            i for i in rows if i >= auditor.equalities
        ]
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
        self.size = len(cells)
        # One model per block; a push changes only the objective, so HiGHS starts
        # each solve from the previous basis.
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.addVars(
            self.size, np.zeros(self.size), np.full(self.size, float(ceiling))
        )
        for equal in (True, False):
            data, row_of, col_of, rhs = parts[equal]
            if not rhs:
                continue
            matrix = csr_matrix(
                (data, (row_of, col_of)), shape=(len(rhs), self.size), dtype=float
            )
            upper = np.array(rhs, dtype=float)
            lower = upper if equal else np.full(len(rhs), -highspy.kHighsInf)
            self.highs.addRows(
                len(rhs),
                lower,
                upper,
                matrix.nnz,
                matrix.indptr[:-1].astype(np.int32),
                matrix.indices.astype(np.int32),
                matrix.data,
            )
        self.columns = np.arange(self.size, dtype=np.int32)
        # The true table is one consistent table.
        self.low = np.array([values[k] for k in cells], dtype=float)
        self.high = self.low.copy()
        self.solved = 0

    def binding(self) -> set[int]:
        """The relations that held the last solution where it is."""
        return {
            self.relation_of_row[r] for r in np.flatnonzero(np.abs(self.duals) > SLACK)
        }

    def wide(self, i: int) -> bool:
        return bool(self.high[i] - self.low[i] >= self.min_cell - SLACK)

    def push(self, cells: list[int], sign: float) -> None:
        """Solve for the cells' sum as high (sign -1) or as low (+1) as it goes."""
        objective = np.zeros(self.size)
        objective[cells] = sign
        self.highs.changeColsCost(self.size, self.columns, objective)
        self.highs.run()
        self.solved += 1
        status = self.highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise AuditFailed(self.highs.modelStatusToString(status))
        solution = self.highs.getSolution()
        self.duals = np.array(solution.row_dual)
        found = np.array(solution.col_value)
        np.minimum(self.low, found, out=self.low)
        np.maximum(self.high, found, out=self.high)


def suppress(sheet: Sheet, min_cell: int) -> Suppression:
    """The audited set of hidden cells (raises AuditFailed: show nothing)."""
    return Auditor(sheet, min_cell).run()
