"""Period reports: the figures of a range of days, aggregated in the database.

:meth:`ReportService.counts` runs one GROUP BY per post-local day (SQLite at the post,
PostgreSQL for coordination), two days at a time on two threads: crossings (voided ones left
out) joined to their person, with the latest not-voided screening outcome as a correlated
sub-query and the age group as a CASE on the person's partial ISO birth date (``YYYY``,
``YYYY-MM``, ``YYYY-MM-DD``, checked by ``border_app.model.check_partial_date`` before it is
stored). Covering indexes (migration 0005: crossings by post and time, persons by id with
the report's columns, screenings by crossing with the latest-outcome order) keep it at about
4 microseconds of CPU a crossing: 3.2-3.7 s of CPU for the 860,000 crossings of a dense
post's 30 days, shared by two threads (``benchmarks/bench_report.py``; 5.3 s of CPU on one
thread without these indexes). Grouping the rows (SQLite sorts them) is about a third of it,
the look-ups of persons and screenings most of the rest. It returns at most a few thousand
aggregated cells a day, whatever the number of crossings: no row cap, no ORM object per
crossing, bounded memory. ``printing.reports.report_from_counts`` turns them into the
report (and applies the small-count suppression to these cells).

:meth:`ReportService.registrations` lists a period's registrations one by one (every row, no
cap): for small periods and tests, not for reports.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import date, timedelta

from sqlalchemy import case, column, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql.expression import TableClause
from sqlalchemy.sql.visitors import InternalTraversal

from border_app import clock
from border_app import model as dm
from border_app.errors import InvalidInput
from border_app.i18n import _
from border_app.report_period import check_report_period
from border_app.roles import Permission, Role, require

from . import Database
from .models import Crossing, IdentityDocument, Person, Screening
from .convert import registration

P = Permission
#: days of a report counted at the same time (threads, each with its own connection)
MAX_WORKERS = 4


def _check(date_from: date, date_to: date) -> None:
    for value, name in ((date_from, _("Start date")), (date_to, _("End date"))):
        if not isinstance(value, date):
            raise InvalidInput(_("{field}: a date is expected.").format(field=name))
    check_report_period(date_from, date_to)


class IndexedBy(TableClause):
    """A table read through one index on SQLite (``persons INDEXED BY ix_persons_report``),
    the plain table elsewhere. SQLite's planner, without statistics (a post's database is
    never analysed), prefers the primary key's index for ``persons.id = ?`` and then reads
    the person's row: twice the cost of the covering index on a dense post's report."""

    inherit_cache = True
    _traverse_internals = TableClause._traverse_internals + [("index_name", InternalTraversal.dp_string)]

    def __init__(self, table, index_name: str):
        super().__init__(table.name, *[column(c.name, c.type) for c in table.c])
        self.index_name = index_name


@compiles(IndexedBy)
def _indexed_by_any(element, compiler, **kw):
    return compiler.visit_table(element, **kw)


@compiles(IndexedBy, "sqlite")
def _indexed_by_sqlite(element, compiler, **kw):
    text = compiler.visit_table(element, **kw)
    return "{} INDEXED BY {}".format(text, element.index_name) if kw.get("asfrom") else text


#: the persons as the report reads them: the covering index of migration 0005
_persons = IndexedBy(Person.__table__, "ix_persons_report")


def _latest_outcome():
    """The latest not-voided screening outcome of the crossing (NULL: not screened)."""
    return (select(Screening.outcome)
            .where(Screening.crossing_id == Crossing.id, Screening.voided.is_(False))
            .order_by(Screening.screened_at.desc(), Screening.change_seq.desc())
            .limit(1).correlate(Crossing).scalar_subquery())


def _age_group(day: date):
    """The age group on ``day`` of a partial ISO birth date, as in
    ``printing.reports.age_group``: a year alone counts from 1 July, a month from its 15th.

    Age < N exactly when the completed birth date is after ``day`` N years earlier. Each
    stored form is compared as it is (zero-padded ISO strings: string order is date order)
    with a bound worked out here for that form, so the database does one ``length()`` and a
    few string comparisons per row, no concatenation (the report's cost on a busy post):
    ``YYYY-MM-DD`` > ``y-m-d``; ``YYYY-MM`` (the 15th) after ``y-m-d`` when ``YYYY-MM`` >=
    ``y-m`` if d < 15, else > ``y-m``; ``YYYY`` (1 July) after ``y-m-d`` when ``YYYY`` >= ``y``
    if (m, d) < (7, 1), else > ``y``."""
    b = _persons.c.birth_date

    def full(n: int):
        return b > "{:04d}-{:02d}-{:02d}".format(day.year - n, day.month, day.day)

    def month(n: int):
        bound = "{:04d}-{:02d}".format(day.year - n, day.month)
        return b >= bound if day.day < 15 else b > bound

    def year(n: int):
        bound = "{:04d}".format(day.year - n)
        return b >= bound if (day.month, day.day) < (7, 1) else b > bound

    def groups(younger_than):
        return case((younger_than(0), "unknown"),                  # born after the day
                    (~younger_than(131), "unknown"),               # older than 130
                    (younger_than(5), "0-4"),
                    (younger_than(18), "5-17"),
                    (younger_than(60), "18-59"), else_="60+")

    return case({10: groups(full), 7: groups(month), 4: groups(year)}, value=func.length(b), else_="unknown")


class ReportService:
    def __init__(self, db: Database, actor: dm.Actor):
        self.db, self.actor = db, actor

    def _own_post(self, stmt):
        if Role(self.actor.role) is not Role.COORDINATOR:
            stmt = stmt.where(Crossing.post_id == self.actor.post_id)
        return stmt

    def _day_counts(self, day: date) -> list[tuple]:
        """One post-local day's cells: (direction, nationality, sex, age group, outcome, n).
        Its own session (and connection): the days of a period may run in parallel."""
        start, end = clock.day_bounds(day)
        rows = (select(Crossing.direction.label("direction"), _persons.c.nationality.label("nationality"),
                       _persons.c.sex.label("sex"), _age_group(day).label("age"),
                       _latest_outcome().label("outcome"))
                .select_from(Crossing)
                .join(_persons, Crossing.person_id == _persons.c.id)
                .where(Crossing.crossed_at >= start, Crossing.crossed_at < end,
                       Crossing.voided.is_(False)))
        rows = self._own_post(rows).subquery()
        stmt = (select(rows.c.direction, rows.c.nationality, rows.c.sex, rows.c.age, rows.c.outcome,
                       func.count())
                .group_by(rows.c.direction, rows.c.nationality, rows.c.sex, rows.c.age, rows.c.outcome))
        with self.db.session() as s:
            return [tuple(r) for r in s.execute(stmt)]

    def _workers(self, days: int) -> int:
        """Days counted in parallel: one per CPU, at most :data:`MAX_WORKERS` (a dense post's
        30 days are CPU-bound in the database engine, which releases Python's lock), on a
        database whose connections are separate (not one shared in-memory connection)."""
        if days < 2 or isinstance(self.db.engine.pool, StaticPool):
            return 1
        return max(1, min(MAX_WORKERS, os.cpu_count() or 1, days))

    def counts(self, date_from: date, date_to: date,
               progress: Callable[[int, int], None] | None = None) -> Counter:
        """The period's crossings (voided ones left out) counted by (day, direction,
        nationality, sex, age group, latest screening outcome) as stored (``None`` for
        unknown; ``printing.reports.count_key`` normalises them), from ``date_from`` to ``date_to`` included
        (post-local days).
        ``progress(days_done, days)`` is called after each day (from the calling thread).

        Each day is read in its own transaction (a crossing belongs to one day, so nothing
        is counted twice); the days run on :meth:`_workers` threads, each with its own
        session. With the report's indexes (migration 0005) every crossing costs one covering
        index entry, one look-up in the persons' report index and one in the screenings'."""
        require(self.actor.role, P.VIEW_REPORTS)
        _check(date_from, date_to)
        days = [date_from + timedelta(days=i) for i in range((date_to - date_from).days + 1)]
        out: Counter = Counter()

        def add(day: date, cells: list[tuple], done: int) -> None:
            for direction, nationality, sex, group, outcome, n in cells:
                out[(day, direction, nationality, sex, group, outcome)] += n
            if progress is not None:
                progress(done, len(days))

        workers = self._workers(len(days))
        if workers == 1:
            for i, day in enumerate(days):
                add(day, self._day_counts(day), i + 1)
            return out
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="report") as pool:
            futures = {pool.submit(self._day_counts, day): day for day in days}
            try:
                for i, future in enumerate(as_completed(futures)):
                    add(futures[future], future.result(), i + 1)
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
        return out

    def registrations(self, date_from: date, date_to: date) -> list[dm.Registration]:
        """Every registration (voided ones too, flagged) from ``date_from`` to ``date_to``
        included (post-local days), oldest first, with ``screening_outcome``. Every row: for
        small periods; reports use :meth:`counts`."""
        require(self.actor.role, P.VIEW_REPORTS)
        _check(date_from, date_to)
        start, _end = clock.day_bounds(date_from)
        _start, end = clock.day_bounds(date_to)
        stmt = (select(Crossing, Person, IdentityDocument, _latest_outcome())
                .join(Person, Crossing.person_id == Person.id)
                .outerjoin(IdentityDocument, Crossing.document_id == IdentityDocument.id)
                .where(Crossing.crossed_at >= start, Crossing.crossed_at < end))
        stmt = self._own_post(stmt).order_by(Crossing.crossed_at, Crossing.change_seq)
        out: list[dm.Registration] = []
        with self.db.session() as s:
            for c, p, d, outcome in s.execute(stmt):
                reg = registration(c, p, d)
                reg.screening_outcome = outcome
                out.append(reg)
        return out
