"""ICAO Doc 9303 machine readable zones: parse, validate, correct, build.

Our own implementation (no third-party MRZ library)::

    from border_app import mrz
    result = mrz.parse(text)             # raw reader/OCR text or a list of lines
    result.valid, result.errors, result.to_json()
    person, document = result.to_draft()  # for the registration form
    lines = mrz.build_td3(surname="ERIKSSON", given_names="ANNA MARIA", ...)
"""

from __future__ import annotations

from .build import (
    build,
    build_mrva,
    build_mrvb,
    build_td1,
    build_td2,
    build_td3,
    format_name,
    mrz_date,
    transliterate,
)
from .checkdigit import check_digit
from .normalise import MrzInputError, normalise
from .parser import LAYOUT_NAMES, parse
from .result import FIELD_LABELS, Correction, MrzResult

__all__ = [
    "FIELD_LABELS",
    "LAYOUT_NAMES",
    "Correction",
    "MrzInputError",
    "MrzResult",
    "build",
    "build_mrva",
    "build_mrvb",
    "build_td1",
    "build_td2",
    "build_td3",
    "check_digit",
    "format_name",
    "mrz_date",
    "normalise",
    "parse",
    "transliterate",
]
