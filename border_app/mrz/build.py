"""Build correct MRZ lines (every check digit, Doc 9303 name rules, long document numbers).

Used by tests, the demo traveller generator and the synthetic documents of the OCR work.
Text is transliterated per Doc 9303 Part 3 §6 (É→E, Ä→AE, ß→SS…): apostrophes are
dropped, spaces and hyphens become ``<``, other punctuation is dropped.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from functools import lru_cache

from ..countries import mrz_field as _mrz_field
from .checkdigit import digit_of
from .layouts import LAYOUTS

__all__ = [
    "build",
    "build_mrva",
    "build_mrvb",
    "build_td1",
    "build_td2",
    "build_td3",
    "format_name",
    "mrz_date",
    "transliterate",
]

_SPECIAL = {"Ä": "AE", "Ö": "OE", "Ü": "UE", "Å": "AA", "Æ": "AE", "Ø": "OE", "Œ": "OE", "ß": "SS",
            "Þ": "TH", "Ð": "D", "Đ": "D", "Ł": "L", "Ħ": "H", "IJ": "IJ"}
_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_CLEAN = _ALNUM | {"<"}
_FIELD_CACHE: dict[str, str] = {}


def mrz_field(code: str) -> str:
    """Three-character MRZ form of a country code (``D`` -> ``D<<``), cached."""
    value = _FIELD_CACHE.get(code)
    if value is None:
        value = _mrz_field(code)
        if len(_FIELD_CACHE) < 1024:
            _FIELD_CACHE[code] = value
    return value
_DATE_CHARS = frozenset("0123456789<")


def transliterate(text: str) -> str:
    """Upper-case Latin MRZ characters for ``text`` (spaces and hyphens become ``<``)."""
    upper = text.upper()
    if _CLEAN.issuperset(upper):
        return upper
    out = []
    for ch in text.upper():
        if ch in _SPECIAL:
            out.append(_SPECIAL[ch])
            continue
        if ch in _ALNUM:
            out.append(ch)
            continue
        if ch in " -\t\u2010\u2011\u2013,.":
            out.append("<" if ch not in ",." else "")
            continue
        if ch in "'’`´ʼ":
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append("".join(c for c in base.upper() if c in _ALNUM))
    return "".join(out)


@lru_cache(maxsize=8192)
def _name_part(text: str) -> str:
    letters = "".join(c for c in transliterate(text or "") if c in _LETTERS or c == "<")
    return "<".join(part for part in letters.split("<") if part)


@lru_cache(maxsize=16384)
def format_name(surname: str, given_names: str, width: int) -> tuple[str, bool]:
    """The name field (``PRIMARY<<SECONDARY`` padded to ``width``) and whether it was truncated.

    Truncation (Doc 9303 Part 3 §4.6): the secondary identifier is cut first; when the
    primary identifier alone is too long it is shortened to leave ``<<`` and the initial of
    the secondary identifier. A truncated field is full and ends with a letter, so that a
    reader flags it as possibly truncated.
    """
    primary = _name_part(surname)
    secondary = _name_part(given_names)
    if not primary:
        raise ValueError("the surname (primary identifier) is empty")
    full = primary + ("<<" + secondary if secondary else "")
    if len(full) <= width:
        return full.ljust(width, "<"), False
    if secondary and len(primary) + 3 <= width:
        cut = _cut(full, width)
    elif secondary:
        cut = _cut(primary, width - 3) + "<<" + secondary[0]
    else:
        cut = _cut(primary, width)
    return cut, True


def _cut(text: str, n: int) -> str:
    """``text`` cut to ``n`` characters ending with a letter (``len(text) > n``): a cut on a
    filler shortens the component before it by one letter and keeps the next initial."""
    cut = text[:n]
    if cut[-1] == "<":
        cut = cut[:-2] + "<" + text[n]
    return cut


def mrz_date(value, *, partial: bool = False) -> str:
    """``YYMMDD`` for a date, a (partial, if allowed) ISO string, or ``None`` (unknown)."""
    if value is None:
        if partial:
            return "<<<<<<"
        raise ValueError("a date is required")
    if isinstance(value, date):
        return value.strftime("%y%m%d")
    text = str(value).strip()
    if len(text) == 6 and _DATE_CHARS.issuperset(text):
        return text
    parts = text.split("-")
    if len(parts) == 3:
        date.fromisoformat(text)  # raises ValueError when impossible
        return parts[0][2:] + parts[1] + parts[2]
    if partial and len(parts) == 2 and len(parts[0]) == 4 and 1 <= int(parts[1]) <= 12:
        return parts[0][2:] + parts[1].zfill(2) + "<<"
    if partial and len(parts) == 1 and len(text) == 4 and text.isdigit():
        return text[2:] + "<<<<"
    raise ValueError(f"not a date: {value!r}")


def _clean(text: str | None, width: int, what: str) -> str:
    value = transliterate(text or "")
    if len(value) > width:
        raise ValueError(f"{what} is longer than {width} characters: {value!r}")
    return value.ljust(width, "<")


def _sex(value: str | None) -> str:
    if value in (None, "", "<"):
        return "<"
    value = value.upper()
    if value not in ("M", "F", "X"):
        raise ValueError(f"sex must be M, F, X or unknown: {value!r}")
    return value


def _code(document_code: str, allowed: str) -> str:
    code = (document_code or "").upper().ljust(2, "<")[:2]
    if code[0] not in allowed:
        raise ValueError(f"document code must start with one of {allowed}: {document_code!r}")
    return code


def _number(number: str) -> str:
    value = transliterate(number or "").replace("<", "")
    if not value:
        raise ValueError("the document number is empty")
    return value


def _long_number(number: str, optional: str, room: int) -> tuple[str, str, str]:
    """Field (9), check position and the optional-data text for the long-number rule."""
    if len(number) <= 9:
        return number.ljust(9, "<"), digit_of(number.ljust(9, "<")), optional
    remainder = number[9:]
    if len(remainder) + 2 + len(optional) > room:
        raise ValueError(f"document number {number!r} and optional data do not fit")
    return number[:9], "<", remainder + digit_of(number) + "<" + optional


_TD1, _TD2, _TD3 = LAYOUTS["TD1"], LAYOUTS["TD2"], LAYOUTS["TD3"]


def _joined(lines: list[str], spans) -> str:
    """The text a composite check digit covers: ``spans`` of ``lines`` (the layout's)."""
    return "".join(lines[ln][a:b] for ln, a, b in spans)


def build_td3(*, surname: str, given_names: str = "", document_number: str, issuing_state: str,
              nationality: str | None = None, birth_date=None, sex: str | None = None,
              expiry_date, document_code: str = "P", optional_data: str = "") -> list[str]:
    """Passport (TD3, 2×44). ``optional_data`` is the personal number (14 characters)."""
    number = _number(document_number)
    if len(number) > 9:
        raise ValueError(f"a TD3 document number has at most 9 characters: {number!r}")
    line1 = _code(document_code, "P") + mrz_field(issuing_state) + format_name(surname, given_names, _TD3.name_room)[0]
    personal = _clean(optional_data, 14, "the personal number")
    personal_cd = "<" if personal == "<" * 14 else digit_of(personal)
    head = number.ljust(9, "<")
    part_a = head + digit_of(head)
    birth = mrz_date(birth_date, partial=True)
    expiry = mrz_date(expiry_date)
    part_b = birth + digit_of(birth)
    part_c = expiry + digit_of(expiry) + personal + personal_cd
    head2 = part_a + mrz_field(nationality or issuing_state) + part_b + _sex(sex) + part_c
    return [line1, head2 + digit_of(_joined([line1, head2], _TD3.composite))]


def _visa(width: int, *, surname, given_names, document_number, issuing_state, nationality,
          birth_date, sex, expiry_date, document_code, optional_data) -> list[str]:
    number = _number(document_number)
    if len(number) > 9:
        raise ValueError(f"a visa number has at most 9 characters: {number!r}")
    line1 = _code(document_code, "V") + mrz_field(issuing_state) + format_name(surname, given_names, width - 5)[0]
    head = number.ljust(9, "<")
    birth = mrz_date(birth_date, partial=True)
    expiry = mrz_date(expiry_date)
    line2 = (head + digit_of(head) + mrz_field(nationality or issuing_state) + birth + digit_of(birth)
             + _sex(sex) + expiry + digit_of(expiry) + _clean(optional_data, width - 28, "the optional data"))
    return [line1, line2]


def build_mrva(*, surname: str, given_names: str = "", document_number: str, issuing_state: str,
               nationality: str | None = None, birth_date=None, sex: str | None = None,
               expiry_date, document_code: str = "V", optional_data: str = "") -> list[str]:
    """Visa, format A (2×44, no composite check digit)."""
    return _visa(LAYOUTS["MRVA"].width, surname=surname, given_names=given_names, document_number=document_number,
                 issuing_state=issuing_state, nationality=nationality, birth_date=birth_date, sex=sex,
                 expiry_date=expiry_date, document_code=document_code, optional_data=optional_data)


def build_mrvb(*, surname: str, given_names: str = "", document_number: str, issuing_state: str,
               nationality: str | None = None, birth_date=None, sex: str | None = None,
               expiry_date, document_code: str = "V", optional_data: str = "") -> list[str]:
    """Visa, format B (2×36, no composite check digit)."""
    return _visa(LAYOUTS["MRVB"].width, surname=surname, given_names=given_names, document_number=document_number,
                 issuing_state=issuing_state, nationality=nationality, birth_date=birth_date, sex=sex,
                 expiry_date=expiry_date, document_code=document_code, optional_data=optional_data)


def build_td2(*, surname: str, given_names: str = "", document_number: str, issuing_state: str,
              nationality: str | None = None, birth_date=None, sex: str | None = None,
              expiry_date, document_code: str = "I", optional_data: str = "") -> list[str]:
    """Official travel document / ID card, TD2 (2×36); numbers over 9 characters use the
    long-number rule (up to 14 characters with empty optional data)."""
    code = _code(document_code, "ACI")
    if code[1] == "V":
        raise ValueError("the second letter of a TD2 document code is never V")
    number = _number(document_number)
    optional = transliterate(optional_data or "")
    head, cd, optional = _long_number(number, optional, 7)
    optional = _clean(optional, 7, "the optional data")
    line1 = code + mrz_field(issuing_state) + format_name(surname, given_names, _TD2.name_room)[0]
    birth = mrz_date(birth_date, partial=True)
    expiry = mrz_date(expiry_date)
    part_a = head + cd
    part_b = birth + digit_of(birth)
    part_c = expiry + digit_of(expiry) + optional
    head2 = part_a + mrz_field(nationality or issuing_state) + part_b + _sex(sex) + part_c
    return [line1, head2 + digit_of(_joined([line1, head2], _TD2.composite))]


def build_td1(*, surname: str, given_names: str = "", document_number: str, issuing_state: str,
              nationality: str | None = None, birth_date=None, sex: str | None = None,
              expiry_date, document_code: str = "I", optional_data: str = "",
              optional_data_2: str = "") -> list[str]:
    """Identity card, TD1 (3×30); numbers over 9 characters use the long-number rule."""
    code = _code(document_code, "ACI")
    if code[1] == "V":
        raise ValueError("the second letter of a TD1 document code is never V")
    number = _number(document_number)
    optional = transliterate(optional_data or "")
    head, cd, optional = _long_number(number, optional, 15)
    optional = _clean(optional, 15, "the optional data")
    line1 = code + mrz_field(issuing_state) + head + cd + optional
    birth = mrz_date(birth_date, partial=True)
    expiry = mrz_date(expiry_date)
    opt2 = _clean(optional_data_2, 11, "the optional data of line 2")
    head2 = (birth + digit_of(birth) + _sex(sex) + expiry + digit_of(expiry)
             + mrz_field(nationality or issuing_state) + opt2)
    line2 = head2 + digit_of(_joined([line1, head2], _TD1.composite))
    line3 = format_name(surname, given_names, _TD1.name_room)[0]
    return [line1, line2, line3]


_BUILDERS = {"TD1": build_td1, "TD2": build_td2, "TD3": build_td3, "MRVA": build_mrva, "MRVB": build_mrvb}


def build(format: str, **fields) -> list[str]:  # noqa: A002 - the MRZ term
    """``build("TD3", surname=..., ...)``: dispatch to the builder of ``format``."""
    try:
        builder = _BUILDERS[format.upper().replace("-", "")]
    except KeyError:
        raise ValueError(f"unknown MRZ format {format!r}") from None
    return builder(**fields)
