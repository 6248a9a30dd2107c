"""Period reports: the figures (pure), from aggregated counts or from registrations.

:func:`report_from_counts` turns aggregated counts (:data:`CountKey` -> crossings, computed
by the database with GROUP BY in ``db.report_services``) into the report's figures:
crossings by day, direction, nationality, sex, age group (0-4, 5-17, 18-59, 60+, unknown),
screening outcomes and referrals. :func:`compute_report` does the same from registrations
row by row (small data, tests). In a report "for sharing" (the default) counts from 1 to
``threshold - 1`` are *suppressed* in the data itself (value ``None``, text ``"<N"``), and so
are the further cells (text ``"x"``) needed so that no suppressed count can be worked out by
subtraction from a total (secondary suppression, :mod:`printing.report_suppression`). No
caller can print or export a small count by mistake; charts draw suppressed cells as 0.
Zeros are shown. Voided registrations are left out. An "internal" report keeps every count
exact and is marked confidential on every page.

:func:`printing.report_render.render_report` lays the data out on A4 pages (one language), with the DÉMO mark for
demo data (:mod:`printing.report_render`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from border_app import report_period
from border_app.clock import POST_UTC_OFFSET_MINUTES, utcnow
from border_app.errors import InvalidInput
from border_app.i18n import _

from .report_suppression import SECONDARY_TEXT, Cell, _lp_ranges, _Suppression  # noqa: F401 (re-exported)

AGE_GROUPS = ("0-4", "5-17", "18-59", "60+", "unknown")
SEXES = ("F", "M", "X", "unknown")
DIRECTIONS = ("entry", "exit")
REFERRAL_OUTCOMES = frozenset({"referral", "isolation"})
NOT_SCREENED = "not_screened"
TOP_NATIONALITIES = 12
OTHER = "other"


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
    kind: str = "shared"                        # "shared" (suppressed) or "internal" (exact, confidential)
    generated_at: datetime = field(default_factory=utcnow)

    def cell(self, table: str, key: str) -> Cell:
        for c in getattr(self, table):
            if c.key == key:
                return c
        raise KeyError(key)


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


KINDS = ("shared", "internal")
SHARED, INTERNAL = KINDS

#: One aggregated cell of a period: (post-local day, direction, nationality or "unknown",
#: sex in SEXES, age group in AGE_GROUPS, outcome code or NOT_SCREENED) -> crossings.
CountKey = tuple[date, str, str, str, str, str]


def count_key(day: date, direction: Any, nationality: str | None, sex: str | None, group: str,
              outcome: str | None) -> CountKey:
    """The normalised key of one crossing (or of one GROUP BY row)."""
    d = getattr(direction, "value", direction) or "entry"
    return (day, d, nationality or "unknown", sex if sex in ("M", "F", "X") else "unknown", group,
            outcome or NOT_SCREENED)


def check_report_period(date_from: date | datetime | str, date_to: date | datetime | str,
                        small_count_threshold: int) -> tuple[date, date, int]:
    start, end = _as_date(date_from, "--from"), _as_date(date_to, "--to")
    report_period.check_report_period(start, end)
    threshold = int(small_count_threshold)
    if not 0 <= threshold <= 1000:
        raise InvalidInput(_("The small-count threshold must be between 0 and 1000."))
    return start, end, threshold


def count_registrations(registrations: Iterable[Any], start: date, end: date,
                        utc_offset_minutes: int = POST_UTC_OFFSET_MINUTES) -> Counter:
    """Row by row: the :data:`CountKey` counts of ``registrations`` (voided ones left out)
    crossed from ``start`` to ``end`` (post-local days). The database computes the same
    counts with GROUP BY (``db.report_services.ReportService.counts``)."""
    local = timezone(timedelta(minutes=utc_offset_minutes))
    counts: Counter = Counter()
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
        person = reg.person
        counts[count_key(day, crossing.direction, person.nationality, person.sex,
                         age_group(person.birth_date, day), reg.screening_outcome)] += 1
    return counts


def compute_report(registrations: Iterable[Any], *, date_from: date | datetime | str, date_to: date | datetime | str,
                   small_count_threshold: int, referral_outcomes: Iterable[str] = REFERRAL_OUTCOMES,
                   utc_offset_minutes: int = POST_UTC_OFFSET_MINUTES, kind: str = SHARED) -> ReportData:
    """Aggregate ``registrations`` (``border_app.model.Registration``) crossed between
    ``date_from`` and ``date_to`` (inclusive, post-local dates)."""
    start, end, threshold = check_report_period(date_from, date_to, small_count_threshold)
    counts = count_registrations(registrations, start, end, utc_offset_minutes)
    return report_from_counts(counts, date_from=start, date_to=end, small_count_threshold=threshold,
                              referral_outcomes=referral_outcomes, kind=kind)


def report_from_counts(counts: Counter | Iterable[tuple[CountKey, int]], *, date_from: date | datetime | str,
                       date_to: date | datetime | str, small_count_threshold: int,
                       referral_outcomes: Iterable[str] = REFERRAL_OUTCOMES, kind: str = SHARED) -> ReportData:
    """The report's figures from aggregated :data:`CountKey` counts (keys normalised by
    :func:`count_key`, so the database's raw GROUP BY values do), then the small-count
    suppression on those cells (``kind`` "shared"); an "internal" report keeps every count
    exact (threshold 0)."""
    if kind not in KINDS:
        raise InvalidInput(_("Unknown report kind: {kind}").format(kind=kind))
    start, end, threshold = check_report_period(date_from, date_to, small_count_threshold)
    if kind == INTERNAL:
        threshold = 0
    referral_set = frozenset(referral_outcomes)

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
    for key, n in (counts.items() if isinstance(counts, dict) else counts):
        day, d, nat, s, g, outcome = count_key(*key)
        if not n or day < start or day > end:
            continue
        total += n
        day_dir[(day, d)] += n
        direction[d] += n
        nationality[nat] += n
        sex[s] += n
        ages[g] += n
        sex_age[(s, g)] += n
        outcomes[outcome] += n
        if outcome in referral_set:
            ref_dir[d] += n
            ref_age[g] += n

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
        kind=kind,
    )
