"""A screening as it is recorded, built once from the answers (pure; no Qt, no database).

:func:`screening_record` evaluates the answers with the protocols for one traveller and
returns a :class:`ScreeningRecord`: the answers in their JSON-friendly form, the
:class:`~border_app.screening.model.Decision`, the temperature and its method taken from the
answers, the referral, the evaluation time, the settings and the summary of a scanned
certificate. It refuses (:class:`~border_app.errors.InvalidInput`, translated) an answer out
of its question's bounds (the temperature's from the protocol's ``min``/``max``), a screening
with a required answer missing (a blank form must never be stored as cleared), a referral
without its destination, and a referral the outcome does not call for.

The screener's form builds the record; ``db.screening_services.ScreeningService.record``
builds it again from the same inputs with the installed protocols and the stored traveller
and refuses one that differs, so a caller cannot store an outcome the answers don't give.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Mapping, Sequence

from ..errors import InvalidInput
from ..i18n import N_, _, ngettext
from .engine import _normalise, answers_for_record, evaluate, merged_questions
from .model import Decision, Protocol, ScreeningSettings, Traveller

#: the id of the protocols' measurement-method question (``resources/protocols/README.md``);
#: the temperature itself is the question in °C (``Question.is_temperature``)
TEMPERATURE_METHOD = "temperature_method"
MAX_TEXT = 500
MAX_ENTRIES = 20
MAX_CERTIFICATE_JSON = 64 * 1024


def _invalid(field_name: str) -> InvalidInput:
    return InvalidInput(_("{field}: this value is not allowed.").format(field=_(field_name)))


@dataclass(frozen=True)
class Referral:
    """Where the traveller is sent, and what the screener wrote for the facility."""

    destination: str
    notes: str | None = None


@dataclass(frozen=True)
class ScreeningRecord:
    """One screening ready to store; build it with :func:`screening_record`."""

    answers: Mapping[str, Any]               # JSON-friendly: dates as ISO text, lists as lists
    decision: Decision
    at: datetime                             # when it was evaluated (aware)
    settings: ScreeningSettings
    temperature: float | None = None
    temperature_method: str | None = None
    referral: Referral | None = None
    certificate: Mapping[str, Any] | None = None   # certificate_summary() of a scanned certificate

    @property
    def outcome(self) -> str:
        return self.decision.outcome.value

    @property
    def protocol_versions(self) -> dict[str, int]:
        return dict(self.decision.protocol_versions)

    def with_certificate(self, certificate: Any) -> ScreeningRecord:
        """The same record with the summary of a scanned certificate (a CertificateResult or
        its dict; ``None``: none)."""
        return dataclasses.replace(self, certificate=_certificate(certificate))


def _aware(at: Any) -> datetime:
    if isinstance(at, datetime):
        return at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)
    if isinstance(at, date):
        return datetime(at.year, at.month, at.day, 12, tzinfo=timezone.utc)
    raise InvalidInput(_("The evaluation time is missing or is not a date and time"))


def _referral(value: Any, decision: Decision) -> Referral | None:
    if value is None or value == {}:
        value = None
    elif isinstance(value, Mapping):
        value = Referral(value.get("destination"), value.get("notes"))  # type: ignore[arg-type]
    elif not isinstance(value, Referral):
        raise _invalid(N_("Referral"))
    if not decision.needs_referral:
        if value is not None:
            raise InvalidInput(_("This screening's outcome calls for no referral; nothing was recorded."))
        return None
    if value is None or not isinstance(value.destination, str) or not value.destination.strip():
        raise InvalidInput(_("Give the destination facility of the referral."))
    if value.notes is not None and not isinstance(value.notes, str):
        raise _invalid(N_("Referral notes"))
    return Referral(" ".join(value.destination.split()), (value.notes or "").strip() or None)


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
    if not isinstance(value, Mapping):
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


def _certificate(value: Any) -> dict[str, Any] | None:
    summary = certificate_summary(value)
    if summary is not None:
        try:
            text = json.dumps(summary, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError):
            raise _invalid(N_("Certificate")) from None
        if len(text) > MAX_CERTIFICATE_JSON:
            raise InvalidInput(_("{field} is too long (at most {count} characters).").format(
                field=_("Certificate"), count=MAX_CERTIFICATE_JSON))
    return summary


def screening_record(protocols: Sequence[Protocol], traveller: Traveller, at: datetime | date,
                     answers: Mapping[str, Any], settings: ScreeningSettings | None = None,
                     referral: Referral | Mapping[str, Any] | None = None,
                     certificate: Any = None) -> ScreeningRecord:
    """Evaluate ``answers`` (raw or normal form; an unknown question id is refused) with
    ``protocols`` for ``traveller`` at ``at`` and build the record, or refuse it (see the
    module's docstring)."""
    if settings is None:
        settings = ScreeningSettings()
    elif not isinstance(settings, ScreeningSettings):
        raise _invalid(N_("Screening"))
    if not isinstance(answers, Mapping) or not all(isinstance(k, str) and len(k) <= 100 for k in answers):
        raise _invalid(N_("Screening answers"))
    at = _aware(at)
    protocols = tuple(protocols)
    if not protocols:
        raise InvalidInput(_("No screening protocol is active"))
    merged = merged_questions(protocols)
    clean = _normalise(merged, answers, at, strict=True)
    decision = evaluate(protocols, traveller, at, clean, settings)
    if not decision.complete:
        raise InvalidInput(ngettext(
            "The screening is incomplete: {n} required question has no answer. Nothing was recorded.",
            "The screening is incomplete: {n} required questions have no answer. Nothing was recorded.",
            len(decision.missing)).format(n=len(decision.missing)))
    temperature_id = next((mq.id for mq in merged if mq.question.is_temperature), None)
    temperature = clean.get(temperature_id) if temperature_id is not None else None
    method = clean.get(TEMPERATURE_METHOD)
    return ScreeningRecord(
        answers=answers_for_record(protocols, clean), decision=decision, at=at, settings=settings,
        temperature=float(temperature) if temperature is not None else None,
        temperature_method=method if isinstance(method, str) else None,
        referral=_referral(referral, decision), certificate=_certificate(certificate),
    )
