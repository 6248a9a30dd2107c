"""Small-count suppression of a report's published counts (no Qt, no database).

Primary suppression hides counts from 1 to threshold - 1 ("<N"); secondary (complementary)
suppression hides further cells ("x") so that no hidden count can be worked out from the
shown ones. :class:`Cell` is one published count. Used by :mod:`printing.reports` on the
aggregated counts (from the database's GROUP BY or from registrations row by row).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("printing.reports")

@dataclass(frozen=True)
class Cell:
    """One published count: ``value`` is ``None`` when suppressed; ``text`` is what prints."""

    key: str
    value: int | None
    text: str

    @property
    def plotted(self) -> int:
        return self.value or 0


# ---------------------------------------------------------------------------- suppression
#
# Primary suppression hides counts from 1 to threshold - 1 ("<N"). Secondary
# (complementary) suppression hides more cells ("x") so that no hidden count can be worked
# out from the shown ones: every row and every column of a table, with its total, is a
# *line* (cells + total = an equation), and the same cell (the grand total, the counts by
# direction, sex or age group) is one variable in every line it belongs to.
#
# What a reader knows, and what the checks assume: zeros are shown; a "<N" cell is between
# 1 and N - 1; an "x" cell is at least N (every smaller non-zero count is already "<N").
# A hidden cell *leaks* when these bounds and the shown counts of the lines pin it to one
# value. The checks below find such cells (an exact one per line, interval propagation
# across lines, an exact cycle test in each two-way table, a small linear programme for
# the other equations) and hide one more cell next to each, until nothing leaks or nothing is left
# to hide.

SECONDARY_TEXT = "x"
_MAX_PROPAGATION_PASSES = 60
_LP_ALL_LINES = 120        # hidden cells up to which one linear programme covers every line
_INF = float("inf")


class _Suppression:
    """Cells (hashable ids with counts), the equations between them, and the hidden ones."""

    def __init__(self, threshold: int):
        self.threshold = threshold
        self.values: dict[Any, int] = {}
        self.lines: list[tuple[tuple, Any]] = []          # (cells, total): sum(cells) == total
        self.tables: list[list[list[Any]]] = []           # two-way tables, margins last
        self.hidden: dict[Any, str] = {}                  # id -> "primary" | "secondary"
        self._member_of: dict[Any, list[int]] = {}
        self._maybe_zero: set[Any] = set()
        self.withheld = False                             # everything hidden as "x" (last resort)

    # -- building
    def cell(self, cid: Any, value: int) -> Any:
        self.values[cid] = int(value)
        return cid

    def line(self, cells: Iterable[Any], total: Any) -> None:
        index = len(self.lines)
        self.lines.append((tuple(cells), total))
        for cid in (*self.lines[-1][0], total):
            self._member_of.setdefault(cid, []).append(index)

    def table(self, grid: list[list[Any]]) -> None:
        """A two-way table: ``grid[r][c]``, the last row and the last column are the totals."""
        self.tables.append(grid)
        for row in grid:
            self.line(row[:-1], row[-1])
        for c in range(len(grid[0])):
            self.line([grid[r][c] for r in range(len(grid) - 1)], grid[-1][c])

    # -- what a reader knows
    def bounds(self, cid: Any) -> tuple[float, float]:
        kind = self.hidden.get(cid)
        if kind == "primary":
            return (0 if cid in self._maybe_zero else 1), self.threshold - 1
        if kind == "secondary":
            return self.threshold, _INF
        v = self.values[cid]
        return v, v

    def cell_for(self, cid: Any, key: str) -> Cell:
        if self.withheld:
            return Cell(key, None, SECONDARY_TEXT)
        kind = self.hidden.get(cid)
        if kind == "primary":
            return Cell(key, None, f"<{self.threshold}")
        if kind == "secondary":
            return Cell(key, None, SECONDARY_TEXT)
        return Cell(key, self.values[cid], str(self.values[cid]))

    # -- the algorithm
    def run(self) -> None:
        if self.threshold <= 1:
            return
        for cid, v in self.values.items():
            if 0 < v < self.threshold:
                self.hidden[cid] = "primary"
        self._hide_breakdowns_of_small_totals()
        while True:
            self._complete_lines()
            added, touched = False, set[int]()
            for cid in self.leaks():
                lines = set(self._member_of.get(cid, ()))
                if lines & touched:      # a cell was just hidden next to it: check again first
                    continue
                picks = [self._hide_next_to(cid)]
                if picks[0] is None:     # nothing left but zeros: hide those (see ``bounds``)
                    picks = self._hide_zeros_next_to(cid)
                for pick in picks:
                    if pick is not None:
                        added = True
                        touched |= set(self._member_of.get(pick, ()))
            if not added:
                break
        if self.leaks():
            # still pinned with nothing left to hide near it (a handful of travellers and a
            # low threshold): every count is hidden, zeros included, and all read "x", which
            # then says nothing at all (no bounds)
            log.warning("small-count suppression: every count of the report is hidden")
            self.withheld = True
            for cid in self.values:
                self.hidden.setdefault(cid, "secondary")

    def _known_zero(self, c: Any) -> bool:
        """``c`` is 0 and the shown counts say so (a shown total of 0, or all cells shown 0)."""
        for index in self._member_of[c]:
            cells, total = self.lines[index]
            if c == total:
                if all(m not in self.hidden and self.values[m] == 0 for m in cells):
                    return True
            elif self.values[total] == 0 and total not in self.hidden:
                return True
        return False

    def _hide_breakdowns_of_small_totals(self) -> None:
        """A line whose total is "<N" is hidden entirely, zeros included: otherwise four
        groups in a total of "<5" would each be 1. Those cells then read "fewer than N,
        possibly 0" (``bounds``). A zero stays shown when the shown counts say it is 0."""
        changed = True
        while changed:
            changed = False
            for cells, total in self.lines:
                if self.hidden.get(total) != "primary":
                    continue
                for c in cells:
                    if c not in self.hidden and not (self.values[c] == 0 and self._known_zero(c)):
                        self.hidden[c] = "primary"
                        changed = True

    def _hide_zeros_next_to(self, cid: Any) -> list[Any]:
        """Last resort for a pinned cell whose lines show nothing but zeros: hide those zeros
        ("<N"), so that the line shows no count at all and its "<N" cells may be 0."""
        picked = []
        for index in self._member_of.get(cid, ()):
            cells, _total = self.lines[index]
            for c in cells:
                if c not in self.hidden and self.values[c] == 0 and not self._known_zero(c):
                    self.hidden[c] = "primary"
                    picked.append(c)
        return picked

    def _update_maybe_zero(self) -> None:
        """The "<N" cells a reader must take as possibly 0: members of a line whose total is
        "<N", or of a line that shows no count but zeros."""
        small = f"<{self.threshold}"
        self._maybe_zero = set()
        for cells, total in self.lines:
            texts = [self.cell_for(c, "").text for c in (*cells, total)]
            if texts[-1] == small or all(t in (small, SECONDARY_TEXT, "0") for t in texts):
                self._maybe_zero |= {c for c in cells if self.hidden.get(c) == "primary"}

    def _complete_lines(self) -> None:
        """Until stable: a line with exactly one hidden cell gets a second one (its smallest
        non-zero shown cell; the total only when nothing else is left)."""
        changed = True
        while changed:
            changed = False
            for cells, total in self.lines:
                if sum(1 for c in (*cells, total) if c in self.hidden) != 1:
                    continue
                pick = self._candidate(cells, total)
                if pick is not None:
                    self.hidden[pick] = "secondary"
                    changed = True

    def _candidate(self, cells: tuple, total: Any) -> Any:
        shown = [c for c in cells if c not in self.hidden and self.values[c] > 0]
        if shown:
            return min(shown, key=lambda c: self.values[c])   # min() keeps the first of equals
        if total not in self.hidden and self.values[total] > 0:
            return total
        return None

    def _hide_next_to(self, cid: Any) -> Any:
        """Hide the smallest non-zero shown cell of a line through ``cid`` (totals last); when
        those lines are all hidden, look one hidden cell further (up to three steps)."""
        frontier, seen_cells, seen_lines = [cid], {cid}, set()
        for _depth in range(3):
            best, nxt = None, []
            for cell in frontier:
                for index in self._member_of.get(cell, ()):
                    if index in seen_lines:
                        continue
                    seen_lines.add(index)
                    cells, total = self.lines[index]
                    pick = self._candidate(cells, total)
                    if pick is not None:
                        rank = (pick == total, self.values[pick])
                        if best is None or rank < best[0]:
                            best = (rank, pick)
                    nxt += [c for c in (*cells, total) if c in self.hidden and c not in seen_cells]
                    seen_cells.update(nxt)
            if best is not None:
                self.hidden[best[1]] = "secondary"
                return best[1]
            frontier = nxt
        return None

    # -- the checks
    def leaks(self) -> list[Any]:
        """Hidden cells that the shown counts and the known bounds pin to one value."""
        self._update_maybe_zero()
        found: dict[Any, None] = {}
        for cid in self._propagated_pins():
            found[cid] = None
        for grid in self.tables:
            for cid in self._table_pins(grid):
                found[cid] = None
        for cid in self._lp_pins():
            found[cid] = None
        return [c for c in found if self.bounds(c)[0] < self.bounds(c)[1]]  # "<2" is 1 by itself

    def _equation(self, cells: tuple, total: Any) -> tuple[list[tuple[Any, int]], int]:
        """``sum(a * x for x hidden) == rhs``, coefficient +1 for cells and -1 for the total."""
        terms, rhs = [], 0
        for cid, a in [*((c, 1) for c in cells), (total, -1)]:
            if cid in self.hidden:
                terms.append((cid, a))
            else:
                rhs -= a * self.values[cid]
        return terms, rhs

    def _propagated_pins(self) -> list[Any]:
        """Interval propagation over every line (sound: a pin found here is a real leak)."""
        box = {cid: list(self.bounds(cid)) for cid in self.hidden}
        equations = [self._equation(cells, total) for cells, total in self.lines]
        equations = [(t, r) for t, r in equations if t]
        for _pass in range(_MAX_PROPAGATION_PASSES):
            changed = False
            for terms, rhs in equations:
                # range of a*x for each term; sums counted without inf - inf
                lo_parts = [a * box[c][0] if a > 0 else -box[c][1] for c, a in terms]
                hi_parts = [a * box[c][1] if a > 0 else -box[c][0] for c, a in terms]
                lo_inf = sum(1 for v in lo_parts if v == -_INF)
                hi_inf = sum(1 for v in hi_parts if v == _INF)
                lo_sum = sum(v for v in lo_parts if v != -_INF)
                hi_sum = sum(v for v in hi_parts if v != _INF)
                for i, (c, a) in enumerate(terms):
                    others_lo = -_INF if lo_inf - (lo_parts[i] == -_INF) else lo_sum - (
                        0 if lo_parts[i] == -_INF else lo_parts[i])
                    others_hi = _INF if hi_inf - (hi_parts[i] == _INF) else hi_sum - (
                        0 if hi_parts[i] == _INF else hi_parts[i])
                    t_lo, t_hi = rhs - others_hi, rhs - others_lo      # range of a*x
                    lo, hi = (t_lo, t_hi) if a > 0 else (-t_hi, -t_lo)
                    cur = box[c]
                    if lo > cur[0]:
                        cur[0], changed = lo, True
                    if hi < cur[1]:
                        cur[1], changed = hi, True
            if not changed:
                break
        return [c for c, (lo, hi) in box.items() if lo >= hi]

    def _table_pins(self, grid: list[list[Any]]) -> list[Any]:
        """Exact for one two-way table with margins: a hidden cell can move only along a
        cycle of hidden cells (alternately up and down) whose moves keep every cell within
        its bounds. Rows are nodes ("r", i), columns ("c", j); a margin cell enters the
        equations with the opposite sign, so its up/down arcs are swapped."""
        nrows, ncols = len(grid), len(grid[0])
        arcs: dict[tuple, list[tuple[tuple, Any]]] = {}
        hidden = []
        for i in range(nrows):
            for j in range(ncols):
                cid = grid[i][j]
                if cid not in self.hidden:
                    continue
                sign = -1 if (i == nrows - 1) != (j == ncols - 1) else 1
                lo, hi = self.bounds(cid)
                v = self.values[cid]
                can_up, can_down = v < hi, v > lo
                y_up, y_down = (can_up, can_down) if sign > 0 else (can_down, can_up)
                r, c = ("r", i), ("c", j)
                if y_up:
                    arcs.setdefault(r, []).append((c, cid))
                if y_down:
                    arcs.setdefault(c, []).append((r, cid))
                hidden.append((cid, r, c, sign, can_up, can_down))

        def reaches(start, goal, skip) -> bool:
            seen, stack = {start}, [start]
            while stack:
                node = stack.pop()
                for nxt, via in arcs.get(node, ()):
                    if via == skip or nxt in seen:
                        continue
                    if nxt == goal:
                        return True
                    seen.add(nxt)
                    stack.append(nxt)
            return False

        pinned = []
        for cid, r, c, sign, can_up, can_down in hidden:
            # y up uses the arc r -> c and needs a way back c -> r; y down the reverse
            up = can_up and (reaches(c, r, cid) if sign > 0 else reaches(r, c, cid))
            down = can_down and (reaches(r, c, cid) if sign > 0 else reaches(c, r, cid))
            if not up and not down:
                pinned.append(cid)
        return pinned

    def _lp_pins(self) -> list[Any]:
        """Exact test (a small linear programme): every equation when at most
        ``_LP_ALL_LINES`` cells are hidden, else those outside the two-way tables
        (nationalities, outcomes, screened, referrals; the tables have their own exact
        test). A hidden cell leaks when its smallest and largest possible values, given
        every shown count and every bound, are equal."""
        equations = [self._equation(cells, total) for cells, total in self.lines]
        if sum(1 for terms, _r in equations if terms) and len(self.hidden) > _LP_ALL_LINES:
            table_lines = set()
            for grid in self.tables:
                table_lines |= {(tuple(row[:-1]), row[-1]) for row in grid}
                table_lines |= {(tuple(grid[r][c] for r in range(len(grid) - 1)), grid[-1][c])
                                for c in range(len(grid[0]))}
            equations = [self._equation(cells, total) for cells, total in self.lines
                         if (cells, total) not in table_lines]
        equations = [(t, r) for t, r in equations if t]
        variables = sorted({c for terms, _r in equations for c, _a in terms}, key=repr)
        if not variables or len(variables) > 200:
            return []
        index = {c: k for k, c in enumerate(variables)}
        rows = [[0.0] * len(variables) for _ in equations]
        for row, (terms, _r) in zip(rows, equations, strict=True):
            for c, a in terms:
                row[index[c]] += a
        bounds = [self.bounds(c) for c in variables]
        ranges = _lp_ranges(rows, [float(r) for _t, r in equations], bounds)
        return [c for c, (lo, hi) in zip(variables, ranges, strict=True)
                if hi != _INF and math.floor(hi + 1e-7) <= math.ceil(lo - 1e-7)]


