"""The slip register: every printed attestation slip, with its serial number.

* ``issue`` (``PRINT_SLIP``): the first print of a (crossing, kind) gets a new serial
  ``<PCODE>-<YYYY>-<NNNNNN>`` from a per-post, per-year counter (table ``slip_counters``,
  bumped in the same transaction: a serial is never reused, even when the clock goes
  back). Asking again for the same slip returns the same issue: a retry after a printer
  error is not a reprint. A screening slip belongs to the latest screening of the crossing;
  a newer screening gets a new slip.
* ``reprint`` (``REPRINT_SLIP``): a duplicate of the original, same serial, ``duplicate``
  set and ``original_id`` pointing to the first issue.
* ``history`` (``VIEW_IDENTITY``): every issue and reprint of a crossing's slips.

Audit actions: ``issue_slip``, ``reprint_slip`` (entity ``slip``, ids only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from border_app import clock
from border_app import model as dm
from border_app.errors import ConflictError, InvalidInput, NotFound
from border_app.i18n import _
from border_app.model import new_id
from border_app.roles import Permission, Role, require

from . import Database
from .models import Crossing, Post, Screening, Slip
from .audit import audit, utcnow

P = Permission
KINDS = ("registration", "screening")
SIZES = ("80mm", "a6", "a4")

_BUMP = text("UPDATE slip_counters SET value = value + 1 WHERE post_id = :p AND year = :y RETURNING value")
_CREATE = text("INSERT INTO slip_counters (post_id, year, value) VALUES (:p, :y, 1)")


@dataclass
class SlipIssue:
    id: str
    serial: str
    crossing_id: str
    screening_id: str | None
    kind: str
    size: str
    issued_at: datetime
    issued_by: str          # the user id of who printed it
    duplicate: bool
    original_id: str | None


def _issue(row: Slip) -> SlipIssue:
    return SlipIssue(id=row.id, serial=row.serial, crossing_id=row.crossing_id, screening_id=row.screening_id,
                     kind=row.kind, size=row.size, issued_at=row.issued_at, issued_by=row.issued_by,
                     duplicate=bool(row.duplicate), original_id=row.original_id)


def next_serial(s: Session, post_id: str, pcode: str, when: datetime) -> str:
    """Reserve the next serial of the post for the (post-local) year of ``when``."""
    year = clock.post_time(when).year
    row = s.execute(_BUMP, {"p": post_id, "y": year}).first()
    if row is None:
        s.execute(_CREATE, {"p": post_id, "y": year})
        value = 1
    else:
        value = int(row[0])
    return f"{pcode}-{year:04d}-{value:06d}"


class SlipService:
    def __init__(self, db: Database, actor: dm.Actor):
        self.db, self.actor = db, actor

    @staticmethod
    def _check(kind: str, size: str) -> None:
        if kind not in KINDS:
            raise InvalidInput(_("{field}: this value is not allowed.").format(field=_("Slip kind")))
        if size not in SIZES:
            raise InvalidInput(_("{field}: this value is not allowed.").format(field=_("Slip size")))

    def _crossing(self, s: Session, crossing_id: str) -> Crossing:
        crossing = s.get(Crossing, crossing_id) if isinstance(crossing_id, str) and len(crossing_id) <= 36 else None
        if crossing is None or crossing.post_id != self.actor.post_id:
            raise NotFound(_("This registration does not exist."))
        return crossing

    def _latest_screening(self, s: Session, crossing_id: str) -> Screening | None:
        return s.scalars(select(Screening).where(Screening.crossing_id == crossing_id, Screening.voided.is_(False))
                         .order_by(Screening.screened_at.desc(), Screening.change_seq.desc()).limit(1)).first()

    def _original(self, s: Session, crossing_id: str, kind: str, screening_id: str | None) -> Slip | None:
        stmt = select(Slip).where(Slip.crossing_id == crossing_id, Slip.kind == kind, Slip.duplicate.is_(False))
        if kind == "screening":
            stmt = stmt.where(Slip.screening_id == screening_id)
        return s.scalars(stmt.order_by(Slip.issued_at.desc(), Slip.change_seq.desc()).limit(1)).first()

    def _audit(self, s: Session, action: str, slip_id: str) -> None:
        audit(s, post_id=self.actor.post_id, user_id=self.actor.user_id, action=action, entity="slip",
              entity_id=slip_id)

    def _screening_for(self, s: Session, crossing: Crossing, kind: str) -> Screening | None:
        if kind != "screening":
            return None
        screening = self._latest_screening(s, crossing.id)
        if screening is None:
            raise NotFound(_("This traveller has not been screened yet: there is no screening attestation to print."))
        return screening

    def _printable(self, s: Session, crossing_id: str, kind: str):
        """The crossing (never a voided one), the screening id the slip attests (screening
        slips), and the original slip already issued for them, or ``None``."""
        crossing = self._crossing(s, crossing_id)
        if crossing.voided:
            raise ConflictError(_("This registration was voided: no slip can be printed for it."))
        screening = self._screening_for(s, crossing, kind)
        screening_id = screening.id if screening is not None else None
        return crossing, screening_id, self._original(s, crossing.id, kind, screening_id)

    def issue(self, crossing_id: str, *, kind: str, size: str) -> SlipIssue:
        require(self.actor.role, P.PRINT_SLIP)
        self._check(kind, size)
        with self.db.session(write=True) as s:
            crossing, screening_id, row = self._printable(s, crossing_id, kind)
            if row is None:
                post = s.get(Post, self.actor.post_id)
                now = utcnow()
                row = Slip(id=new_id(), post_id=self.actor.post_id, change_seq=0,
                           serial=next_serial(s, self.actor.post_id, post.pcode if post else "POST", now),
                           crossing_id=crossing.id, screening_id=screening_id, kind=kind, size=size, issued_at=now,
                           issued_by=self.actor.user_id, duplicate=False, original_id=None, copy_no=0)
                s.add(row)
            self._audit(s, "issue_slip", row.id)
            s.flush()
            return _issue(row)

    def reprint(self, crossing_id: str, *, kind: str, size: str) -> SlipIssue:
        require(self.actor.role, P.REPRINT_SLIP)
        self._check(kind, size)
        with self.db.session(write=True) as s:
            crossing, _screening_id, original = self._printable(s, crossing_id, kind)
            if original is None:
                raise NotFound(_("This slip was never printed: print it first (a reprint needs an original)."))
            copies = s.scalar(select(func.max(Slip.copy_no)).where(Slip.post_id == original.post_id,
                                                                   Slip.serial == original.serial)) or 0
            row = Slip(id=new_id(), post_id=self.actor.post_id, change_seq=0, serial=original.serial,
                       crossing_id=crossing.id, screening_id=original.screening_id, kind=kind, size=size,
                       issued_at=utcnow(), issued_by=self.actor.user_id, duplicate=True, original_id=original.id,
                       copy_no=copies + 1)
            s.add(row)
            self._audit(s, "reprint_slip", row.id)
            s.flush()
            return _issue(row)

    def history(self, crossing_id: str) -> list[SlipIssue]:
        require(self.actor.role, P.VIEW_IDENTITY)
        if not isinstance(crossing_id, str) or len(crossing_id) > 36:
            return []
        stmt = select(Slip).where(Slip.crossing_id == crossing_id)
        if Role(self.actor.role) is not Role.COORDINATOR:
            stmt = stmt.where(Slip.post_id == self.actor.post_id)
        stmt = stmt.order_by(Slip.issued_at, Slip.change_seq).limit(1000)
        with self.db.session() as s:
            return [_issue(r) for r in s.scalars(stmt)]
