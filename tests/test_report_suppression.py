"""Secondary (complementary) suppression in period reports: no hidden count can be worked
out from the shown ones.

The attacker model (documented in docs/slips.md): every table row and column with its
total is an equation; zeros are shown; a "<N" cell is between 1 and N-1; an "x" cell is at
least N. For each hidden cell an integer program (scipy's HiGHS) finds the smallest and the
largest value it can take given *everything* the report shows; a leak is min == max. The
equations are rebuilt here from the published ReportData, independently of the code under
test.
"""

from __future__ import annotations

import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_report import at, reg  # noqa: E402

from printing.reports import (AGE_GROUPS, DIRECTIONS, NOT_SCREENED, REFERRAL_OUTCOMES, SECONDARY_TEXT,  # noqa: E402
                              SEXES, Cell, ReportData, _Suppression, compute_report)

scipy_optimize = pytest.importorskip("scipy.optimize", reason="scipy is needed for the exact (MILP) leak check")


# ---------------------------------------------------------------------------- the checker

def bounds_of(text: str, value: int | None, threshold: int) -> tuple[float, float]:
    if value is not None:
        return value, value
    if text == f"<{threshold}":
        return 1, threshold - 1
    assert text == SECONDARY_TEXT, text
    return threshold, numpy.inf


def withheld(cells: dict) -> bool:
    """The last resort: every count hidden and shown as "x" (then "x" bounds nothing)."""
    return all(text == SECONDARY_TEXT for text, _v in cells.values())


def value_ranges(cells: dict, lines: list, threshold: int) -> dict:
    """``cells``: id -> (text, shown value or None); ``lines``: (ids, total id). Returns, for
    each hidden id, the (min, max) integer value consistent with every line and bound."""
    ids = list(cells)
    index = {c: i for i, c in enumerate(ids)}
    rows = []
    for members, total in lines:
        row = numpy.zeros(len(ids))
        for c in members:
            row[index[c]] += 1
        row[index[total]] -= 1
        rows.append(row)
    lo, hi = map(list, zip(*(bounds_of(text, value, threshold) for text, value in cells.values()), strict=True))
    if withheld(cells):
        lo, hi = [0] * len(ids), [numpy.inf] * len(ids)
    small = f"<{threshold}"
    for members, total in lines:          # where a "<N" may be a hidden 0
        if cells[total][0] == small:
            for c in members:             # a small total's breakdown is hidden (known zeros aside)
                assert cells[c][0] in (small, "0"), ("a small total's breakdown is shown", c)
        if cells[total][0] == small or all(cells[c][1] in (None, 0) for c in (*members, total)):
            for c in members:
                if cells[c][0] == small:
                    lo[index[c]] = 0
    constraints = [scipy_optimize.LinearConstraint(numpy.array(rows), 0, 0)] if rows else []
    box = scipy_optimize.Bounds(numpy.array(lo, dtype=float), numpy.array(hi, dtype=float))
    out = {}
    for c, (_text, value) in cells.items():
        if value is not None:
            continue
        found = []
        for sign in (1, -1):             # minimise x, then minimise -x
            objective = numpy.zeros(len(ids))
            objective[index[c]] = sign
            res = scipy_optimize.milp(objective, constraints=constraints, bounds=box,
                                      integrality=numpy.ones(len(ids)))
            if sign < 0 and res.status in (3, 4):   # unbounded: an "x" cell with no upper limit
                found.append(numpy.inf)
                continue
            assert res.success, res.message
            found.append(round(sign * res.fun))
        out[c] = (found[0], found[1])
    return out


def report_equations(data: ReportData, referral_outcomes=REFERRAL_OUTCOMES):
    """Every published count of ``data`` with an id, and every equation between them."""
    cells: dict = {}

    def add(cid, cell: Cell):
        cells[cid] = (cell.text, cell.value)
        return cid

    T = add("total", data.total)
    lines = []
    days = [(add(("d", i, "e"), r.entries), add(("d", i, "x"), r.exits), add(("d", i, "t"), r.total))
            for i, r in enumerate(data.by_day)]
    direction = [add(("dir", c.key), c) for c in data.by_direction]
    lines += [((e, x), t) for e, x, t in days]
    lines += [(tuple(d[k] for d in days), direction[k]) for k in range(2)]
    lines += [(tuple(d[2] for d in days), T), (tuple(direction), T)]
    sexes = [add(("sex", c.key), c) for c in data.by_sex]
    ages = [add(("age", c.key), c) for c in data.by_age_group]
    grid = {(s, g): add(("sa", s, g), data.by_sex_age[s][j]) for s in SEXES for j, g in enumerate(AGE_GROUPS)}
    lines += [(tuple(grid[s, g] for s in SEXES), ages[j]) for j, g in enumerate(AGE_GROUPS)]
    lines += [(tuple(grid[s, g] for g in AGE_GROUPS), sexes[i]) for i, s in enumerate(SEXES)]
    lines += [(tuple(sexes), T), (tuple(ages), T)]
    lines.append((tuple(add(("nat", c.key), c) for c in data.by_nationality), T))
    outcomes = {c.key: add(("out", c.key), c) for c in data.by_outcome}
    screened, referrals = add("screened", data.screened), add("referrals", data.referrals)
    lines.append((tuple(outcomes.values()), T))
    lines.append((tuple(v for k, v in outcomes.items() if k != NOT_SCREENED), screened))
    lines.append(((screened, outcomes[NOT_SCREENED]), T))
    lines.append((tuple(v for k, v in outcomes.items() if k in referral_outcomes), referrals))
    lines.append((tuple(add(("rdir", c.key), c) for c in data.referrals_by_direction), referrals))
    lines.append((tuple(add(("rage", c.key), c) for c in data.referrals_by_age_group), referrals))
    return cells, lines