def _lp_ranges(rows: list[list[float]], rhs: list[float], bounds: list[tuple[float, float]]
               ) -> list[tuple[float, float]]:
    """For ``rows @ x == rhs`` and ``lo <= x <= hi``: the (min, max) of every ``x[k]``
    (max may be inf). Dense two-phase simplex with Bland's rule: small problems only."""
    import numpy

    n = len(bounds)
    lo = numpy.array([b[0] for b in bounds], dtype=float)
    A = numpy.array(rows, dtype=float).reshape(len(rows), n)
    b = numpy.array(rhs, dtype=float) - A @ lo                # x = lo + y, y >= 0
    caps = [(k, b_[1] - b_[0]) for k, b_ in enumerate(bounds) if b_[1] != _INF]
    if caps:                                                  # y_k + s = hi - lo
        cap_rows = numpy.zeros((len(caps), n + len(caps)))
        for i, (k, _width) in enumerate(caps):
            cap_rows[i, k], cap_rows[i, n + i] = 1.0, 1.0
        A = numpy.vstack([numpy.hstack([A, numpy.zeros((A.shape[0], len(caps)))]), cap_rows])
        b = numpy.concatenate([b, [w for _k, w in caps]])
    neg = b < 0
    A[neg], b[neg] = -A[neg], -b[neg]
    m, width = A.shape
    # phase 1: artificials
    tab = numpy.zeros((m + 1, width + m + 1))
    tab[:m, :width], tab[:m, width:width + m], tab[:m, -1] = A, numpy.eye(m), b
    basis = list(range(width, width + m))
    tab[m, :] = -tab[:m, :].sum(axis=0)
    tab[m, width:width + m] = 0.0
    _simplex(tab, basis, width + m)
    if tab[m, -1] < -1e-7:
        return [(lo[k], bounds[k][1]) for k in range(n)]      # infeasible: cannot happen on true data
    for i in range(m):                                        # drive artificials out
        if basis[i] >= width:
            cols = [j for j in range(width) if abs(tab[i, j]) > 1e-9]
            if cols:
                _pivot(tab, basis, i, cols[0])
    keep = [i for i in range(m) if basis[i] < width]
    tab = numpy.vstack([tab[keep][:, list(range(width)) + [-1]], numpy.zeros((1, width + 1))])
    basis = [basis[i] for i in keep]
    out = []
    for k in range(n):
        found = []
        for sign in (1.0, -1.0):
            t = tab.copy()
            cost = numpy.zeros(width)
            cost[k] = sign
            t[-1, :width] = cost
            t[-1, -1] = 0.0
            for i, j in enumerate(basis):                     # reduced costs
                if cost[j]:
                    t[-1, :] -= cost[j] * t[i, :]
            if not _simplex(t, list(basis), width):
                found.append(-_INF)
            else:
                found.append(-t[-1, -1])
        out.append((lo[k] + found[0], lo[k] - found[1]))
    return out


def _pivot(tab, basis: list[int], row: int, col: int) -> None:
    tab[row, :] /= tab[row, col]
    for i in range(tab.shape[0]):
        if i != row and tab[i, col] != 0.0:
            tab[i, :] -= tab[i, col] * tab[row, :]
    basis[row] = col


def _simplex(tab, basis: list[int], ncols: int) -> bool:
    """Minimise the last row's objective in place (Bland's rule). False when unbounded."""
    import numpy

    m = tab.shape[0] - 1
    for _step in range(50_000):
        negative = numpy.flatnonzero(tab[m, :ncols] < -1e-9)
        if negative.size == 0:
            return True
        entering = int(negative[0])
        column = tab[:m, entering]
        rows = numpy.flatnonzero(column > 1e-9)
        if rows.size == 0:
            return False
        ratios = tab[rows, -1] / column[rows]
        best = ratios.min()
        ties = rows[ratios <= best + 1e-12]
        leaving = min(ties.tolist(), key=lambda i: basis[i])
        _pivot(tab, basis, leaving, entering)
    return True
