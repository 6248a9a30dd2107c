"""Period reports: the registrations of a range of days, with their screening outcome.

One query (crossings, persons, documents, and the latest screening outcome as a correlated
sub-query): fit for 10,000 crossings without one query per row.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from border_app import clock
from border_app import model as dm
from border_app.errors import InvalidInput
from border_app.i18n import _
from border_app.roles import Permission, Role, require

from . import Database
from .models import Crossing, IdentityDocument, Person, Screening
from .services import _registration

P = Permission
MAX_DAYS = 400
MAX_ROWS = 200_000


class ReportService:
    def __init__(self, db: Database, actor: dm.Actor):
        self.db, self.actor = db, actor

    def registrations(self, date_from: date, date_to: date) -> list[dm.Registration]:
        """Every registration (voided ones too, flagged) from ``date_from`` to ``date_to``
        included (post-local days), oldest first, with ``screening_outcome``."""
        require(self.actor.role, P.VIEW_REPORTS)
        for value, name in ((date_from, _("Start date")), (date_to, _("End date"))):
            if not isinstance(value, date):
                raise InvalidInput(_("{field}: a date is expected.").format(field=name))
        if date_to < date_from:
            raise InvalidInput(_("The end date is before the start date."))
        if (date_to - date_from).days >= MAX_DAYS:
            raise InvalidInput(_("A report covers at most {days} days.").format(days=MAX_DAYS))
        start, _end = clock.day_bounds(date_from)
        _start, end = clock.day_bounds(date_to)
        latest = (select(Screening.outcome)
                  .where(Screening.crossing_id == Crossing.id, Screening.voided.is_(False))
                  .order_by(Screening.screened_at.desc(), Screening.change_seq.desc())
                  .limit(1).correlate(Crossing).scalar_subquery())
        stmt = (select(Crossing, Person, IdentityDocument, latest)
                .join(Person, Crossing.person_id == Person.id)
                .outerjoin(IdentityDocument, Crossing.document_id == IdentityDocument.id)
                .where(Crossing.crossed_at >= start, Crossing.crossed_at < end))
        if Role(self.actor.role) is not Role.COORDINATOR:
            stmt = stmt.where(Crossing.post_id == self.actor.post_id)
        stmt = stmt.order_by(Crossing.crossed_at, Crossing.change_seq).limit(MAX_ROWS)
        out: list[dm.Registration] = []
        with self.db.session() as s:
            for c, p, d, outcome in s.execute(stmt):
                reg = _registration(c, p, d)
                reg.screening_outcome = outcome
                out.append(reg)
        return out
