"""Period reports: aggregation (pure) and a PDF with tables and charts (reportlab).

:func:`compute_report` turns registrations into counts: crossings by day, direction,
nationality, sex, age group (0-4, 5-17, 18-59, 60+, unknown), screening outcomes and
referrals. Counts from 1 to ``threshold - 1`` are *suppressed* there, in the data itself
(value ``None``, text ``"<N"``), and so are the further cells (text ``"x"``) needed so that
no suppressed count can be worked out by subtraction from a total (secondary suppression,
see ``_Suppression``). No caller can print or export a small count by mistake; charts
draw suppressed cells as 0. Zeros are shown. Voided registrations are left out.

:func:`render_report` lays the data out on A4 pages (one language), with the DÉMO mark for
demo data.
"""

from __future__ import annotations

import io
import logging
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from border_app.clock import POST_UTC_OFFSET_MINUTES, post_time, utcnow
from border_app.errors import InvalidInput
from border_app.i18n import N_, _, gettext

from . import fonts
from .fonts import BOLD, REGULAR

AGE_GROUPS = ("0-4", "5-17", "18-59", "60+", "unknown")
SEXES = ("F", "M", "X", "unknown")
DIRECTIONS = ("entry", "exit")
REFERRAL_OUTCOMES = frozenset({"referral", "isolation"})
NOT_SCREENED = "not_screened"
TOP_NATIONALITIES = 12
OTHER = "other"
log = logging.getLogger(__name__)
MAX_DAYS = 3660


@dataclass(frozen=True)
class Cell:
    """One published count: ``value`` is ``None`` when suppressed; ``text`` is what prints."""

    key: str
    value: int | None
    text: str

    @property
    def plotted(self) -> int:
        return self.value or 0


@dataclass
class DayRow:
    day: date
    entries: Cell
    exits: Cell
    total: Cell


