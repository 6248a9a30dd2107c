"""Period reports: the figures of a range of days, aggregated in the database.

:meth:`ReportService.counts` runs one GROUP BY per post-local day (SQLite at the post,
PostgreSQL for coordination): crossings (voided ones left out) joined to their person, with
the latest not-voided screening outcome as a correlated sub-query and the age group as a
CASE on the person's partial ISO birth date (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, checked by
``border_app.model.check_partial_date`` before it is stored). It returns at most a few
thousand aggregated cells a day, whatever the number of crossings: no row cap, no ORM object
per crossing, bounded memory. ``printing.reports.report_from_counts`` turns them into the
report (and applies the small-count suppression to these cells).

:meth:`ReportService.registrations` lists a period's registrations one by one (every row, no
cap): for small periods and tests, not for reports.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import case, func, select

from border_app import clock
from border_app import model as dm
from border_app.errors import InvalidInput
from border_app.i18n import _
from border_app.report_period import check_report_period
from border_app.roles import Permission, Role, require

from . import Database
from .models import Crossing, IdentityDocument, Person, Screening
from .services import _registration

P = Permission


def _check(date_from: date, date_to: date) -> None:
    for value, name in ((date_from, _("Start date")), (date_to, _("End date"))):
        if not isinstance(value, date):
            raise InvalidInput(_("{field}: a date is expected.").format(field=name))
    check_report_period(date_from, date_to)


def _latest_outcome():
    """The latest not-voided screening outcome of the crossing (NULL: not screened)."""
    return (select(Screening.outcome)
            .where(Screening.crossing_id == Crossing.id, Screening.voided.is_(False))
            .order_by(Screening.screened_at.desc(), Screening.change_seq.desc())
            .limit(1).correlate(Crossing).scalar_subquery())


def _age_group(day: date):
    """The age group on ``day`` of a partial ISO birth date, as in
    ``printing.reports.age_group``: a year alone counts from 1 July, a month from its 15th.
    Age >= N exactly when the completed birth date is at most ``day`` N years earlier, as
    ISO strings (zero-padded, so string order is date order)."""
    b = Person.birth_date
    born = case((func.length(b) == 10, b),
                (func.length(b) == 7, b + "-15"),
                (func.length(b) == 4, b + "-07-01"), else_=None)

    def years_before(n: int) -> str:
        return "{:04d}-{:02d}-{:02d}".format(day.year - n, day.month, day.day)

    return case((born.is_(None), "unknown"),
                (born > years_before(0), "unknown"),      # born after the day
                (born <= years_before(131), "unknown"),   # older than 130
                (born > years_before(5), "0-4"),
                (born > years_before(18), "5-17"),
                (born > years_before(60), "18-59"), else_="60+")


class ReportService:
    def __init__(self, db: Database, actor: dm.Actor):
        self.db, self.actor = db, actor

    def _own_post(self, stmt):
        if Role(self.actor.role) is not Role.COORDINATOR:
            stmt = stmt.where(Crossing.post_id == self.actor.post_id)
        return stmt

    def counts(self, date_from: date, date_to: date,
               progress: Callable[[int, int], None] | None = None) -> Counter:
        """The period's crossings (voided ones left out) counted by (day, direction,
        nationality, sex, age group, latest screening outcome) as stored (``None`` for
        unknown; ``printing.reports.count_key`` normalises them), from ``date_from`` to ``date_to`` included (post-local days).
        ``progress(days_done, days)`` is called after each day (from the calling thread)."""
        require(self.actor.role, P.VIEW_REPORTS)
        _check(date_from, date_to)
        days = [date_from + timedelta(days=i) for i in range((date_to - date_from).days + 1)]
        out: Counter = Counter()
        with self.db.session() as s:
            for i, day in enumerate(days):
                start, end = clock.day_bounds(day)
                rows = (select(Crossing.direction.label("direction"), Person.nationality.label("nationality"),
                               Person.sex.label("sex"), _age_group(day).label("age"),
                               _latest_outcome().label("outcome"))
                        .join(Person, Crossing.person_id == Person.id)
                        .where(Crossing.crossed_at >= start, Crossing.crossed_at < end,
                               Crossing.voided.is_(False)))
                rows = self._own_post(rows).subquery()
                stmt = (select(rows.c.direction, rows.c.nationality, rows.c.sex, rows.c.age, rows.c.outcome,
                               func.count())
                        .group_by(rows.c.direction, rows.c.nationality, rows.c.sex, rows.c.age, rows.c.outcome))
                for direction, nationality, sex, group, outcome, n in s.execute(stmt):
                    out[(day, direction, nationality, sex, group, outcome)] += n
                if progress is not None:
                    progress(i + 1, len(days))
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
                reg = _registration(c, p, d)
                reg.screening_outcome = outcome
                out.append(reg)
        return out
