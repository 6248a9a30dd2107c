"""The result of parsing an MRZ: fields, check results, corrections, problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..i18n import N_, _, gettext
from ..model import DocumentData, DocumentType, PersonData

__all__ = ["Correction", "MrzResult", "FIELD_LABELS", "Problem"]

#: field names (as used in ``checks`` and corrections) -> translatable label
FIELD_LABELS = {
    "document_code": N_("document code"),
    "issuing_state": N_("issuing state"),
    "name": N_("name"),
    "document_number": N_("document number"),
    "nationality": N_("nationality"),
    "birth_date": N_("birth date"),
    "sex": N_("sex"),
    "expiry_date": N_("expiry date"),
    "personal_number": N_("personal number"),
    "optional_data": N_("optional data"),
    "composite": N_("composite check digit"),
}

_MESSAGES = {
    "check": N_("Line {line}, {field}: the check digit does not match (found {found}, expected {expected})"),
    "check_char": N_("Line {line}, {field}: the check digit is not a digit (found {found}, expected {expected})"),
    "date": N_("Line {line}, {field}: not a valid date ({value})"),
    "date_missing": N_("Line {line}, {field}: the date is missing ({value})"),
    "country": N_("Line {line}, {field}: unknown country code ({value})"),
    "sex": N_("Line {line}, {field}: must be M, F, X or < (found {value})"),
    "doc_code": N_("Line {line}, {field}: {value} is not a valid code for this document format"),
    "name_empty": N_("Line {line}, {field}: the name is empty"),
    "name_digits": N_("Line {line}, {field}: the name contains digits ({value}), probably a reading error"),
    "number_empty": N_("Line {line}, {field}: the document number is empty"),
    "long_number": N_("Line {line}, {field}: the check digit position holds < but the optional data does not "
                      "continue the document number"),
    "truncated": N_("Line {line}, {field}: the name fills the whole field and may be truncated"),
    "expired": N_("The document expired on {value}"),
    "doubtful": N_(
        "Too many characters read with doubt ({found} of {expected}): the check digits can pass by chance. "
        "Take a sharper or closer picture."
    ),
    "at_edge": N_(
        "The machine-readable zone runs into the edge of the image: a character may be missing. "
        "Bring the whole document into view."
    ),
}


@dataclass(slots=True, frozen=True)
class Problem:
    """An error or warning kept untranslated until it is shown (translation is lazy)."""

    kind: str
    line: int = 0
    field: str = ""
    value: str = ""
    found: str = ""
    expected: str = ""

    def message(self, lang: str | None = None) -> str:
        label = gettext(FIELD_LABELS.get(self.field, self.field), lang) if self.field else ""
        return gettext(_MESSAGES[self.kind], lang).format(
            line=self.line, field=label, value=self.value, found=self.found, expected=self.expected
        )


@dataclass(slots=True, frozen=True)
class Correction:
    """One character changed because the field type or a check digit proved it wrong."""

    line: int        # 1-based
    position: int    # 1-based
    from_: str
    to: str
    field: str

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "position": self.position, "from": self.from_, "to": self.to, "field": self.field}

    def describe(self) -> str:
        return _("Line {line}, position {position} ({field}): {before} corrected to {after}").format(
            line=self.line, position=self.position, field=_(FIELD_LABELS.get(self.field, self.field)),
            before=self.from_, after=self.to,
        )


@dataclass(slots=True)
class MrzResult:
    """A parsed machine readable zone.

    Dates are ISO strings: ``expiry_date`` is complete (``"2012-04-15"``), ``birth_date`` is
    partial when the MRZ leaves the day or month unknown (``"1974"``, ``"1974-08"``) and
    ``None`` when it is wholly unknown or invalid. Names are upper case with spaces between
    components, as in the MRZ. ``errors`` and ``warnings`` are translated when read.
    """

    format: str                      # TD1, TD2, TD3, MRVA, MRVB
    lines: list[str]
    document_code: str               # two characters as printed, e.g. "P<", "ID", "V<"
    issuing_state: str               # "D" for Germany, "NER"...
    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth_date: str | None
    sex: str | None                  # "M", "F", "X" or None (unspecified: "<")
    expiry_date: str | None
    optional_data: str
    optional_data_2: str = ""        # TD1 only: optional data of line 2
    checks: dict[str, bool] = field(default_factory=dict)
    corrections: list[Correction] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    expired: bool = False
    possibly_truncated: bool = False

    # -- derived -----------------------------------------------------------------------
    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def errors(self) -> list[str]:
        return [p.message() for p in self.problems]

    @property
    def warnings(self) -> list[str]:
        return [p.message() for p in self.notes]

    @property
    def personal_number(self) -> str:  # checks["optional_data"] is its check digit (TD3)
        """TD3 personal number (optional data of line 2); the optional data otherwise."""
        return self.optional_data

    @property
    def document_type(self):
        first = self.document_code[:1]
        if first == "P":
            return DocumentType.PASSPORT
        if first == "V":
            return DocumentType.VISA
        if first in ("I", "A", "C"):
            return DocumentType.ID_CARD
        return DocumentType.OTHER

    @property
    def expiry(self) -> date | None:
        return date.fromisoformat(self.expiry_date) if self.expiry_date else None

    @property
    def raw(self) -> str:
        return "\n".join(self.lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "format": self.format,
            "document_code": self.document_code,
            "document_type": self.document_type.value,
            "issuing_state": self.issuing_state,
            "surname": self.surname,
            "given_names": self.given_names,
            "document_number": self.document_number,
            "nationality": self.nationality,
            "birth_date": self.birth_date,
            "sex": self.sex,
            "expiry_date": self.expiry_date,
            "expired": self.expired,
            "optional_data": self.optional_data,
            "optional_data_2": self.optional_data_2,
            "possibly_truncated": self.possibly_truncated,
            "checks": dict(self.checks),
            "corrections": [c.to_json() for c in self.corrections],
            "errors": self.errors,
            "warnings": self.warnings,
            "lines": list(self.lines),
        }

    def to_draft(self):
        """``(PersonData, DocumentData)`` to pre-fill the registration form."""
        person = PersonData(
            surname=self.surname,
            given_names=self.given_names,
            sex=self.sex,
            birth_date=self.birth_date,
            nationality=self.nationality or None,
        )
        document = DocumentData(
            doc_type=self.document_type,
            number=self.document_number,
            issuing_state=self.issuing_state or None,
            expiry_date=self.expiry,
            document_code=self.document_code,
            mrz_format=self.format,
            mrz_raw=self.raw,
            mrz_valid=self.valid,
        )
        return person, document
