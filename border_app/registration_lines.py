"""One line of a registration file (``border-app register --from FILE.jsonl``) as a draft.

Travellers recorded elsewhere (a paper register typed up after a power cut, another tool's
log) come one JSON object per line::

    {"surname": "ISSOUFOU", "given_names": "AMADOU", "sex": "M", "birth_date": "1985",
     "nationality": "NER", "document": {"type": "passport", "number": "NE1234567",
     "issuing_state": "NER", "expiry_date": "2031-06-30"},
     "direction": "entry", "transport_mode": "bus", "crossed_at": "2026-12-01T08:15"}

* identity: ``surname``, ``given_names``, ``sex`` (``M``/``F``/``X``), ``birth_date``
  (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``: approximate unless complete), ``nationality``
  (ICAO code), ``identity_declared`` (true: a traveller without a document); or instead
  ``mrz`` (the list of the document's MRZ lines: document and identity are taken from it);
  or ``document`` (``type``, ``number``, ``issuing_state``, ``expiry_date``) for a document
  without an MRZ;
* crossing: ``direction`` (``entry``/``exit``, required), ``transport_mode``, ``origin``,
  ``destination``, ``reason`` (the codes of :mod:`border_app.model`), ``group_size``,
  ``crossed_at`` (ISO 8601; without an offset it is the post's time, West Africa Time;
  default: now; never in the future);
* ``confirmed_invalid`` / ``confirmed_expired`` (true): the official's confirmation that the
  registration screen asks for a document whose check digits fail or that had expired.

This module turns a line into a :class:`~border_app.model.RegistrationDraft` (pure, no
database); the service then validates it exactly as it validates the screen's drafts.
Every problem is an :class:`~border_app.errors.InvalidInput` with a translated reason.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

from . import countries
from .clock import POST_TIMEZONE
from .errors import InvalidInput
from .i18n import _
from .model import (
    CrossingData, Direction, DocumentData, DocumentType, PersonData, RegistrationDraft, TransportMode, TravelReason,
    check_partial_date,
)

MAX_LINE_CHARS = 16_384
MAX_LINES = 100_000
MAX_FILE_BYTES = 64 * 1024 * 1024
#: a crossing may be dated this far after the laptop's clock (clocks drift), never more
FUTURE_TOLERANCE = timedelta(minutes=10)

IDENTITY_KEYS = ("surname", "given_names", "sex", "birth_date", "nationality", "identity_declared")
CROSSING_KEYS = ("direction", "transport_mode", "origin", "destination", "reason", "group_size", "crossed_at")
KEYS = frozenset(IDENTITY_KEYS + CROSSING_KEYS + ("mrz", "document", "confirmed_invalid", "confirmed_expired"))
DOCUMENT_KEYS = frozenset(("type", "number", "issuing_state", "expiry_date"))


def parse_line(text: str, *, now: datetime) -> RegistrationDraft:
    """The draft of one line of a registration file (``now``: the laptop's time, aware)."""
    if len(text) > MAX_LINE_CHARS:
        raise InvalidInput(_("The line is too long (at most {count} characters).").format(count=MAX_LINE_CHARS))
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidInput(_("This line is not a JSON object.")) from None
    if not isinstance(obj, dict):
        raise InvalidInput(_("This line is not a JSON object."))
    return draft_from_object(obj, now=now)


def draft_from_object(obj: dict[str, Any], *, now: datetime) -> RegistrationDraft:
    unknown = sorted(str(k) for k in obj if k not in KEYS)
    if unknown:
        raise InvalidInput(_("Unknown field(s): {fields}.").format(fields=", ".join(k[:40] for k in unknown[:5])))
    crossing = _crossing(obj, now)
    document: DocumentData | None
    if obj.get("mrz") is not None:
        given = [k for k in IDENTITY_KEYS + ("document",) if k in obj]
        if given:
            raise InvalidInput(_("Give either \"mrz\" or the identity and document fields, not both ({fields}).")
                               .format(fields=", ".join(given)))
        person, document = _from_mrz(obj["mrz"])
    else:
        person = _person(obj)
        document = _document(obj.get("document"))
        if person.identity_declared and document is not None:
            raise InvalidInput(_("A traveller without a document (identity_declared) cannot have a document."))
        if not person.identity_declared and document is None:
            raise InvalidInput(_("Give the document (\"mrz\" or \"document\"), or \"identity_declared\": true "
                                 "for a traveller without one."))
    return RegistrationDraft(person=person, crossing=crossing, document=document,
                             confirmed_invalid=_flag(obj, "confirmed_invalid"),
                             confirmed_expired=_flag(obj, "confirmed_expired"))


# -- parts ---------------------------------------------------------------------------------

def _text(obj: dict, key: str, *, limit: int = 200) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(_("\"{field}\": a text is expected.").format(field=key))
    if len(value) > limit:
        raise InvalidInput(_("\"{field}\" is too long (at most {count} characters).").format(field=key, count=limit))
    return value.strip() or None


def _flag(obj: dict, key: str) -> bool:
    value = obj.get(key, False)
    if not isinstance(value, bool):
        raise InvalidInput(_("\"{field}\": true or false is expected.").format(field=key))
    return value


def _country(obj: dict, key: str) -> str | None:
    code = _text(obj, key, limit=3)
    if code is None:
        return None
    code = countries.normalise_code(code)
    if not countries.is_valid_code(code):
        raise InvalidInput(_("\"{field}\": \"{value}\" is not an ICAO country code (e.g. NER, MLI).").format(
            field=key, value=code))
    return code


def _enum(kind, obj: dict, key: str):
    value = _text(obj, key, limit=40)
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError:
        raise InvalidInput(_("\"{field}\": \"{value}\" is not one of {choices}.").format(
            field=key, value=value, choices=", ".join(m.value for m in kind))) from None


def _person(obj: dict) -> PersonData:
    birth = _text(obj, "birth_date", limit=10)
    try:
        birth = check_partial_date(birth)
    except ValueError:
        raise InvalidInput(_("\"birth_date\": write YYYY-MM-DD, YYYY-MM or YYYY.")) from None
    sex = _text(obj, "sex", limit=1)
    if sex is not None and sex.upper() not in ("M", "F", "X"):
        raise InvalidInput(_("\"sex\": M, F or X is expected."))
    return PersonData(
        surname=(_text(obj, "surname") or "").upper(),
        given_names=(_text(obj, "given_names") or "").upper(),
        sex=sex.upper() if sex else None,
        birth_date=birth,
        birth_date_approximate=birth is not None and len(birth) < 10,
        nationality=_country(obj, "nationality"),
        identity_declared=_flag(obj, "identity_declared"),
    )


def _document(value: Any) -> DocumentData | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidInput(_("\"document\": an object with type, number, issuing_state and expiry_date is expected."))
    unknown = sorted(str(k) for k in value if k not in DOCUMENT_KEYS)
    if unknown:
        raise InvalidInput(_("Unknown field(s): {fields}.").format(
            fields=", ".join("document." + k[:40] for k in unknown[:5])))
    doc_type = _enum(DocumentType, value, "type") or DocumentType.OTHER
    number = (_text(value, "number", limit=80) or "").upper().replace(" ", "")
    if not number:
        raise InvalidInput(_("\"document\": the number is required."))
    expiry_text = _text(value, "expiry_date", limit=10)
    expiry = None
    if expiry_text is not None:
        try:
            expiry = date.fromisoformat(expiry_text)
        except ValueError:
            raise InvalidInput(_("\"document.expiry_date\": write YYYY-MM-DD.")) from None
    return DocumentData(doc_type=doc_type, number=number, issuing_state=_country(value, "issuing_state"),
                        expiry_date=expiry)


def _from_mrz(value: Any) -> tuple[PersonData, DocumentData]:
    from .mrz import parse

    if not isinstance(value, list) or not all(isinstance(x, str) for x in value) or not 1 <= len(value) <= 3:
        raise InvalidInput(_("\"mrz\": the list of the MRZ's lines (2 or 3 texts) is expected."))
    if sum(len(x) for x in value) > 200:
        raise InvalidInput(_("\"mrz\": the lines are too long for an MRZ."))
    result = parse(value)          # raises a translated InvalidInput for an unusable MRZ
    return result.to_draft()


def _crossing(obj: dict, now: datetime) -> CrossingData:
    direction = _enum(Direction, obj, "direction")
    if direction is None:
        raise InvalidInput(_("\"direction\" is required (entry or exit)."))
    crossed_at = now
    text = _text(obj, "crossed_at", limit=40)
    if text is not None:
        try:
            crossed_at = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidInput(_("\"crossed_at\": write an ISO 8601 date and time (e.g. 2026-12-01T08:15).")) from None
        if crossed_at.tzinfo is None:
            crossed_at = crossed_at.replace(tzinfo=POST_TIMEZONE)     # the post's time
    if crossed_at > now + FUTURE_TOLERANCE:
        raise InvalidInput(_("\"crossed_at\" is in the future."))
    group = obj.get("group_size", 1)
    if isinstance(group, bool) or not isinstance(group, int):
        raise InvalidInput(_("\"group_size\": a whole number is expected."))
    return CrossingData(
        direction=direction, crossed_at=crossed_at, transport_mode=_enum(TransportMode, obj, "transport_mode"),
        origin=_text(obj, "origin"), destination=_text(obj, "destination"),
        reason=_enum(TravelReason, obj, "reason"), group_size=group,
    )
