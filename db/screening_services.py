"""Health screenings: recorded by health screeners, read back by role.

* ``record`` (``RECORD_SCREENING``) stores what :class:`ui.screening_form.ScreeningForm`
  submitted (answers, temperature, the decision's outcome, fired rules, actions, protocol
  versions, the referral) plus an optional summary of a scanned vaccination certificate.
* ``latest`` / ``list_for_crossing`` (``VIEW_SCREENING_OUTCOME``) give the outcome only:
  what a border official may see.
* ``details`` (``VIEW_SCREENING_DETAILS``) gives the medical details and is audited
  (action ``view``).

The audit trail gets ids and action names only, never answers or temperatures.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from border_app import model as dm
from border_app.errors import ConflictError, InvalidInput, NotFound
from border_app.i18n import N_, _, ngettext
from border_app.model import new_id
from border_app.roles import Permission, Role, require

from . import Database, validation
from .models import Crossing, Person, Screening, User
from .services import audit, latest_outcomes, utcnow  # noqa: F401 (latest_outcomes re-exported)

P = Permission
OUTCOMES = ("cleared", "secondary", "referral", "isolation")
TEMPERATURE_RANGE = (30.0, 45.0)
MAX_ANSWERS_JSON = 64 * 1024
MAX_ENTRIES = 20
MAX_TEXT = 500


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


def _outcome(submission: dict) -> str:
    record = submission.get("decision_record") if isinstance(submission.get("decision_record"), dict) else {}
    value = submission.get("outcome", record.get("outcome"))
    value = getattr(value, "value", value)
    if value not in OUTCOMES:
        raise _invalid(N_("Screening outcome"))
    return value


def _temperature(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(float(value)):
        raise InvalidInput(_("{field}: a number is expected.").format(field=_("Temperature")))
    low, high = TEMPERATURE_RANGE
    if not low <= float(value) <= high:
        raise InvalidInput(_("The temperature must be between {low} and {high} °C.").format(low=int(low), high=int(high)))
    return round(float(value), 1)


def _json_size(value: Any, field_name: str, limit: int = MAX_ANSWERS_JSON) -> None:
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        raise _invalid(field_name) from None
    if len(text) > limit:
        raise InvalidInput(_("{field} is too long (at most {count} characters).").format(field=_(field_name), count=limit))


def _answers(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) and len(k) <= 100 for k in value):
        raise _invalid(N_("Screening answers"))
    _json_size(value, N_("Screening answers"))
    return dict(value)


def _fired(submission: dict) -> list[dict[str, Any]]:
    decision = submission.get("decision")
    items: list[dict[str, Any]] = []
    if decision is not None and hasattr(decision, "fired"):
        for f in decision.fired:
            items.append({"protocol_id": f.protocol_id, "version": int(f.protocol_version), "rule_id": f.rule_id,
                          "outcome": f.outcome.value, "reason": {"fr": f.reason_fr, "en": f.reason_en}})
        return items
    record = submission.get("decision_record")
    raw = record.get("fired", []) if isinstance(record, dict) else submission.get("fired", [])
    if not isinstance(raw, list) or len(raw) > 200:
        raise _invalid(N_("Screening outcome"))
    for f in raw:
        if not isinstance(f, dict):
            raise _invalid(N_("Screening outcome"))
        reason = f.get("reason") if isinstance(f.get("reason"), dict) else {}
        outcome = f.get("outcome")
        if outcome not in OUTCOMES:
            raise _invalid(N_("Screening outcome"))
        items.append({
            "protocol_id": str(f.get("protocol_id", f.get("protocol", "")))[:100],
            "version": int(f.get("version", 0)) if isinstance(f.get("version", 0), int) else 0,
            "rule_id": str(f.get("rule_id", f.get("rule", "")))[:100],
            "outcome": outcome,
            "reason": {"fr": str(reason.get("fr", ""))[:MAX_TEXT], "en": str(reason.get("en", ""))[:MAX_TEXT]},
        })
    return items


def _actions(submission: dict) -> list[str]:
    decision = submission.get("decision")
    if decision is not None and hasattr(decision, "actions"):
        raw = list(decision.actions)
    else:
        record = submission.get("decision_record")
        raw = record.get("actions", []) if isinstance(record, dict) else submission.get("actions", [])
    if not isinstance(raw, (list, tuple)) or len(raw) > 100 or not all(isinstance(a, str) and len(a) <= 100 for a in raw):
        raise _invalid(N_("Screening actions"))
    return list(raw)


def _versions(submission: dict) -> dict[str, int]:
    raw = submission.get("protocol_versions") or {}
    if not isinstance(raw, dict) or len(raw) > 50:
        raise _invalid(N_("Protocol versions"))
    out: dict[str, int] = {}
    for k, v in raw.items():
        if not isinstance(k, str) or len(k) > 100 or isinstance(v, bool) or not isinstance(v, int):
            raise _invalid(N_("Protocol versions"))
        out[k] = v
    return out


def _scalar(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)[:MAX_TEXT]


def certificate_summary(value: Any) -> dict[str, Any] | None:
    """Keep what a screening needs of a scanned certificate: kind, signature verdict,
    expiry, issuer, validity and its entries (scalar fields only; never raw bytes)."""
    if value is None:
        return None
    if hasattr(value, "to_dict") and not isinstance(value, dict):
        value = value.to_dict()
    if not isinstance(value, dict):
        raise _invalid(N_("Certificate"))
    out: dict[str, Any] = {}
    for key in ("kind", "signature", "expired", "issuer", "valid_from", "valid_until", "genuine_and_valid"):
        if key in value:
            out[key] = _scalar(value[key])
    entries = value.get("entries") or []
    if not isinstance(entries, list):
        raise _invalid(N_("Certificate"))
    out["entries"] = [
        {str(k)[:50]: _scalar(v) for k, v in list(e.items())[:30]
         if isinstance(v, (str, int, float, bool, type(None))) or hasattr(v, "isoformat")}
        for e in entries[:MAX_ENTRIES] if isinstance(e, dict)
    ]
    return out


def _referral(value: Any, outcome: str) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    if not isinstance(value, dict):
        raise _invalid(N_("Referral"))
    destination = validation.clean_text(value.get("destination"), validation.MAX_PLACE, N_("Referral destination"),
                                        required=True)
    notes = validation.clean_text(value.get("notes"), validation.MAX_NOTES, N_("Referral notes"), multiline=True)
    return destination, notes


_installed = None   # the installed protocols (a ProtocolSet, immutable), read when first needed


def _check_decision(submission: dict, person: Person, outcome: str) -> None:
    """Evaluate the submitted answers again with the installed protocols of the submitted
    versions and this traveller: a screening with a required answer missing has no outcome
    and is refused (a blank form must never be stored as cleared), and the outcome stored is
    the one the answers give, whatever the caller says."""
    from border_app.screening import ProtocolError, ScreeningSettings, Traveller, evaluate, load_protocols

    versions = _versions(submission)
    if not versions:
        raise InvalidInput(_("No screening protocol is active"))
    global _installed
    try:
        installed = _installed = _installed or load_protocols()    # read once per process
    except ProtocolError as exc:  # pragma: no cover - the shipped files are tested
        raise InvalidInput(_("The screening protocols cannot be read.")) from exc
    if any(pid not in installed or installed.get(pid).version != v for pid, v in versions.items()):
        raise ConflictError(_("The screening protocols have changed since this form was opened: screen the traveller again."))
    record = submission.get("decision_record") if isinstance(submission.get("decision_record"), dict) else {}
    raw_settings = record.get("settings") or {}
    try:
        settings = ScreeningSettings(**raw_settings) if isinstance(raw_settings, dict) else ScreeningSettings()
    except (TypeError, ValueError):
        raise _invalid(N_("Screening")) from None
    at = submission.get("at")
    if not isinstance(at, datetime):
        at = utcnow()
    elif at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    decision = evaluate(installed.select(list(versions)), Traveller(person.birth_date, person.sex), at,
                        _answers(submission.get("answers")), settings, strict=False)
    if not decision.complete:
        raise InvalidInput(ngettext(
            "The screening is incomplete: {n} required question has no answer. Nothing was recorded.",
            "The screening is incomplete: {n} required questions have no answer. Nothing was recorded.",
            len(decision.missing)).format(n=len(decision.missing)))
    if decision.outcome.value != outcome:
        raise _invalid(N_("Screening outcome"))


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
        if crossing is None or (crossing.post_id != self.actor.post_id and Role(self.actor.role) is not Role.COORDINATOR):
            raise NotFound(_("This registration does not exist."))
        return crossing

    def record(self, crossing_id: str, submission: dict) -> ScreeningSummary:
        """Store a screening of ``crossing_id`` (the ``ScreeningForm.submitted`` payload,
        optionally with ``"certificate"``: a CertificateResult or its dict)."""
        require(self.actor.role, P.RECORD_SCREENING)
        if not isinstance(submission, dict):
            raise _invalid(N_("Screening"))
        outcome = _outcome(submission)
        answers = _answers(submission.get("answers"))
        temperature = _temperature(submission.get("temperature"))
        method = validation.clean_text(submission.get("temperature_method"), 32, N_("Temperature method"))
        fired = _fired(submission)
        actions = _actions(submission)
        versions = _versions(submission)
        destination, notes = _referral(submission.get("referral"), outcome)
        certificate = certificate_summary(submission.get("certificate"))
        if certificate is not None:
            _json_size(certificate, N_("Certificate"))
        with self.db.session(write=True) as s:
            crossing = self._crossing(s, crossing_id)
            if crossing.post_id != self.actor.post_id:
                raise NotFound(_("This registration does not exist."))
            if crossing.voided:
                raise ConflictError(_("This registration was voided; it can no longer be screened."))
            _check_decision(submission, s.get(Person, crossing.person_id), outcome)
            row = Screening(
                id=new_id(), post_id=self.actor.post_id, change_seq=0, person_id=crossing.person_id,
                crossing_id=crossing.id, screened_at=utcnow(), screened_by=self.actor.user_id,
                protocol_versions=versions, answers=answers, temperature_c=temperature, temperature_method=method,
                outcome=outcome, fired=fired, actions=actions, referral_destination=destination,
                referral_notes=notes, certificate=certificate, voided=False, void_reason=None,
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