def assert_nothing_leaks(cells: dict, lines: list, threshold: int, truth: dict | None = None) -> None:
    for members, total in lines:
        hidden = sum(1 for c in (*members, total) if cells[c][1] is None)
        assert hidden != 1, ("a line with one hidden cell", members, total)
    for c, (lo, hi) in value_ranges(cells, lines, threshold).items():
        assert lo < hi, ("hidden cell pinned to one value", c, lo)
        if truth is not None:
            assert lo <= truth[c] <= hi


def check_texts(cells: dict, lines: list, truth: dict, threshold: int) -> None:
    """Shown means the true count; "<N" a count from 1 to N-1 (or a 0 inside the breakdown of
    a "<N" total); "x" a count of at least N. Zeros are shown everywhere else."""
    if withheld(cells):
        return
    in_small_line = {c for members, total in lines if cells[total][0] == f"<{threshold}"
                     or all(cells[m][1] in (None, 0) for m in (*members, total)) for c in members}
    for c, (text, value) in cells.items():
        if value is not None:
            assert value == truth[c] and text == str(value)
        elif text == f"<{threshold}":
            assert 0 < truth[c] < threshold or (truth[c] == 0 and c in in_small_line), (c, truth[c])
        else:
            assert text == SECONDARY_TEXT and truth[c] >= threshold
        if truth[c] == 0 and c not in in_small_line:
            assert value == 0


def assert_report_safe(rows, threshold=5, **period):
    period = period or dict(date_from="2025-03-01", date_to="2025-03-03")
    data = compute_report(rows, small_count_threshold=threshold, **period)
    raw = compute_report(rows, small_count_threshold=0, **period)
    cells, lines = report_equations(data)
    truth_cells, truth_lines = report_equations(raw)
    assert truth_lines == lines
    truth = {c: v for c, (_t, v) in truth_cells.items()}
    # the equations really hold on the true counts (the checker's model is right)
    for members, total in lines:
        assert sum(truth[c] for c in members) == truth[total]
    check_texts(cells, lines, truth, threshold)
    assert_nothing_leaks(cells, lines, threshold, truth)
    return data


# ---------------------------------------------------------------------------- the engine, table by table

def engine(values: dict, *, tables=(), lines=(), threshold=5) -> _Suppression:
    sup = _Suppression(threshold)
    for cid, v in values.items():
        sup.cell(cid, v)
    for grid in tables:
        sup.table(grid)
    for members, total in lines:
        sup.line(members, total)
    sup.run()
    return sup


def published(sup: _Suppression) -> dict:
    return {c: (sup.cell_for(c, "k").text, sup.cell_for(c, "k").value) for c in sup.values}


def grid_of(matrix: list[list[int]], name="g"):
    """Values and ids of a table with its margins added (last row and column)."""
    with_totals = [row + [sum(row)] for row in matrix]
    with_totals.append([sum(col) for col in zip(*with_totals, strict=True)])
    ids = [[(name, i, j) for j in range(len(with_totals[0]))] for i in range(len(with_totals))]
    values = {ids[i][j]: with_totals[i][j] for i in range(len(ids)) for j in range(len(ids[0]))}
    return values, ids


def table_lines(ids):
    out = [(tuple(row[:-1]), row[-1]) for row in ids]
    out += [(tuple(ids[r][c] for r in range(len(ids) - 1)), ids[-1][c]) for c in range(len(ids[0]))]
    return out


