"""ICAO Doc 9303 Part 3 §4.9 check digits (weights 7, 3, 1; ``<`` counts 0; A=10 … Z=35).

The hot path encodes the string once, maps every byte to its value with one
``bytes.translate`` and multiplies by a precomputed weight sequence: no Python-level loop.
"""

from __future__ import annotations

from operator import mul

__all__ = ["CHARSET", "char_value", "check_digit", "digit_of"]

CHARSET = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<")

_VALUES = bytearray(range(256))
for _i in range(256):
    _VALUES[_i] = 255  # marks a character outside the MRZ character set
for _c in "0123456789":
    _VALUES[ord(_c)] = ord(_c) - 48
for _c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
    _VALUES[ord(_c)] = ord(_c) - 55
_VALUES[ord("<")] = 0
_TABLE = bytes(_VALUES)
_WEIGHTS = (7, 3, 1) * 40  # long enough for any MRZ span (max 90 characters)


def char_value(c: str) -> int:
    """The value of one MRZ character in a check-digit sum (``<`` 0, ``0``-``9``, ``A``=10 …
    ``Z``=35)."""
    if c not in CHARSET:
        raise ValueError(f"not an MRZ character: {c!r}")
    return _TABLE[ord(c)]


def digit_of(s: str) -> str:
    """Check digit of ``s``, for input known to be in the MRZ character set."""
    return "0123456789"[sum(map(mul, s.encode("ascii").translate(_TABLE), _WEIGHTS)) % 10]


def check_digit(s: str) -> str:
    """The check digit (``"0"``…``"9"``) of ``s``; raises ``ValueError`` on a character
    outside ``A–Z 0–9 <`` or on input longer than an MRZ."""
    if len(s) > len(_WEIGHTS):
        raise ValueError("too long for an MRZ check digit")
    try:
        values = s.encode("ascii").translate(_TABLE)
    except UnicodeEncodeError:
        raise ValueError(f"not an MRZ character in {s!r}") from None
    if 255 in values:
        raise ValueError(f"not an MRZ character in {s!r}")
    return "0123456789"[sum(map(mul, values, _WEIGHTS)) % 10]
