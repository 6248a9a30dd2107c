"""Tell a keyboard-wedge burst apart: MRZ reader, barcode scanner, or a person typing.

Handheld scanners and MRZ readers "type" their content as keystrokes, a few milliseconds
apart, ending with Enter. A person types 80-300 ms apart. Pure functions, no Qt: the UI's
scan field records (character, timestamp) pairs and asks :func:`classify` what it got.

Rules (thresholds are arguments so that a post can tune them in settings):

* **fast** — median gap between keystrokes <= ``fast_ms`` (default 35 ms) and no gap inside
  the burst longer than ``max_gap_ms`` (default 120 ms).
* **mrz** — the lines have an ICAO 9303 shape (2x44, 2x36 or 3x30 characters of
  ``A-Z 0-9 <``) and the burst is fast (or has no timings).
* **barcode** — fast (or, with no timings, a known payload prefix such as ``HC1:``), not MRZ.
* **typing** — everything else.
"""

from __future__ import annotations

import re
import statistics
from itertools import pairwise
from dataclasses import dataclass, field

from .mrz.layouts import SHAPES, WIDTHS

_MRZ_LINE = re.compile(r"^[A-Z0-9<]+$")
KNOWN_PREFIXES = ("HC1:", "SHC:/", "HHBM1:", "HHBM2:")


@dataclass(frozen=True)
class WedgeBurst:
    kind: str  # "mrz" | "barcode" | "typing"
    text: str  # the content without the terminating Enter / Tab
    lines: list[str] = field(default_factory=list)
    median_ms: float | None = None
    max_gap_ms: float | None = None


def _split_lines(text: str) -> list[str]:
    return [line for line in re.split(r"\r\n|\r|\n", text) if line != ""]


def is_mrz_shape(lines: list[str]) -> bool:
    cleaned = [line.strip().upper() for line in lines]
    if (len(cleaned), len(cleaned[0]) if cleaned else 0) not in SHAPES:
        return False
    width = len(cleaned[0])
    return all(len(line) == width and _MRZ_LINE.match(line) for line in cleaned)


def intervals_from_times(times_ms: list[float]) -> list[float]:
    return [b - a for a, b in pairwise(times_ms)]


def classify(text: str, intervals_ms: list[float] | None = None, *, fast_ms: float = 35.0,
             max_gap_ms: float = 120.0) -> WedgeBurst:
    """Classify one burst. ``intervals_ms``: gaps between consecutive keystrokes (may be None)."""
    body = text.rstrip("\r\n\t")
    lines = _split_lines(body)
    median = worst = None
    fast: bool | None = None
    gaps = [g for g in (intervals_ms or []) if g is not None and g >= 0]
    if gaps:
        median = float(statistics.median(gaps))
        worst = float(max(gaps))
        fast = median <= fast_ms and worst <= max_gap_ms
    if lines and is_mrz_shape(lines) and fast is not False:
        return WedgeBurst("mrz", body, [line.strip().upper() for line in lines], median, worst)
    if fast is None:
        kind = "barcode" if body.upper().startswith(KNOWN_PREFIXES) else "typing"
    elif fast and len(body) >= 3:
        kind = "barcode"
    else:
        kind = "typing"
    return WedgeBurst(kind, body, lines, median, worst)


class BurstCollector:
    """Collect keystrokes; :meth:`feed` returns a :class:`WedgeBurst` when a burst ends.

    A burst ends on Enter (or Tab), when a pause longer than ``idle_ms`` follows a machine
    (fast) burst, or when :meth:`flush` is called (the UI calls it from a timer after the
    last key). MRZ readers send Enter between
    lines, so an Enter that follows a fast MRZ-looking line waits for the next line.
    """

    def __init__(self, *, idle_ms: float = 150.0, fast_ms: float = 35.0):
        self.idle_ms = idle_ms
        self.fast_ms = fast_ms
        self._chars: list[str] = []
        self._times: list[float] = []

    def feed(self, char: str, t_ms: float) -> WedgeBurst | None:
        if self._chars and t_ms - self._times[-1] > self.idle_ms:
            # a pause after a machine burst ends it; a person's pauses are part of their typing
            gaps = intervals_from_times(self._times)
            if gaps and classify("".join(self._chars), gaps, fast_ms=self.fast_ms).kind != "typing":
                pending = self.flush()
                self._chars, self._times = [char], [t_ms]
                return pending
        self._chars.append(char)
        self._times.append(t_ms)
        if char in ("\r", "\n", "\t"):
            lines = _split_lines("".join(self._chars))
            widths = {len(line) for line in lines}
            kind = classify("".join(self._chars), intervals_from_times(self._times), fast_ms=self.fast_ms).kind
            fast = kind != "typing"
            if fast and len(widths) == 1 and len(lines) < WIDTHS.get(min(widths), 0):
                return None  # an MRZ reader between lines: wait for the rest
            return self.flush()
        return None

    def flush(self) -> WedgeBurst | None:
        if not self._chars:
            return None
        burst = classify("".join(self._chars), intervals_from_times(self._times), fast_ms=self.fast_ms)
        self._chars, self._times = [], []
        return burst