TABLES = {
    # the demo example: one day, Entrée 6, Sortie 2 (total 8)
    "entry 6, exit 2": [[6, 2]],
    "two days": [[6, 2], [9, 7]],
    "small cell in a corner": [[1, 12, 15], [9, 14, 20], [11, 30, 8]],
    "small corner and zeros": [[3, 0, 15], [0, 14, 20], [11, 0, 8]],
    "all ones": [[1, 1, 10]],
    "one and the threshold": [[5, 1]],
    "small everywhere": [[1, 2], [3, 1]],
    "two small in a row": [[2, 3, 40], [7, 8, 9]],
    "a column of small counts": [[1, 20], [2, 30], [1, 25], [4, 18]],
    "sparse week": [[0, 1], [3, 0], [0, 0], [12, 2], [1, 1], [0, 6], [7, 0]],
    "large and a zero": [[0, 50], [60, 70]],
}


@pytest.mark.parametrize("name", TABLES)
def test_two_way_tables_with_margins_leak_nothing(name):
    values, ids = grid_of(TABLES[name])
    sup = engine(values, tables=[ids])
    cells = published(sup)
    assert_nothing_leaks(cells, table_lines(ids), 5, truth=values)
    check_texts(cells, table_lines(ids), values, 5)


def test_demo_example_entry_6_exit_2_total_8():
    values, ids = grid_of([[6, 2]])
    cells = published(engine(values, tables=[ids]))
    day = [cells[c][0] for c in ids[0]]
    assert day[1] == "<5"                     # Sortie: small
    assert day[0] == SECONDARY_TEXT           # Entrée: hidden as well, or 8 - 6 = 2
    # the period's direction totals (same numbers) cannot reveal it either
    assert [cells[c][0] for c in ids[1]][:2] == [SECONDARY_TEXT, "<5"]


def test_small_cell_in_a_corner_hides_a_rectangle():
    values, ids = grid_of(TABLES["small cell in a corner"])
    cells = published(engine(values, tables=[ids]))
    hidden = {c for c, (_t, v) in cells.items() if v is None}
    assert ("g", 0, 0) in hidden
    # at least two per line through the corner, and the grand total is kept (nothing needs it)
    assert sum(1 for c in ids[0] if c in hidden) >= 2
    assert sum(1 for row in ids if row[0] in hidden) >= 2
    assert ids[-1][-1] not in hidden


def test_sum_equal_to_the_number_of_hidden_cells_is_not_enough():
    # 1 + 1 = 2 with both "<5": each is at least 1, so both are 1; a third cell is hidden
    values = {"a": 1, "b": 1, "c": 10, "t": 12}
    cells = published(engine(values, lines=[(("a", "b", "c"), "t")]))
    assert cells["c"] == (SECONDARY_TEXT, None) and cells["t"] == ("12", 12)
    assert_nothing_leaks(cells, [(("a", "b", "c"), "t")], 5, truth=values)


def test_bounds_of_x_cells_are_taken_into_account():
    # exit 1 ("<5": 1..4), entry 5 ("x": >= 5), total 6 would give exit = 1: the total goes too
    values = {"e": 5, "x": 1, "t": 6}
    cells = published(engine(values, lines=[(("e", "x"), "t")]))
    assert cells["t"][1] is None
    assert_nothing_leaks(cells, [(("e", "x"), "t")], 5, truth=values)


def test_bridge_between_two_protected_blocks_is_found():
    """Each line has two hidden cells, yet the cell linking two blocks is a bridge: the
    sum of two rows minus the sum of two columns gives it. The table check must see it."""
    values, ids = grid_of([[20, 21, 30, 0], [22, 23, 0, 0], [0, 0, 24, 25], [0, 0, 26, 27]])
    sup = _Suppression(5)
    for c, v in values.items():
        sup.cell(c, v)
    sup.table(ids)
    for i, j in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)]:
        sup.hidden[ids[i][j]] = "secondary"
    assert ids[0][2] in sup.leaks()
    sup.run()
    assert_nothing_leaks(published(sup), table_lines(ids), 5, truth=values)


def test_grand_total_shared_between_tables():
    # two one-way tables with the same total (nationality and sex, say)
    values = {"n1": 3, "n2": 40, "n3": 41, "s1": 2, "s2": 82, "T": 84}
    lines = [(("n1", "n2", "n3"), "T"), (("s1", "s2"), "T")]
    cells = published(engine(values, lines=lines))
    assert_nothing_leaks(cells, lines, 5, truth=values)
    assert cells["T"][1] is None or cells["s2"][1] is None


@pytest.mark.parametrize("threshold", [0, 1])
def test_no_threshold_no_suppression(threshold):
    values, ids = grid_of([[1, 2], [3, 0]])
    cells = published(engine(values, tables=[ids], threshold=threshold))
    assert all(v == values[c] for c, (_t, v) in cells.items())


# ---------------------------------------------------------------------------- whole reports

