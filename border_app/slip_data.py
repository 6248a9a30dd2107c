"""What an attestation slip says (:class:`SlipData`) and its signed code.

The slip's text and its QR code come from the same data: callers build a
:class:`SlipData` (from a registration, or a fictitious traveller for the printer's test
slip), sign it with :func:`sign_slip_data` (the post's key, :mod:`border_app.slip_payload`),
then hand both to ``printing.slips.render_slip``, which only draws what it is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .clock import POST_UTC_OFFSET_MINUTES
from .slip_payload import SlipPayload, new_payload, sign_slip

#: the two attestations and the three papers a slip is printed on (the command line's
#: choices, the use case's and the renderer's checks)
SLIP_KINDS = ("registration", "screening")
SLIP_SIZES = ("80mm", "a6", "a4")


@dataclass
class SlipData:
    """Everything a slip shows (pure data; build it from a Registration with
    :meth:`from_registration`)."""

    post_name: str
    issued_at: datetime                      # aware; printed in the post's local time
    serial: str
    surname: str
    given_names: str = ""
    post_pcode: str | None = None
    birth_date: str | None = None            # partial ISO
    birth_date_approximate: bool = False
    nationality: str | None = None           # ICAO code
    document_type: str | None = None         # border_app.model.DocumentType value
    document_number: str | None = None       # None: identity declared (no document)
    photo: bytes | None = None               # JPEG or PNG
    screening_outcome: str | None = None     # outcome code ("cleared", "referral"...)
    outcome_labels: dict[str, str] | None = None  # {lang: label}; else known codes' labels
    direction: str | None = None             # "entry" | "exit"
    record_id: str | None = None
    utc_offset_minutes: int = POST_UTC_OFFSET_MINUTES  # Niger: UTC+1 all year
    extra: dict[str, Any] = field(default_factory=dict)
    sex: str | None = None                   # "M", "F", "X": in the signed code (version 2)
    document_issuing_state: str | None = None  # ICAO code: the code's document fingerprint

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.surname.strip(), self.given_names.strip()) if part)

    @property
    def identity_declared(self) -> bool:
        return not self.document_number

    @classmethod
    def from_registration(cls, registration: Any, *, post_name: str, post_pcode: str | None, serial: str,
                          issued_at: datetime, photo: bytes | None = None,
                          screening_outcome: str | None = None) -> "SlipData":
        """Build from a :class:`border_app.model.Registration`."""
        person, document = registration.person, registration.document
        doc_type = None
        if document is not None:
            doc_type = getattr(document.doc_type, "value", document.doc_type)
        direction = registration.crossing.direction if registration.crossing else None
        return cls(
            post_name=post_name,
            post_pcode=post_pcode,
            issued_at=issued_at,
            serial=serial,
            surname=person.surname,
            given_names=person.given_names or "",
            birth_date=person.birth_date,
            birth_date_approximate=person.birth_date_approximate,
            nationality=person.nationality,
            document_type=doc_type,
            document_number=(document.number or None) if document is not None else None,
            photo=photo,
            screening_outcome=screening_outcome or registration.screening_outcome,
            direction=getattr(direction, "value", direction),
            record_id=registration.crossing_id,
            sex=getattr(person, "sex", None),
            document_issuing_state=getattr(document, "issuing_state", None) if document is not None else None,
        )


def payload_for(data: SlipData, *, kind: str, post_id: str) -> SlipPayload:
    """The (unsigned) :class:`border_app.slip_payload.SlipPayload` for this slip: version 2
    (names, birth date, sex, outcome, date, post, a fingerprint of the document number;
    no record id, no number in clear)."""
    document = None
    if not data.identity_declared:
        document = (data.document_type or "other", data.document_number or "")
    return new_payload(
        post_id=data.post_pcode or post_id,  # the p-code names the post in 8 characters (a UUID takes 16 bytes)
        post_name=data.post_name,
        name=data.full_name,
        birth_date=data.birth_date,
        birth_date_approximate=data.birth_date_approximate,
        sex=data.sex,
        document=document,
        issuing_state=data.document_issuing_state,
        kind=kind,
        outcome=data.screening_outcome if kind == "screening" else None,
        serial=data.serial,
        issued_at=data.issued_at,
    )


def sign_slip_data(data: SlipData, *, kind: str, post_id: str, keys: Any, demo: bool) -> str:
    """The signed QR text of this slip: :func:`payload_for` signed with ``keys`` (anything
    with ``sign``, ``signing_key_id``, e.g. ``border_app.keys.UnlockedKeys``). A demo slip
    is signed as demo (also with a demo profile's key that predates the mark)."""
    return sign_slip(payload_for(data, kind=kind, post_id=post_id), keys, demo=demo)
