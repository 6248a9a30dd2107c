"""Turn whatever a keyboard-wedge reader, an OCR engine or a person typed into MRZ lines.

Handles: CR, LF or CRLF separators; all lines glued on one line (split by the known total
lengths 90, 72 and 88); control characters (STX/ETX), AIM symbology prefixes (``]C1``…)
and other junk before or after the zone; lower case; spaces and tabs inside lines; filler
look-alikes (``«``, ``‹``, ``＜``…); digits typed on an AZERTY layout by a reader configured
for QWERTY (``&é"'(-è_çà``). The result is a list of clean lines of one MRZ layout, or
:class:`MrzInputError` naming what is wrong. Input is bounded (:data:`MAX_INPUT`) so that
hostile input costs bounded time.
"""

from __future__ import annotations

from itertools import permutations

from ..countries import CODES
from ..errors import InvalidInput
from ..i18n import _
from .layouts import LAYOUTS, WIDTHS

__all__ = ["MAX_INPUT", "MrzInputError", "normalise"]

MAX_INPUT = 4096

_LINE_LENGTHS = WIDTHS  # line count of each line length
#: line length of each total length of the glued lines; the order breaks ties when locating a zone
_TOTALS = {WIDTHS[width] * width: width for width in (44, 30, 36)}

_VALID = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<")
_VALID_NL = _VALID | {"\n"}
_FILLER_LOOKALIKES = "«‹〈⟨＜≪《❮˂ᐸ"
_AZERTY_DIGITS = str.maketrans({"&": "1", "é": "2", '"': "3", "'": "4", "(": "5", "-": "6",
                                "è": "7", "_": "8", "ç": "9", "à": "0"})
_AZERTY_MARKERS = frozenset("éèçà&")


def _make_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in range(0x20):
        table[code] = None
    table[0x7F] = None
    table[ord("\r")] = "\n"
    table[ord("\n")] = "\n"
    table[ord("\x1e")] = "\n"  # record separator used by some readers between lines
    for ch in " \t\u00a0\u2007\u202f\u200b\ufeff":
        table[ord(ch)] = None
    for ch in _FILLER_LOOKALIKES:
        table[ord(ch)] = "<"
    return table


_TABLE = _make_table()


class MrzInputError(InvalidInput):
    """The input contains nothing that can be read as an MRZ (CLI exit code 2)."""


def _only_valid(line: str) -> str:
    if _VALID.issuperset(line):
        return line
    return "".join(c for c in line if c in _VALID)


def _plausible_start(s: str, i: int) -> bool:
    """Does an MRZ first line plausibly start at ``s[i]``? (document code, then a code)"""
    if s[i] not in "PIACV":
        return False
    second = s[i + 1: i + 2]
    if not second or not (second == "<" or "A" <= second <= "Z"):
        return False
    state = s[i + 2: i + 5].rstrip("<")
    if state in CODES:
        return True
    # tolerate a digit read for a letter in the state code (corrected later if proven)
    return len(state) == 3 and all(c.isalnum() for c in state)


# first letters of the document codes of each line length
_FIRST_CHARS = {width: "".join(lay.codes for lay in LAYOUTS.values() if lay.width == width) for width in WIDTHS}
_MAX_JUNK = 12


def _locate(glued: str) -> list[str] | None:
    """Find one MRZ in a string with all lines glued and junk around them."""
    n = len(glued)
    if n in _TOTALS:
        width = _TOTALS[n]
        if glued[0] in _FIRST_CHARS[width] and _plausible_start(glued, 0):
            return [glued[k: k + width] for k in range(0, n, width)]
    best: tuple[int, int, int] | None = None
    for i in range(min(n, _MAX_JUNK + 1)):
        if not _plausible_start(glued, i):
            continue
        for total, width in _TOTALS.items():
            rest = n - i - total
            if 0 <= rest and i + rest <= _MAX_JUNK and glued[i] in _FIRST_CHARS[width]:
                if best is None or i + rest < best[0]:
                    best = (i + rest, i, width)
    if best is None:
        return None
    _junk, start, width = best
    total = width * _LINE_LENGTHS[width]
    zone = glued[start: start + total]
    return [zone[k: k + width] for k in range(0, total, width)]


def _trim_lines(lines: list[str]) -> list[str] | None:
    """Lines given separately, with junk only before the first and after the last."""
    count = len(lines)
    for width in sorted(_LINE_LENGTHS, reverse=True):
        if _LINE_LENGTHS[width] != count:
            continue
        first, middle, last = lines[0], lines[1:-1], lines[-1]
        if not (width <= len(first) <= width + _MAX_JUNK and width <= len(last) <= width + _MAX_JUNK):
            continue
        if any(len(x) != width for x in middle):
            continue
        first = first[len(first) - width:]
        if first[0] not in _FIRST_CHARS[width] or not _plausible_start(first, 0):
            continue
        return [first, *middle, last[:width]]
    return None