def test_report_demo_example_day_and_period_totals():
    rows = [reg(at(1)) for _ in range(6)] + [reg(at(1), direction="exit") for _ in range(2)]
    data = assert_report_safe(rows, date_from="2025-03-01", date_to="2025-03-01")
    day = data.by_day[0]
    assert (day.entries.text, day.exits.text) == (SECONDARY_TEXT, "<5")
    assert [c.text for c in data.by_direction] == [SECONDARY_TEXT, "<5"]
    assert day.entries.value is None and data.by_direction[0].value is None   # in the data itself


def test_report_sample_is_safe():
    rows = []
    rows += [reg(at(1), nationality="NER") for _ in range(12)]
    rows += [reg(at(2), direction="exit", sex="M", nationality="NGA", birth="2023") for _ in range(6)]
    rows += [reg(at(2), sex="M", nationality="MLI", birth=None, outcome="referral") for _ in range(2)]
    rows += [reg(at(3), sex=None, nationality="BFA", birth="1950", outcome="cleared") for _ in range(7)]
    rows += [reg(at(3), nationality="TCD", outcome="isolation") for _ in range(5)]
    data = assert_report_safe(rows)
    assert data.cell("by_nationality", "MLI").text == "<5"
    assert data.cell("by_nationality", "TCD").text == SECONDARY_TEXT   # 5: the smallest other, hidden too
    assert data.secondary > 0


def _random_rows(seed: int, n: int, days: int):
    rnd = random.Random(seed)
    rows = []
    for _ in range(n):
        when = datetime(2025, 3, 1, 8, tzinfo=timezone.utc) + timedelta(days=rnd.randrange(days),
                                                                       minutes=rnd.randrange(600))
        rows.append(reg(when, direction=rnd.choice(DIRECTIONS), sex=rnd.choice(["F", "M", "M", None, "X"]),
                        birth=rnd.choice(["1990-04-01", "2022", "1950-02", None, "2010-06-01", "1975"]),
                        nationality=rnd.choice(["NER", "NER", "NER", "NGA", "MLI", "BFA", "TCD", "DZA", None]),
                        outcome=rnd.choice([None, None, "cleared", "cleared", "secondary", "referral", "isolation"])))
    return rows, (datetime(2025, 3, 1).date(), datetime(2025, 3, 1).date() + timedelta(days=days - 1))


@pytest.mark.parametrize("seed, n, days, threshold", [
    (1, 8, 1, 5), (2, 15, 2, 5), (3, 30, 3, 5), (4, 60, 7, 5), (5, 25, 7, 5), (6, 120, 5, 10),
    (7, 12, 3, 3), (8, 200, 7, 5), (9, 40, 2, 5), (10, 5, 1, 5), (11, 90, 14, 5), (12, 18, 4, 4),
])
def test_random_reports_leak_nothing(seed, n, days, threshold):
    rows, (start, end) = _random_rows(seed, n, days)
    assert_report_safe(rows, threshold=threshold, date_from=start, date_to=end)


def test_tiny_report_with_a_low_threshold_hides_everything():
    """Six travellers, threshold 3: the "<3" and "x" bounds alone pin the total (day table:
    at least 3 + 3; outcomes: at most 4 + 2), whatever is hidden; so every count reads "x"."""
    rnd = random.Random(182 * 7919)
    n, days, t = rnd.choice([3, 6, 10, 15, 25, 40, 80]), rnd.choice([1, 1, 2, 3, 5, 7]), rnd.choice([3, 4, 5, 5, 5, 10])
    assert (n, days, t) == (6, 1, 3)
    rows, (start, end) = _random_rows(182 + 1000, n, days)
    data = assert_report_safe(rows, threshold=t, date_from=start, date_to=end)
    assert data.withheld and data.total.text == SECONDARY_TEXT and data.by_day[0].exits.value is None


def test_large_month_is_mostly_shown_and_fast():
    import time

    rows, (start, end) = _random_rows(42, 4000, 31)
    t0 = time.process_time()
    data = compute_report(rows, date_from=start, date_to=end, small_count_threshold=5)
    assert time.process_time() - t0 < 5
    assert data.total.value == 4000
    shown = sum(1 for r in data.by_day for c in (r.entries, r.exits, r.total) if c.value is not None)
    assert shown == 3 * 31                       # busy days: nothing to hide


def test_sparse_year_stays_bounded():
    """A quiet post over 366 days: hundreds of small day counts, bounded time."""
    import time

    rows, (start, end) = _random_rows(7, 500, 366)
    t0 = time.process_time()
    data = compute_report(rows, date_from=start, date_to=end, small_count_threshold=5)
    elapsed = time.process_time() - t0
    assert elapsed < 30, elapsed
    cells, lines = report_equations(data)
    for members, total in lines:
        assert sum(1 for c in (*members, total) if cells[c][1] is None) != 1