@dataclass
class ReportData:
    date_from: date
    date_to: date
    threshold: int
    total: Cell
    by_day: list[DayRow]
    by_direction: list[Cell]
    by_nationality: list[Cell]
    by_sex: list[Cell]
    by_age_group: list[Cell]
    by_sex_age: dict[str, list[Cell]]          # sex -> cells in AGE_GROUPS order
    by_outcome: list[Cell]
    referrals: Cell
    referrals_by_direction: list[Cell]
    referrals_by_age_group: list[Cell]
    screened: Cell
    secondary: int = 0                          # cells hidden by secondary suppression ("x")
    withheld: bool = False                      # too few travellers: every count hidden ("x")
    generated_at: datetime = field(default_factory=utcnow)

    def cell(self, table: str, key: str) -> Cell:
        for c in getattr(self, table):
            if c.key == key:
                return c
        raise KeyError(key)


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
        self.withheld = False                             # everything hidden as "x" (last resort)               # "<N" cells of a line with a "<N" total

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
            added, touched = False, set()
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
        for row, (terms, _r) in zip(rows, equations):
            for c, a in terms:
                row[index[c]] += a
        bounds = [self.bounds(c) for c in variables]
        ranges = _lp_ranges(rows, [float(r) for _t, r in equations], bounds)
        return [c for c, (lo, hi) in zip(variables, ranges)
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
        for i, (k, width) in enumerate(caps):
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


def _as_date(value: date | datetime | str, what: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(_("Invalid date for {what}: {value} (expected YYYY-MM-DD)").format(
            what=what, value=value)) from None


def age_group(birth_date: str | None, on: date) -> str:
    """The age group of someone born on the partial ISO ``birth_date`` at date ``on``."""
    if not birth_date:
        return "unknown"
    try:
        parts = [int(p) for p in birth_date.split("-")]
    except ValueError:
        return "unknown"
    year = parts[0]
    month = parts[1] if len(parts) > 1 else 7   # year only: assume mid-year
    day = parts[2] if len(parts) > 2 else (15 if len(parts) > 1 else 1)
    age = on.year - year - (1 if (on.month, on.day) < (month, day) else 0)
    if age < 0 or age > 130:
        return "unknown"
    if age <= 4:
        return "0-4"
    if age <= 17:
        return "5-17"
    if age <= 59:
        return "18-59"
    return "60+"


def compute_report(registrations: Iterable[Any], *, date_from: date | datetime | str, date_to: date | datetime | str,
                   small_count_threshold: int, referral_outcomes: Iterable[str] = REFERRAL_OUTCOMES,
                   utc_offset_minutes: int = POST_UTC_OFFSET_MINUTES) -> ReportData:
    """Aggregate ``registrations`` (``border_app.model.Registration``) crossed between
    ``date_from`` and ``date_to`` (inclusive, post-local dates)."""
    start, end = _as_date(date_from, "--from"), _as_date(date_to, "--to")
    if end < start:
        raise InvalidInput(_("The end date ({end}) is before the start date ({start}).").format(
            end=end.isoformat(), start=start.isoformat()))
    if (end - start).days >= MAX_DAYS:
        raise InvalidInput(_("A report covers at most {days} days.").format(days=MAX_DAYS))
    threshold = int(small_count_threshold)
    if not 0 <= threshold <= 1000:
        raise InvalidInput(_("The small-count threshold must be between 0 and 1000."))
    referral_set = frozenset(referral_outcomes)
    local = timezone(timedelta(minutes=utc_offset_minutes))

    day_dir: Counter = Counter()
    direction: Counter = Counter()
    nationality: Counter = Counter()
    sex: Counter = Counter()
    ages: Counter = Counter()
    sex_age: Counter = Counter()
    outcomes: Counter = Counter()
    ref_dir: Counter = Counter()
    ref_age: Counter = Counter()
    total = 0
    for reg in registrations:
        if getattr(reg, "voided", False):
            continue
        crossing = reg.crossing
        at = crossing.crossed_at
        if at.tzinfo is None:
            at = at.replace(tzinfo=timezone.utc)
        day = at.astimezone(local).date()
        if day < start or day > end:
            continue
        total += 1
        d = getattr(crossing.direction, "value", crossing.direction) or "entry"
        day_dir[(day, d)] += 1
        direction[d] += 1
        person = reg.person
        nationality[person.nationality or "unknown"] += 1
        s = person.sex if person.sex in ("M", "F", "X") else "unknown"
        sex[s] += 1
        g = age_group(person.birth_date, day)
        ages[g] += 1
        sex_age[(s, g)] += 1
        outcome = reg.screening_outcome or NOT_SCREENED
        outcomes[outcome] += 1
        if outcome in referral_set:
            ref_dir[d] += 1
            ref_age[g] += 1

    ranked = sorted(nationality.items(), key=lambda kv: (-kv[1], kv[0]))
    top = [k for k, _n in ranked if k != "unknown"][:TOP_NATIONALITIES]
    other = sum(n for k, n in ranked if k not in top and k != "unknown")
    nat_keys = list(top) + ([OTHER] if other else []) + (["unknown"] if nationality.get("unknown") else [])
    nat_counts = {**{k: nationality[k] for k in top}, OTHER: other, "unknown": nationality.get("unknown", 0)}
    outcome_keys = sorted((k for k in outcomes if k != NOT_SCREENED), key=lambda k: (-outcomes[k], k))
    screened = sum(n for k, n in outcomes.items() if k != NOT_SCREENED)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]

    # every published count is a cell; every row and column with its total is a line
    sup = _Suppression(threshold)
    T = sup.cell("total", total)
    day_grid = [[sup.cell(("day", i, "entry"), day_dir.get((d, "entry"), 0)),
                 sup.cell(("day", i, "exit"), day_dir.get((d, "exit"), 0)),
                 sup.cell(("day", i, "total"), day_dir.get((d, "entry"), 0) + day_dir.get((d, "exit"), 0))]
                for i, d in enumerate(days)]
    day_grid.append([sup.cell(("direction", k), direction.get(k, 0)) for k in DIRECTIONS] + [T])
    sup.table(day_grid)
    sex_age_grid = [[sup.cell(("sex_age", s, g), sex_age.get((s, g), 0)) for s in SEXES]
                    + [sup.cell(("age", g), ages.get(g, 0))] for g in AGE_GROUPS]
    sex_age_grid.append([sup.cell(("sex", s), sex.get(s, 0)) for s in SEXES] + [T])
    sup.table(sex_age_grid)
    sup.line([sup.cell(("nationality", k), nat_counts[k]) for k in nat_keys], T)
    out_ids = {k: sup.cell(("outcome", k), outcomes.get(k, 0)) for k in [*outcome_keys, NOT_SCREENED]}
    screened_id = sup.cell("screened", screened)
    referrals_id = sup.cell("referrals", sum(ref_dir.values()))
    sup.line(list(out_ids.values()), T)                                        # the outcomes table
    sup.line([out_ids[k] for k in outcome_keys], screened_id)                  # screened = outcomes
    sup.line([screened_id, out_ids[NOT_SCREENED]], T)                          # + not screened = total
    sup.line([out_ids[k] for k in outcome_keys if k in referral_set], referrals_id)
    sup.line([sup.cell(("referrals_direction", d), ref_dir.get(d, 0)) for d in DIRECTIONS], referrals_id)
    sup.line([sup.cell(("referrals_age", g), ref_age.get(g, 0)) for g in AGE_GROUPS], referrals_id)
    sup.run()

    def cells(prefix: str, keys: Iterable[str]) -> list[Cell]:
        return [sup.cell_for((prefix, k), k) for k in keys]

    by_day = [DayRow(d, sup.cell_for(("day", i, "entry"), "entry"), sup.cell_for(("day", i, "exit"), "exit"),
                     sup.cell_for(("day", i, "total"), "total")) for i, d in enumerate(days)]
    return ReportData(
        date_from=start,
        date_to=end,
        threshold=threshold,
        total=sup.cell_for(T, "total"),
        by_day=by_day,
        by_direction=cells("direction", DIRECTIONS),
        by_nationality=cells("nationality", nat_keys),
        by_sex=cells("sex", SEXES),
        by_age_group=cells("age", AGE_GROUPS),
        by_sex_age={s: [sup.cell_for(("sex_age", s, g), g) for g in AGE_GROUPS] for s in SEXES},
        by_outcome=cells("outcome", [*outcome_keys, NOT_SCREENED]),
        referrals=sup.cell_for(referrals_id, "referrals"),
        referrals_by_direction=cells("referrals_direction", DIRECTIONS),
        referrals_by_age_group=cells("referrals_age", AGE_GROUPS),
        screened=sup.cell_for(screened_id, "screened"),
        secondary=sum(1 for kind in sup.hidden.values() if kind == "secondary"),
        withheld=sup.withheld,
    )


# ---------------------------------------------------------------------------- labels

SEX_LABELS = {"F": N_("Women"), "M": N_("Men"), "X": N_("Unspecified"), "unknown": N_("Unknown")}
AGE_LABELS = {"0-4": N_("0-4 years"), "5-17": N_("5-17 years"), "18-59": N_("18-59 years"),
              "60+": N_("60 years and over"), "unknown": N_("Age unknown")}


def _label_direction(key: str, lang: str) -> str:
    from border_app.model import DIRECTION_LABELS, Direction

    try:
        return gettext(DIRECTION_LABELS[Direction(key)], lang)
    except ValueError:
        return key


def _label_country(key: str, lang: str) -> str:
    if key == OTHER:
        return gettext(N_("Other nationalities"), lang)
    if key == "unknown":
        return gettext(N_("Nationality unknown"), lang)
    try:
        from border_app.countries import name

        return name(key, lang)
    except Exception:
        return key


def _label_outcome(key: str, lang: str) -> str:
    if key == NOT_SCREENED:
        return gettext(N_("Not screened"), lang)
    try:
        from border_app.screening.model import OUTCOME_LABELS, Outcome

        return gettext(OUTCOME_LABELS[Outcome(key)], lang)
    except Exception:
        return key


def _fmt_date(d: date) -> str:
    return d.strftime("%d/%m/%Y")


# ---------------------------------------------------------------------------- render

def _styles():
    from reportlab.lib.styles import ParagraphStyle

    return {
        "title": ParagraphStyle("t", fontName=BOLD, fontSize=16, leading=20, spaceAfter=4),
        "h2": ParagraphStyle("h2", fontName=BOLD, fontSize=12, leading=15, spaceBefore=10, spaceAfter=4),
        "body": ParagraphStyle("b", fontName=REGULAR, fontSize=9, leading=12),
        "small": ParagraphStyle("s", fontName=REGULAR, fontSize=7.5, leading=9.5),
        "demo": ParagraphStyle("d", fontName=BOLD, fontSize=11, leading=14, textColor="white",
                               backColor="black", borderPadding=(3, 4, 3, 4), spaceAfter=8),
    }


def _p(text: str, style) -> Any:
    from reportlab.platypus import Paragraph
    from xml.sax.saxutils import escape

    shown, _replaced = fonts.printable(text, style.fontName)
    return Paragraph(escape(shown), style)


def _table(rows: list[list[str]], widths: list[float], *, header: bool = True, total_row: bool = False):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    rows = [[fonts.printable(str(v))[0] for v in row] for row in rows]
    t = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("FONT", (0, 0), (-1, -1), REGULAR, 8.5),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#BBBBBB")),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    if header:
        style += [("FONT", (0, 0), (-1, 0), BOLD, 8.5), ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                  ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE"))]
    if total_row:
        style += [("FONT", (0, -1), (-1, -1), BOLD, 8.5), ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black)]
    t.setStyle(TableStyle(style))
    return t


def _bar_chart_days(data: ReportData, lang: str, width: float):
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    rows = data.by_day
    days = len(rows)
    height = 150
    d = Drawing(width, height + 30)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 30, width - 40, height - 20
    # a day whose entries and exits are both hidden but whose total is shown: one grey bar
    # of the total (never total minus a shown part: the line rule leaves no such day)
    split_hidden = [r.total.value if r.entries.value is None and r.exits.value is None and r.total.value else 0
                    for r in rows]
    chart.data = [[r.entries.plotted for r in rows], [r.exits.plotted for r in rows], split_hidden]
    chart.categoryAxis.style = "stacked"
    step = max(1, (days + 15) // 16)
    chart.categoryAxis.categoryNames = [r.day.strftime("%d/%m") if i % step == 0 else "" for i, r in enumerate(rows)]
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.angle = 45 if days > 10 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if days > 10 else "n"
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    peak = max([r.entries.plotted + r.exits.plotted + h for r, h in zip(rows, split_hidden)] + [1])
    chart.valueAxis.valueMax = peak * 1.1 + 1
    chart.valueAxis.valueStep = _nice_step(peak)
    chart.bars[0].fillColor = colors.HexColor("#1f4e79")
    chart.bars[1].fillColor = colors.HexColor("#9dc3e6")
    chart.bars[2].fillColor = colors.HexColor("#bdbdbd")
    chart.bars.strokeWidth = 0
    chart.bars.strokeColor = None
    chart.barSpacing = 0.5
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = 40, height + 22
    legend.fontName, legend.fontSize = REGULAR, 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.colorNamePairs = [(colors.HexColor("#1f4e79"), _label_direction("entry", lang)),
                             (colors.HexColor("#9dc3e6"), _label_direction("exit", lang))]
    if any(split_hidden):
        legend.colorNamePairs.append((colors.HexColor("#bdbdbd"),
                                      fonts.printable(gettext(N_("Total (split hidden)"), lang))[0]))
    d.add(legend)
    return d


def _nice_step(peak: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if peak / step <= 8:
            return step
    return max(1, peak // 8)


def _hbar_chart(labels: list[str], values: list[int], width: float, color: str):
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    n = max(1, len(values))
    height = 14 * n + 20
    d = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 110, 15, width - 130, height - 20
    chart.data = [list(reversed(values)) or [0]]
    chart.categoryAxis.categoryNames = [fonts.printable(x)[0][:28] for x in reversed(labels)] or [""]
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 7.5
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    peak = max(values + [1])
    chart.valueAxis.valueMax = peak * 1.1 + 1
    chart.valueAxis.valueStep = _nice_step(peak)
    chart.bars[0].fillColor = colors.HexColor(color)
    chart.bars.strokeWidth = 0
    chart.bars.strokeColor = None
    d.add(chart)
    return d


OUTCOME_COLOURS = {"cleared": "#2e7d32", "secondary": "#f9a825", "referral": "#ef6c00", "isolation": "#c62828",
                   NOT_SCREENED: "#9e9e9e"}


def _pie(labels: list[str], values: list[int], width: float, keys: list[str] | None = None):
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.charts.piecharts import Pie
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    palette = ["#2e7d32", "#f9a825", "#ef6c00", "#c62828", "#9e9e9e", "#5c6bc0", "#8d6e63"]
    d = Drawing(width, 130)
    if sum(values) == 0:
        d.add(String(10, 60, fonts.printable(_("No data to plot"))[0], fontName=REGULAR, fontSize=8))
        return d
    pie = Pie()
    pie.x, pie.y, pie.width, pie.height = 10, 10, 110, 110
    pie.data = values
    pie.labels = None
    pie.slices.strokeWidth = 0.5
    pie.slices.strokeColor = colors.white
    keys = keys or [""] * len(values)
    fills = [OUTCOME_COLOURS.get(keys[i]) or palette[i % len(palette)] for i in range(len(values))]
    for i in range(len(values)):
        pie.slices[i].fillColor = colors.HexColor(fills[i])
    d.add(pie)
    legend = Legend()
    legend.x, legend.y = 140, 110
    legend.fontName, legend.fontSize = REGULAR, 8
    legend.alignment = "right"
    legend.columnMaximum = 10
    legend.colorNamePairs = [(colors.HexColor(fills[i]), fonts.printable(labels[i])[0]) for i in range(len(values))]
    d.add(legend)
    return d


def render_report(data: ReportData, *, language: str = "fr", post: Any, demo: bool) -> bytes:
    """The report as PDF bytes (A4, one language). ``post``: a ``border_app.model.Post`` or
    a post name."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer

    if language not in ("fr", "en"):
        raise InvalidInput(_("Unknown language: {language}").format(language=language))
    fonts.register_fonts()
    L = lambda message: gettext(message, language)  # noqa: E731
    post_name = getattr(post, "name", None) or str(post)
    pcode = getattr(post, "pcode", None)
    st = _styles()
    width = A4[0] - 36 * mm

    story: list[Any] = []
    if demo:
        story.append(_p(L(N_("DEMO – fictitious data, not for publication")), st["demo"]))
    story.append(_p(L(N_("Crossings report")), st["title"]))
    post_line = post_name + (" (" + L(N_("P-code: {pcode}")).format(pcode=pcode) + ")" if pcode else "")
    story.append(_p(post_line, st["body"]))
    story.append(_p(L(N_("Period: {start} to {end}")).format(start=_fmt_date(data.date_from),
                                                              end=_fmt_date(data.date_to)), st["body"]))
    story.append(_p(L(N_("Produced on {date}")).format(
        date=post_time(data.generated_at).strftime("%d/%m/%Y %H:%M")), st["small"]))
    if data.threshold > 1:
        story.append(_p(L(N_("To protect travellers, counts from 1 to {max} are shown as \"<{threshold}\" "
                             "and drawn as 0 in the charts.")).format(max=data.threshold - 1,
                                                                      threshold=data.threshold), st["small"]))
        story.append(_p(L(N_("\"x\" marks a count hidden so that a small count cannot be worked out by "
                             "subtraction from a total; it is also drawn as 0.")), st["small"]))
    story.append(_p(L(N_("Counts are registered crossings (voided registrations are excluded).")), st["small"]))

    story.append(_p(L(N_("Summary")), st["h2"]))
    entries, exits = data.by_direction
    story.append(_table([
        [L(N_("Indicator")), L(N_("Count"))],
        [L(N_("Crossings")), data.total.text],
        [_label_direction("entry", language), entries.text],
        [_label_direction("exit", language), exits.text],
        [L(N_("Screened")), data.screened.text],
        [L(N_("Referrals")), data.referrals.text],
    ], [width * 0.6, width * 0.2]))

    story.append(_p(L(N_("Crossings by day")), st["h2"]))
    story.append(_bar_chart_days(data, language, width))
    rows = [[L(N_("Day")), _label_direction("entry", language), _label_direction("exit", language), L(N_("Total"))]]
    rows += [[_fmt_date(r.day), r.entries.text, r.exits.text, r.total.text] for r in data.by_day]
    story.append(Spacer(1, 4))
    story.append(_table(rows, [width * 0.3, width * 0.2, width * 0.2, width * 0.2]))

    nat_labels = [_label_country(c.key, language) for c in data.by_nationality]
    story.append(KeepTogether([
        _p(L(N_("Crossings by nationality")), st["h2"]),
        _hbar_chart(nat_labels, [c.plotted for c in data.by_nationality], width, "#1f4e79"),
        _table([[L(N_("Nationality")), L(N_("Count"))]] +
               [[label, c.text] for label, c in zip(nat_labels, data.by_nationality)],
               [width * 0.6, width * 0.2]),
    ]))

    age_labels = [L(AGE_LABELS[g]) for g in AGE_GROUPS]
    sex_rows = [[L(N_("Age group"))] + [L(SEX_LABELS[s]) for s in SEXES] + [L(N_("Total"))]]
    for i, g in enumerate(AGE_GROUPS):
        sex_rows.append([age_labels[i]] + [data.by_sex_age[s][i].text for s in SEXES] + [data.by_age_group[i].text])
    sex_rows.append([L(N_("Total"))] + [c.text for c in data.by_sex] + [data.total.text])
    story.append(KeepTogether([
        _p(L(N_("Crossings by sex and age group")), st["h2"]),
        _hbar_chart(age_labels, [c.plotted for c in data.by_age_group], width, "#2e75b6"),
        _table(sex_rows, [width * 0.28] + [width * 0.13] * 5, total_row=True),
    ]))

    out_labels = [_label_outcome(c.key, language) for c in data.by_outcome]
    story.append(KeepTogether([
        _p(L(N_("Health screening outcomes")), st["h2"]),
        _pie(out_labels, [c.plotted for c in data.by_outcome], width, [c.key for c in data.by_outcome]),
        _table([[L(N_("Outcome")), L(N_("Count"))]] +
               [[label, c.text] for label, c in zip(out_labels, data.by_outcome)], [width * 0.6, width * 0.2]),
    ]))

    dir_rows = [[L(N_("Direction")), L(N_("Referrals"))]]
    dir_rows += [[_label_direction(c.key, language), c.text] for c in data.referrals_by_direction]
    dir_rows.append([L(N_("Total")), data.referrals.text])
    age_rows = [[L(N_("Age group")), L(N_("Referrals"))]]
    age_rows += [[age_labels[i], c.text] for i, c in enumerate(data.referrals_by_age_group)]
    age_rows.append([L(N_("Total")), data.referrals.text])
    story.append(KeepTogether([
        _p(L(N_("Referrals (referral to a health facility or isolation)")), st["h2"]),
        _table(dir_rows, [width * 0.6, width * 0.2], total_row=True),
        Spacer(1, 6),
        _table(age_rows, [width * 0.6, width * 0.2], total_row=True),
    ]))

    footer_text = fonts.printable(post_name)[0]
    page_label = L(N_("Page {number}"))

    def on_page(c, doc):
        c.saveState()
        c.setFont(REGULAR, 7.5)
        c.drawString(18 * mm, 10 * mm, footer_text + " – " + L(N_("Crossings report")) + " "
                     + _fmt_date(data.date_from) + " – " + _fmt_date(data.date_to))
        c.drawRightString(A4[0] - 18 * mm, 10 * mm, page_label.format(number=doc.page))
        if demo:
            c.translate(A4[0] / 2, A4[1] / 2)
            c.rotate(50)
            t = c.beginText()
            t.setTextRenderMode(1)
            t.setFont(BOLD, 150)
            t.setTextOrigin(-fonts.string_width("DÉMO", BOLD, 150) / 2, -50)
            t.textOut("DÉMO")
            c.setStrokeColorRGB(0.6, 0.6, 0.6)
            c.setLineWidth(1.5)
            c.drawText(t)
        c.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=18 * mm, title=("DÉMO – " if demo else "") + L(N_("Crossings report")),
                            author=post_name, creator="HHBM border-app")
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
