"""How single fields of a slip body are packed into CBOR values and read back: ids as 16
raw bytes when they are canonical UUIDs, letter codes for document types and outcomes
(escaped with ``=`` when a free text could be mistaken for one), partial birth dates as
integers. Readers raise ``ValueError`` on anything out of shape; the decoders turn it into
a :class:`~border_app.slip_payload.SlipFormatError`.
"""

from __future__ import annotations

import re
import uuid
from typing import Any, NoReturn, overload

from .model import MAX_FIELD_CHARS

DOC_CODES = {"passport": "P", "id_card": "I", "visa": "V", "residence_permit": "R",
             "travel_certificate": "T", "other": "O"}
DOC_NAMES = {v: k for k, v in DOC_CODES.items()}
OUTCOME_CODES = {"cleared": "C", "secondary": "S", "referral": "R", "isolation": "I"}
OUTCOME_NAMES = {v: k for k, v in OUTCOME_CODES.items()}
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def pack_id(value: str | None) -> bytes | str | None:
    try:
        if str(uuid.UUID(value)) == value:
            return uuid.UUID(value).bytes
    except (ValueError, AttributeError, TypeError):
        pass
    return value


def unpack_id(value: Any) -> str:
    if isinstance(value, bytes) and len(value) == 16:
        return str(uuid.UUID(bytes=value))
    if isinstance(value, str) and 0 < len(value) <= MAX_FIELD_CHARS:
        return value
    raise ValueError("identifier")


@overload
def pack_code(value: str, codes: dict[str, str], names: dict[str, str]) -> str: ...
@overload
def pack_code(value: str | None, codes: dict[str, str], names: dict[str, str]) -> str | None: ...
def pack_code(value: str | None, codes: dict[str, str], names: dict[str, str]) -> str | None:
    """Known values as one letter; a value that looks like a letter code (or starts with "=")
    is escaped with a leading "="."""
    if value is None:
        return None
    if value in codes:
        return codes[value]
    if value in names or value.startswith("="):
        return "=" + value
    return value


@overload
def unpack_code(value: str, names: dict[str, str]) -> str: ...
@overload
def unpack_code(value: str | None, names: dict[str, str]) -> str | None: ...
def unpack_code(value: str | None, names: dict[str, str]) -> str | None:
    if value is None:
        return None
    if value.startswith("="):
        return value[1:]
    return names.get(value, value)


def pack_outcome(value: str | None) -> str | None:
    return pack_code(value, OUTCOME_CODES, OUTCOME_NAMES)


def unpack_outcome(value: Any) -> str | None:
    return unpack_code(opt_text(value), OUTCOME_NAMES)


def pack_doc_type(value: str) -> str:
    return pack_code(value, DOC_CODES, DOC_NAMES)


def unpack_doc_type(value: str) -> str:
    return unpack_code(value, DOC_NAMES)


def pack_birth_date(value: str | None) -> int | str | None:
    """``"1985-03-12"`` -> 19850312, ``"1985-03"`` -> 198503, ``"1985"`` -> 1985."""
    if value is None:
        return None
    m = _DATE_RE.match(value)
    if not m or value.startswith("0"):
        return value
    return int("".join(g for g in m.groups() if g is not None))


def unpack_birth_date(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return opt_text(value)
    if type(value) is not int or value < 1000:
        raise ValueError("birth date")
    digits = str(value)
    if len(digits) == 4:
        return digits
    if len(digits) == 6:
        return f"{digits[:4]}-{digits[4:]}"
    if len(digits) == 8:
        return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    raise ValueError("birth date")


def opt_text(value: Any, limit: int = MAX_FIELD_CHARS) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and len(value) <= limit:
        return value
    raise ValueError("text field")


def fail(what: str) -> NoReturn:
    raise ValueError(what)