def _pad_fillers(lines: list[str]) -> list[str]:
    """Restore the trailing fillers people leave out when typing a line that ends in
    fillers (the name line of TD2/TD3/visas, line 1 of TD1), when a complete line follows
    it. Fillers count 0 in every check digit, so padding cannot make anything valid that
    was not. The last line is never padded: a screen that parses when typing pauses must
    not take a half-typed name or visa line for a complete one."""
    width = len(lines[-1]) if lines else 0
    if (_LINE_LENGTHS.get(width) == len(lines) and all(len(x) == width for x in lines[1:])
            and 5 <= len(lines[0]) < width):
        return [lines[0].ljust(width, "<"), *lines[1:]]
    return lines


def _shape_score(lines: list[str]) -> int:
    """How much ``lines`` look like an MRZ in this order (first line, dates, name line)."""
    score = 0
    first = lines[0]
    if first[0] in _FIRST_CHARS[len(first)] and _plausible_start(first, 0):
        score += 4
    if len(lines) == 3:
        score += sum(c.isdigit() for c in lines[1][:6]) >= 5
        score += 2 * (lines[2].replace("<", "").isalpha() and not _plausible_start(lines[2], 0))
    else:
        score += sum(c.isdigit() for c in lines[1][13:19]) >= 5
    return score


def _reorder(lines: list[str]) -> list[str]:
    """Lines from an OCR engine may come in any order: put them in the order that makes
    a well-formed MRZ (the check digits then confirm or refute it)."""
    best, best_score = lines, _shape_score(lines)
    if best_score >= (7 if len(lines) == 3 else 5):
        return lines
    for order in permutations(lines):
        candidate = list(order)
        score = _shape_score(candidate)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _unusable(detail: str | None = None) -> MrzInputError:
    return MrzInputError(
        _("No machine readable zone found: expected 2 lines of 44 or 36 characters, "
          "or 3 lines of 30 characters."),
        detail=detail,
    )


def normalise(text: str | list[str] | tuple[str, ...]) -> list[str]:
    """Clean lines of one MRZ layout (2×44, 2×36 or 3×30) from raw reader or typed input.

    Raises :class:`MrzInputError` when nothing MRZ-like can be found.
    """
    if not isinstance(text, str):
        if not isinstance(text, (list, tuple)) or not all(isinstance(t, str) for t in text):
            raise _unusable()
        text = "\n".join(text)
    if len(text) > MAX_INPUT:
        raise MrzInputError(
            _("The input is too long for a machine readable zone ({count} characters).").format(count=len(text))
        )
    # fast path: clean upper-case lines separated by LF
    if _VALID_NL.issuperset(text):
        lines = text.split("\n")
        width = len(lines[0])
        if _LINE_LENGTHS.get(width) == len(lines) and all(len(x) == width for x in lines):
            if (lines[0][0] in _FIRST_CHARS[width] and lines[0][2:5].rstrip("<") in CODES
                    and (width != 30 or lines[1][0] in "0123456789<")):
                return lines
            return _reorder(lines)
    if _AZERTY_MARKERS.intersection(text) and not any(c.isdigit() for c in text):
        text = text.translate(_AZERTY_DIGITS)
    cleaned = text.translate(_TABLE)  # control characters, spaces, CR/LF, filler look-alikes
    if "]" in cleaned:
        # AIM symbology identifier: "]" + code character + modifier character
        cleaned = "\n".join(part[3:] if part.startswith("]") else part for part in cleaned.split("\n"))
    lines = [_only_valid(x) for x in cleaned.upper().split("\n")]
    lines = [x for x in lines if x]
    if not lines:
        raise _unusable()
    lines = _pad_fillers(lines)
    if len(lines) in (2, 3):
        width = len(lines[0])
        if width in _LINE_LENGTHS and len(lines) == _LINE_LENGTHS[width] and all(len(x) == width for x in lines):
            return _reorder(lines)
    if len(lines) == 1:
        located = _locate(lines[0])
    else:
        located = _trim_lines(lines)
        if located is None:
            # junk lines around the zone (a reader's header or trailer line)
            zone = [x for x in lines if len(x) in _LINE_LENGTHS]
            if len(zone) != len(lines) and len(zone) in (2, 3):
                located = _trim_lines(zone)
    if located is None:
        lengths = ", ".join(str(len(x)) for x in lines[:6])
        if len(lines) in (2, 3) and all(10 <= len(x) <= 50 for x in lines):
            raise MrzInputError(
                _("The lines have {lengths} characters: a machine readable zone has 2 lines of "
                  "44 or 36 characters, or 3 lines of 30 characters.").format(lengths=lengths)
            )
        raise _unusable()
    return located
