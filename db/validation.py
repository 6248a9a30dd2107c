"""Checks and normalisation of what registration screens submit.

Every problem raises :class:`~border_app.errors.InvalidInput` with a translated message
that names the field; the submitted draft is not changed (nothing is lost).
Lengths are bounded so that hostile input costs bounded time and space.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from border_app import countries
from border_app.clock import post_time
from border_app.errors import InvalidInput
from border_app.i18n import LANGUAGES, N_, _, ngettext
from border_app.model import (
    SEXES,
    CrossingData,
    Direction,
    DocumentData,
    DocumentType,
    PersonData,
    RegistrationDraft,
    TransportMode,
    TravelReason,
    check_partial_date,
)
from border_app.mrz.layouts import LAYOUT_NAMES

from .models import normalise_number, search_key

MAX_NAME = 200
MAX_PLACE = 200
MAX_NOTES = 2000
MAX_GROUP = 500
MAX_NUMBER = 40
MAX_MRZ = 140
MAX_IMAGES = 20
MRZ_FORMATS = LAYOUT_NAMES
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_STATE = re.compile(r"^[A-Z<]{1,3}$")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_PCODE = re.compile(r"^NE\d{3}(?:\d{3}){0,2}$")


def clean_text(value: Any, limit: int, field: str, *, required: bool = False, multiline: bool = False) -> str | None:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(_("{field}: a text is expected.").format(field=_(field)))
    if len(value) > limit * 4:  # refuse before normalising huge input
        raise InvalidInput(_("{field} is too long (at most {count} characters).").format(field=_(field), count=limit))
    text = value.strip() if multiline else " ".join(value.split())
    if len(text) > limit:
        raise InvalidInput(_("{field} is too long (at most {count} characters).").format(field=_(field), count=limit))
    if not text:
        if required:
            raise InvalidInput(_("{field} is required.").format(field=_(field)))
        return None
    if _CONTROL.search(text):
        raise InvalidInput(_("{field} contains control characters.").format(field=_(field)))
    return text


def _enum(kind, value, field: str, *, required: bool):
    if value is None or value == "":
        if required:
            raise InvalidInput(_("{field} is required.").format(field=_(field)))
        return None
    try:
        return kind(value)
    except ValueError:
        raise InvalidInput(_("{field}: this value is not allowed.").format(field=_(field))) from None


def _state(value: Any, field: str) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not _STATE.match(value.strip().upper()):
        raise InvalidInput(_("{field} must be a 3-letter country code (e.g. NER).").format(field=_(field)))
    return value.strip().upper()


@dataclass
class Clean:
    person: dict
    document: dict | None
    crossing: dict


def person_values(p: PersonData) -> dict:
    surname = clean_text(p.surname, MAX_NAME, N_("Surname"), required=True)
    given = clean_text(p.given_names, MAX_NAME, N_("Given names")) or ""
    sex = p.sex.upper() if isinstance(p.sex, str) and p.sex.strip() else None
    if sex is not None and sex not in SEXES:
        raise InvalidInput(_("{field}: this value is not allowed.").format(field=_("Sex")))
    try:
        birth = check_partial_date(p.birth_date)
    except (ValueError, TypeError):
        raise InvalidInput(
            _("The date of birth is not valid: use YYYY, YYYY-MM or YYYY-MM-DD.")
        ) from None
    if birth is not None and birth[:4] < "1880":
        raise InvalidInput(_("The date of birth is not valid: use YYYY, YYYY-MM or YYYY-MM-DD."))
    photo = clean_text(p.photo_ref, 255, N_("Photo"))
    if photo and ("/" in photo or "\\" in photo or photo.startswith(".")):
        raise InvalidInput(_("{field}: this value is not allowed.").format(field=_("Photo")))
    return {
        "surname": surname,
        "given_names": given,
        "search_key": search_key(surname, given),
        "sex": sex,
        "birth_date": birth,
        "birth_date_approximate": bool(p.birth_date_approximate),
        "nationality": _state(p.nationality, N_("Nationality")),
        "identity_declared": bool(p.identity_declared),
        "photo_ref": photo,
        "phone": clean_text(p.phone, 40, N_("Phone")),
    }


def document_values(d: DocumentData) -> dict:
    doc_type = _enum(DocumentType, d.doc_type, N_("Document type"), required=True)
    raw_number = d.number if isinstance(d.number, str) else ""
    if len(raw_number) > MAX_NUMBER * 2:
        raise InvalidInput(_("{field} is too long (at most {count} characters).")
                           .format(field=_("Document number"), count=MAX_NUMBER))
    number = normalise_number(raw_number)
    if not number:
        raise InvalidInput(_("{field} is required.").format(field=_("Document number")))
    if len(number) > MAX_NUMBER:
        raise InvalidInput(_("{field} is too long (at most {count} characters).")
                           .format(field=_("Document number"), count=MAX_NUMBER))
    if d.expiry_date is not None and not isinstance(d.expiry_date, date):
        raise InvalidInput(_("{field}: a date is expected.").format(field=_("Expiry date")))
    code = clean_text(d.document_code, 2, N_("Document code"))
    fmt = d.mrz_format.upper() if isinstance(d.mrz_format, str) and d.mrz_format.strip() else None
    if fmt is not None and fmt not in MRZ_FORMATS:
        raise InvalidInput(_("{field}: this value is not allowed.").format(field=_("MRZ format")))
    mrz = d.mrz_raw.strip() if isinstance(d.mrz_raw, str) and d.mrz_raw.strip() else None
    if mrz is not None and (len(mrz) > MAX_MRZ or not re.fullmatch(r"[A-Z0-9<\n]+", mrz)):
        raise InvalidInput(_("{field}: this value is not allowed.").format(field=_("MRZ")))
    refs = list(d.image_refs or [])
    if len(refs) > MAX_IMAGES or not all(isinstance(r, str) and 0 < len(r) <= 255 and "/" not in r and "\\" not in r
                                         for r in refs):
        raise InvalidInput(_("{field}: this value is not allowed.").format(field=_("Document images")))
    return {
        "doc_type": doc_type.value,
        "number": number,
        "issuing_state": _state(d.issuing_state, N_("Issuing state")),
        "expiry_date": d.expiry_date,
        "document_code": code,
        "mrz_format": fmt,
        "mrz_raw": mrz,
        "mrz_valid": None if d.mrz_valid is None else bool(d.mrz_valid),
        "image_refs": refs,
    }


def crossing_values(c: CrossingData) -> dict:
    direction = _enum(Direction, c.direction, N_("Direction"), required=True)
    if not isinstance(c.crossed_at, datetime) or c.crossed_at.tzinfo is None:
        raise InvalidInput(_("{field}: a date and time with time zone is expected.").format(field=_("Crossing time")))
    group = c.group_size
    if isinstance(group, bool) or not isinstance(group, int) or not 1 <= group <= MAX_GROUP:
        raise InvalidInput(_("The group size must be a whole number from 1 to {max}.").format(max=MAX_GROUP))
    transport = _enum(TransportMode, c.transport_mode, N_("Means of transport"), required=False)
    reason = _enum(TravelReason, c.reason, N_("Reason for travel"), required=False)
    return {
        "direction": direction.value,
        "crossed_at": c.crossed_at,
        "transport_mode": transport.value if transport else None,
        "origin": clean_text(c.origin, MAX_PLACE, N_("Origin")),
        "destination": clean_text(c.destination, MAX_PLACE, N_("Destination")),
        "reason": reason.value if reason else None,
        "group_size": group,
        "notes": clean_text(c.notes, MAX_NOTES, N_("Notes"), multiline=True),
    }


def draft_values(draft: RegistrationDraft) -> Clean:
    if not isinstance(draft, RegistrationDraft) or draft.person is None or draft.crossing is None:
        raise InvalidInput(_("The registration is incomplete."))
    return Clean(
        person=person_values(draft.person),
        document=document_values(draft.document) if draft.document is not None else None,
        crossing=crossing_values(draft.crossing),
    )


# --------------------------------------------------------------------------- confirmations
class ConfirmationRequired(InvalidInput):
    """The document's check digits fail, or it had expired on the day of the crossing, and
    the official has not confirmed saving it. ``invalid`` / ``expired`` say which."""

    def __init__(self, message: str, *, invalid: bool, expired: bool):
        super().__init__(message)
        self.invalid, self.expired = invalid, expired


@dataclass(frozen=True)
class DocumentProblems:
    invalid: bool = False   # the MRZ's check digits fail
    expired: bool = False   # the expiry date is before the day of the crossing (post time)

    def __bool__(self) -> bool:
        return self.invalid or self.expired


def document_problems(document: DocumentData | None, crossed_at: datetime | None) -> DocumentProblems:
    """What an official must confirm before this document is saved: check digits that fail
    (``mrz_valid is False``) and an expiry date before the crossing's day at the post.

    The rule for every way in (screen, command line, imports): :func:`draft_values` refuses
    a draft without the matching confirmation."""
    if document is None:
        return DocumentProblems()
    invalid = document.mrz_valid is False
    expired = False
    if isinstance(document.expiry_date, date) and isinstance(crossed_at, datetime):
        expired = document.expiry_date < post_time(crossed_at).date()
    return DocumentProblems(invalid=invalid, expired=expired)


def confirmations(draft: RegistrationDraft) -> tuple[bool, bool]:
    """``(confirmed_invalid, confirmed_expired)`` to store for ``draft``: a problem the
    document has and the official confirmed. Raises :class:`ConfirmationRequired` naming
    what is missing."""
    problems = document_problems(draft.document, getattr(draft.crossing, "crossed_at", None))
    missing_invalid = problems.invalid and draft.confirmed_invalid is not True
    missing_expired = problems.expired and draft.confirmed_expired is not True
    if missing_invalid or missing_expired:
        parts = []
        if missing_invalid:
            parts.append(_("the check digits of its MRZ fail"))
        if missing_expired:
            parts.append(_("it had expired on the day of the crossing"))
        raise ConfirmationRequired(
            _("This document was not saved: {problems}. Confirm that it is to be registered anyway.").format(
                problems="; ".join(parts)),
            invalid=missing_invalid, expired=missing_expired)
    return problems.invalid, problems.expired


# --------------------------------------------------------------------------- countries typed
def _fold(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z<]+", " ", text).split())


@dataclass(frozen=True)
class CountryMatch:
    code: str | None          # the one country meant, or None
    candidates: tuple = ()    # several countries the text could mean (ambiguous)

    @property
    def status(self) -> str:
        """``"empty"``, ``"ok"``, ``"ambiguous"`` or ``"unknown"``."""
        if self.code is not None:
            return "ok"
        return "ambiguous" if self.candidates else "unknown"


def match_country(text: str | None) -> CountryMatch | None:
    """The country a person typed: an ICAO code (``NER``, ``ner``, ``D``), a name in English
    or French, with or without accents (``Niger``, ``nigéria``, ``Côte d'Ivoire``), or a
    list entry (``NER — Niger``). ``None`` for an empty text. A text that is part of one
    name only is taken (``Burkina``); one that is part of several is ambiguous (``Gui``:
    Guinea, Guinea-Bissau, Equatorial Guinea...) and one that matches no country unknown."""
    raw = (text or "").strip()
    if not raw:
        return None
    if len(raw) > 120:
        return CountryMatch(None)
    head = raw.split("\u2014")[0].strip() if "\u2014" in raw else raw
    if countries.is_valid_code(head) and len(head) <= 3:
        return CountryMatch(countries.normalise_code(head))
    wanted = _fold(raw)
    if not wanted:
        return CountryMatch(None)
    names = {code: {_fold(countries.name(code, lang)) for lang in LANGUAGES} for code in countries.CODES}
    exact = sorted(c for c, ns in names.items() if wanted in ns)
    if len(exact) == 1:
        return CountryMatch(exact[0])
    if exact:
        return CountryMatch(None, tuple(exact))
    partial = [c for c in countries.ordered_codes() if any(wanted in n for n in names[c])]
    if len(partial) == 1:
        return CountryMatch(partial[0])
    return CountryMatch(None, tuple(partial))


def country_problem(text: str | None, field: str) -> str | None:
    """A translated message saying why ``text`` (typed in ``field``, a msgid) names no one
    country, or ``None`` when it is empty or names one."""
    found = match_country(text)
    if found is None or found.code is not None:
        return None
    shown = (text or "").strip()[:40]
    if found.candidates:
        names = ", ".join(countries.name(c) for c in found.candidates[:4])
        if len(found.candidates) > 4:
            names += ", …"
        return ngettext("{field}: \"{text}\" matches {n} country ({names}): choose one in the list.",
                        "{field}: \"{text}\" matches {n} countries ({names}): choose one in the list.",
                        len(found.candidates)).format(field=_(field), text=shown, n=len(found.candidates),
                                                      names=names)
    return _("{field}: no country is called \"{text}\": type a name or a 3-letter code (e.g. NER).").format(
        field=_(field), text=shown)


def username(value: Any) -> str:
    text = value.strip().lower() if isinstance(value, str) else ""
    if not _USERNAME.match(text):
        raise InvalidInput(
            _("The user name must have 2 to 64 characters: lower-case letters, digits, dot, dash or underscore.")
        )
    return text


def full_name(value: Any) -> str:
    return clean_text(value, MAX_NAME, N_("Full name"), required=True)  # type: ignore[return-value]


def language(value: Any) -> str:
    if value not in LANGUAGES:
        raise InvalidInput(_("{field}: this value is not allowed.").format(field=_("Language")))
    return value


def pcode(value: Any) -> str:
    text = value.strip().upper() if isinstance(value, str) else ""
    if not _PCODE.match(text):
        raise InvalidInput(
            _("The P-code must be NE followed by 3, 6 or 9 digits (e.g. NE006013).")
        )
    return text
