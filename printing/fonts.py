"""The fonts of slips and reports: DejaVu Sans (shipped in ``resources/fonts``), embedded.

Wide Latin coverage (accents, cedillas, ß, ŋ, ɗ, ƴ used in Hausa, Fulfulde, Zarma...),
plus Greek, Cyrillic and Tifinagh. Characters the font cannot draw are *replaced visibly*
by U+FFFD (�), never dropped: :func:`printable` tells the caller so that the slip can say
it. Right-to-left scripts (Arabic, N'Ko, Hebrew...) are also replaced, because reportlab
draws them unshaped and in the wrong order, which would print a wrong name.
"""

from __future__ import annotations

import threading
import unicodedata
from functools import lru_cache
from importlib import resources

REGULAR = "HHBM-DejaVuSans"
BOLD = "HHBM-DejaVuSans-Bold"
REPLACEMENT = "\ufffd"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}

_lock = threading.Lock()
_coverage: dict[str, frozenset[int]] = {}


def register_fonts() -> None:
    """Register the shipped fonts with reportlab (once per process; thread-safe)."""
    if len(_coverage) == len(_FILES):
        return
    from reportlab import rl_config
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    # Binary (Flate-only) streams: ASCII85 makes files 25 % larger and, without the
    # optional rl_accel C extension, costs several ms per slip. Only printing/ uses reportlab.
    rl_config.useA85 = 0
    with _lock:
        for name, filename in _FILES.items():
            if name in _coverage:
                continue
            path = resources.files("resources").joinpath("fonts", filename)
            with resources.as_file(path) as real_path:
                font = TTFont(name, str(real_path))
            pdfmetrics.registerFont(font)
            _coverage[name] = frozenset(font.face.charToGlyph)


def coverage(font: str = REGULAR) -> frozenset[int]:
    register_fonts()
    return _coverage[font]


def _drawable(ch: str, cov: frozenset[int]) -> bool:
    if ord(ch) not in cov:
        return False
    return unicodedata.bidirectional(ch) not in ("R", "AL")


@lru_cache(maxsize=4096)
def printable(text: str, font: str = REGULAR) -> tuple[str, bool]:
    """(text the font can draw, whether something was replaced by U+FFFD).

    NFC-normalises first (so that "E" + combining acute prints as one "É"); control
    characters become spaces; each unprintable character becomes one U+FFFD.
    """
    cov = coverage(font)
    text = unicodedata.normalize("NFC", text or "")
    out = []
    replaced = False
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Zl", "Zp"):
            out.append(" ")
        elif cat == "Cf":  # zero-width joiners, bidi marks: invisible, drop harmlessly
            continue
        elif cat == "Mn" and ord(ch) in cov:
            out.append(ch)
        elif _drawable(ch, cov):
            out.append(ch)
        else:
            out.append(REPLACEMENT)
            replaced = True
    return "".join(out), replaced


def string_width(text: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, font, size)


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap to ``width`` points; words longer than a line are split (never cut)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split(" "):
            if not word:
                continue
            candidate = f"{current} {word}" if current else word
            if stringWidth(candidate, font, size) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
                current = ""
            while stringWidth(word, font, size) > width:
                # split an over-long word at the last character that fits
                cut = 1
                while cut < len(word) and stringWidth(word[:cut + 1], font, size) <= width:
                    cut += 1
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        lines.append(current)
    while len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines or [""]


def fit(text: str, font: str, size: float, width: float, *, max_lines: int, min_size: float) -> tuple[list[str], float]:
    """Wrap ``text``; shrink the size (down to ``min_size``) until it takes ``max_lines`` lines
    or fewer. At ``min_size`` it takes as many lines as needed: nothing is ever cut."""
    current = size
    while True:
        lines = wrap(text, font, current, width)
        if len(lines) <= max_lines or current <= min_size:
            return lines, current
        current = max(min_size, current - 0.5)
