"""Health screenings: recorded by health screeners, read back by role.

* ``record`` (``RECORD_SCREENING``) stores a :class:`border_app.screening.ScreeningRecord`
  (answers, temperature, the decision's outcome, fired rules, actions, protocol versions,
  the referral, an optional summary of a scanned vaccination certificate), built again
  from its answers with the installed protocols and the stored traveller first.
* ``latest`` / ``list_for_crossing`` (``VIEW_SCREENING_OUTCOME``) give the outcome only:
  what a border official may see.
* ``details`` (``VIEW_SCREENING_DETAILS``) gives the medical details and is audited
  (action ``view``).

The audit trail gets ids and action names only, never answers or temperatures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from border_app import model as dm
from border_app.errors import ConflictError, InvalidInput, NotFound
from border_app.i18n import N_, _
from border_app.model import new_id
from border_app.roles import Permission, Role, require
from border_app.screening import (
    ProtocolError, ProtocolSet, ScreeningRecord, Traveller, load_protocols, screening_record,
)

from . import Database, validation
from .models import Crossing, Person, Screening, User
from .audit import audit, utcnow

P = Permission


@dataclass
class ScreeningSummary:
    """What a border official may see of a screening."""

    id: str
    crossing_id: str
    outcome: str
    screened_at: datetime
    screened_by_name: str


@dataclass
class ScreeningDetails(ScreeningSummary):
    answers: dict[str, Any] = field(default_factory=dict)
    temperature_c: float | None = None
    temperature_method: str | None = None
    fired: list[dict[str, Any]] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    referral_destination: str | None = None
    referral_notes: str | None = None
    protocol_versions: dict[str, int] = field(default_factory=dict)
    certificate: dict[str, Any] | None = None


# --------------------------------------------------------------------------- validation
def _invalid(field_name: str) -> InvalidInput:
    return InvalidInput(_("{field}: this value is not allowed.").format(field=_(field_name)))


def _versions(raw: Any) -> dict[str, int]:
    if not isinstance(raw, Mapping) or len(raw) > 50:
        raise _invalid(N_("Protocol versions"))
    out: dict[str, int] = {}
    for k, v in raw.items():
        if not isinstance(k, str) or len(k) > 100 or isinstance(v, bool) or not isinstance(v, int):
            raise _invalid(N_("Protocol versions"))
        out[k] = v
    return out


def _fired(record: ScreeningRecord) -> list[dict[str, Any]]:
    return [{"protocol_id": f.protocol_id, "version": int(f.protocol_version), "rule_id": f.rule_id,
             "outcome": f.outcome.value, "reason": {"fr": f.reason_fr, "en": f.reason_en}}
            for f in record.decision.fired]


_installed: ProtocolSet | None = None   # the installed protocols (immutable), read when first needed


def _installed_protocols() -> ProtocolSet:
    global _installed
    if _installed is None:
        try:
            _installed = load_protocols()    # read once per process
        except ProtocolError as exc:  # pragma: no cover - the shipped files are tested
            raise InvalidInput(_("The screening protocols cannot be read.")) from exc
    return _installed


def _check_record(record: ScreeningRecord, person: Person) -> None:
    """Build the record again from its answers with the installed protocols of its versions
    and the stored traveller, and refuse one that differs: what is stored is what the
    answers give (a screening with a required answer missing has no outcome and is refused,
    a forged outcome, temperature or referral is refused), whatever the caller built."""
    versions = _versions(record.protocol_versions)
    if not versions:
        raise InvalidInput(_("No screening protocol is active"))
    installed = _installed_protocols()
    if any(pid not in installed or installed.get(pid).version != v for pid, v in versions.items()):
        raise ConflictError(_("The screening protocols have changed since this form was opened: "
                              "screen the traveller again."))
    again = screening_record(installed.select(list(versions)), Traveller(person.birth_date, person.sex), record.at,
                             record.answers, record.settings, record.referral, record.certificate)
    if again != record:
        raise InvalidInput(_("The screening record does not match its answers; nothing was recorded."))


# --------------------------------------------------------------------------- service
def _summary(row: Screening, name: str | None) -> ScreeningSummary:
    return ScreeningSummary(id=row.id, crossing_id=row.crossing_id, outcome=row.outcome,
                            screened_at=row.screened_at, screened_by_name=name or "")


def _details(row: Screening, name: str | None) -> ScreeningDetails:
    return ScreeningDetails(
        id=row.id, crossing_id=row.crossing_id, outcome=row.outcome, screened_at=row.screened_at,
        screened_by_name=name or "", answers=dict(row.answers or {}), temperature_c=row.temperature_c,
        temperature_method=row.temperature_method, fired=list(row.fired or []), actions=list(row.actions or []),
        referral_destination=row.referral_destination, referral_notes=row.referral_notes,
        protocol_versions=dict(row.protocol_versions or {}), certificate=row.certificate,
    )


class ScreeningService:
    def __init__(self, db: Database, actor: dm.Actor):
        self.db, self.actor = db, actor

    def _scoped(self, stmt):
        if Role(self.actor.role) is Role.COORDINATOR:
            return stmt
        return stmt.where(Screening.post_id == self.actor.post_id)

    def _select(self):
        return self._scoped(select(Screening, User.full_name).outerjoin(User, User.id == Screening.screened_by)
                            .where(Screening.voided.is_(False)))

    def _crossing(self, s: Session, crossing_id: Any) -> Crossing:
        crossing = s.get(Crossing, crossing_id) if isinstance(crossing_id, str) and len(crossing_id) <= 36 else None
        if crossing is None or (crossing.post_id != self.actor.post_id
                                and Role(self.actor.role) is not Role.COORDINATOR):
            raise NotFound(_("This registration does not exist."))
        return crossing

    def record(self, crossing_id: str, record: ScreeningRecord) -> ScreeningSummary:
        """Store a screening of ``crossing_id``: a :class:`ScreeningRecord` (built by
        ``screening_record``, e.g. by the screener's form), checked again here."""
        require(self.actor.role, P.RECORD_SCREENING)
        if not isinstance(record, ScreeningRecord):
            raise _invalid(N_("Screening"))
        destination = notes = None
        if record.referral is not None:
            destination = validation.clean_text(record.referral.destination, validation.MAX_PLACE,
                                                N_("Referral destination"), required=True)
            notes = validation.clean_text(record.referral.notes, validation.MAX_NOTES, N_("Referral notes"),
                                          multiline=True)
        with self.db.session(write=True) as s:
            crossing = self._crossing(s, crossing_id)
            if crossing.post_id != self.actor.post_id:
                raise NotFound(_("This registration does not exist."))
            if crossing.voided:
                raise ConflictError(_("This registration was voided; it can no longer be screened."))
            person = s.get(Person, crossing.person_id)
            if person is None:
                raise NotFound(_("This registration does not exist."))
            _check_record(record, person)
            row = Screening(
                id=new_id(), post_id=self.actor.post_id, change_seq=0, person_id=crossing.person_id,
                crossing_id=crossing.id, screened_at=utcnow(), screened_by=self.actor.user_id,
                protocol_versions=record.protocol_versions, answers=dict(record.answers),
                temperature_c=record.temperature, temperature_method=record.temperature_method,
                outcome=record.outcome, fired=_fired(record), actions=list(record.decision.actions),
                referral_destination=destination, referral_notes=notes,
                certificate=dict(record.certificate) if record.certificate is not None else None,
                voided=False, void_reason=None,
            )
            s.add(row)
            audit(s, post_id=self.actor.post_id, user_id=self.actor.user_id, action="create", entity="screening",
                  entity_id=row.id)
            s.flush()
            return _summary(row, self.actor.full_name)

    def latest(self, crossing_id: str) -> ScreeningSummary | None:
        require(self.actor.role, P.VIEW_SCREENING_OUTCOME)
        if not isinstance(crossing_id, str) or len(crossing_id) > 36:
            return None
        stmt = self._select().where(Screening.crossing_id == crossing_id) \
            .order_by(Screening.screened_at.desc(), Screening.change_seq.desc()).limit(1)
        with self.db.session() as s:
            row = s.execute(stmt).first()
            return _summary(row[0], row[1]) if row is not None else None

    def list_for_crossing(self, crossing_id: str) -> list[ScreeningSummary]:
        require(self.actor.role, P.VIEW_SCREENING_OUTCOME)
        if not isinstance(crossing_id, str) or len(crossing_id) > 36:
            return []
        stmt = self._select().where(Screening.crossing_id == crossing_id) \
            .order_by(Screening.screened_at.desc(), Screening.change_seq.desc()).limit(500)
        with self.db.session() as s:
            return [_summary(r, n) for r, n in s.execute(stmt)]

    def details(self, screening_id: str) -> ScreeningDetails:
        require(self.actor.role, P.VIEW_SCREENING_DETAILS)
        if not isinstance(screening_id, str) or len(screening_id) > 36:
            raise NotFound(_("This screening does not exist."))
        stmt = self._scoped(select(Screening, User.full_name).outerjoin(User, User.id == Screening.screened_by)
                            .where(Screening.id == screening_id))
        with self.db.session(write=True) as s:
            row = s.execute(stmt).first()
            if row is None:
                raise NotFound(_("This screening does not exist."))
            audit(s, post_id=self.actor.post_id, user_id=self.actor.user_id, action="view", entity="screening",
                  entity_id=row[0].id)
            return _details(row[0], row[1])

