"""Bare MRZ line crops: which line type (``TD3-2``, ``TD1-3``...) a line of probabilities
reads as, at what cost, with its own check digits repaired (:func:`match_line`,
:func:`decode_line`), and whether a text is a valid instance of one (:func:`line_fits`)."""

from __future__ import annotations

import functools

import numpy as np

from .decode import (
    FORMATS,
    LOG_XW,
    MASKS,
    X_PRIOR_POWER,
    code_table,
    fix_check,
    fix_numbers,
    fix_states,
    group_ok,
    masked,
)
from .glyphs import CHARSET, INDEX
from .names import fill_names


def _single(fmt: str, line: int) -> dict:
    spec = FORMATS[fmt]
    return {
        "lines": [spec["lines"][line]],
        "names": [(0, a, b) for ln, a, b in spec["names"] if ln == line],
        "states": [(0, a) for ln, a in spec.get("states", []) if ln == line],
        "numbers": [(0, a, b) for ln, a, b in spec["numbers"] if ln == line],
        "checks": [([(0, a, b) for _l, a, b in spans], (0, cd[1])) for spans, cd in spec["checks"]
                   if cd[0] == line and all(s[0] == line for s in spans)],
    }


# single MRZ lines recognisable on their own (for bare line crops)
LINE_TYPES = {
    name: _single(fmt, ln)
    for name, fmt, ln in (
        ("TD3-1", "TD3", 0), ("TD3-2", "TD3", 1), ("MRVA-2", "MRVA", 1), ("TD2-1", "TD2", 0),
        ("TD2-2", "TD2", 1), ("MRVB-2", "MRVB", 1), ("TD1-1", "TD1", 0), ("TD1-2", "TD1", 1), ("TD1-3", "TD1", 2),
    )
}


def decode_spec(probs: list[np.ndarray], spec: dict, repair: bool = True) -> list[str]:
    q = [masked(p, t) for p, t in zip(probs, spec["lines"], strict=True)]
    lines = [[CHARSET[j] for j in qi.argmax(axis=1)] for qi in q]
    for ln, a, b in spec["names"]:
        fill_names(lines[ln], q[ln], a, min(b, len(lines[ln])))
    fix_states(lines, q, spec.get("states", []))
    fix_numbers(lines, q, spec["numbers"])
    for spans, cd in spec["checks"]:
        if not fix_check(lines, q, spans, cd, topk=3 if repair else 0, numbers=spec["numbers"]):
            return []
    return ["".join(x) for x in lines]


REPAIR_LINES = True
SHAPE_COST = 2.0  # field kinds without check digits: at most this many nats
NAMES_COST = 12.0  # a names line has no digit: read as letters when that costs <= 12 nats


def _letter_line(spec: dict) -> bool:
    """A names line (TD3/TD2 first line, TD1 third line): letters and fillers only."""
    t = spec["lines"][0]
    return not spec["checks"] and set(t[2:]) <= {"A"}


def decode_line(p: np.ndarray, fallback: str, max_cost: float = 4.0, repair: bool = REPAIR_LINES,
                names_cost: float = NAMES_COST, shape_cost: float | None = None) -> str:
    m = match_line(p, max_cost, repair, names_cost, SHAPE_COST if shape_cost is None else shape_cost,
                   context=fallback if len(fallback) == len(p) else None)
    return m[1] if m else fallback


def _x_context(text: str, spec: dict, context: str | None) -> str:
    """In alphanumeric (``X``) fields, take the context reading's digit or letter where the
    two differ only in kind (``O``/``0``, ``I``/``1``...), unless that breaks a check digit
    that held."""
    if context is None or len(context) != len(text):
        return text
    t = spec["lines"][0]
    out = list(text)
    for i, (a, b) in enumerate(zip(text, context, strict=True)):
        if i < len(t) and t[i] == "X" and a != b and "<" not in (a, b) and a.isdigit() != b.isdigit():
            out[i] = b
    new = "".join(out)
    if new == text:
        return text

    nums = spec["numbers"]
    if any(group_ok([text], spans, cd, nums) and not group_ok([new], spans, cd, nums) for spans, cd in spec["checks"]):
        return text
    return new


def _cost(logp: np.ndarray, top: np.ndarray, text: str, spec: dict) -> float:
    """Nats lost by reading ``text`` instead of each character's most likely one; in
    alphanumeric fields both are weighed by the characters' frequency there."""
    t = spec["lines"][0]
    cost = 0.0
    for i, c in enumerate(text):
        if X_PRIOR_POWER and i < len(t) and t[i] == "X":
            adj = logp[i] + LOG_XW
            cost += float(adj.max() - adj[INDEX[c]])
        else:
            cost += float(top[i] - logp[i, INDEX[c]])
    return cost


def match_line(p: np.ndarray, max_cost: float = 4.0, repair: bool = REPAIR_LINES,
               names_cost: float = NAMES_COST, shape_cost: float = SHAPE_COST,
               context: str | None = None) -> tuple[float, str] | None:
    """One bare line: if it reads as a known MRZ line type (length, field kinds, its own
    check digits) at a small cost in log-probability, use that reading; else ``fallback``.

    Lines with check digits may be repaired among each character's top candidates (the
    document number's ``0``/``O``/``D``); a names line, which has no check digit, is taken
    as such only when it starts like one (``P``, ``I``, ``A``, ``C``, ``V``) and reading it as
    letters and fillers costs at most ``names_cost`` and its plain reading has at most two
    digits. ``context`` (the plain reading with each character's kind taken from its
    neighbours) settles digit-versus-letter in alphanumeric fields, as long as the line's
    check digits still hold."""
    n = len(p)
    plain_digits = sum(CHARSET[int(j)].isdigit() for j in p.argmax(axis=1))
    logp = np.log(np.maximum(p, 1e-9))
    top = logp.max(axis=1)
    best = None
    for spec in LINE_TYPES.values():
        if len(spec["lines"][0]) != n:
            continue
        letters = _letter_line(spec)
        if not spec["checks"] and not (letters and names_cost > 0):
            continue  # nothing to confirm the line type
        if letters and spec["lines"][0][0] == "A" and n != 30 and CHARSET[int(np.argmax(p[0]))] not in "PIACV":
            continue
        if letters and plain_digits > 2:
            continue  # a line of digits and letters (an ID line, a visa's number), not names
        out = decode_spec([p], spec, repair=repair and bool(spec["checks"]))
        if not out:
            continue
        text = _x_context(out[0], spec, context)
        cost = _cost(logp, top, text, spec)
        limit = names_cost if letters else max_cost
        if cost <= limit and (best is None or cost < best[0]):
            best = (cost, text)
    if best is None and shape_cost > 0:
        # no line type whose check digits hold (specimens print made-up ones, or a digit is
        # misread beyond repair): still give each field its kind of character (digits in
        # dates and check digits, M/F/< for the sex) when the line reads as one type cheaply
        for spec in LINE_TYPES.values():
            if len(spec["lines"][0]) != n or not spec["checks"]:
                continue
            text = _x_context(decode_spec([p], {**spec, "checks": []}, repair=False)[0], spec, context)
            cost = _cost(logp, top, text, spec)
            if cost <= shape_cost and (best is None or cost < best[0]):
                best = (cost, text)
    return best


@functools.lru_cache(maxsize=1)
def _code_fields() -> frozenset[str]:
    """The ICAO codes as 3-character MRZ fields (``D<<``, ``UTO``)."""
    return frozenset("".join(CHARSET[j] for j in row) for row in code_table())


def line_fits(text: str) -> str | None:
    """The name of a single-line type (``TD3-2``, ``TD1-3``...) that ``text`` is a valid
    instance of: right length, every field of its kind (digits in dates, ``M``/``F``/``<``
    or ``X`` for the sex, letters in names), issuing state and nationality ICAO codes, and
    all of the line's own check digits. None when no line type fits (used by the benchmark to
    flag ground truths that cannot be an MRZ line)."""
    if any(c not in INDEX for c in text):
        return None
    codes = _code_fields()
    for name, spec in LINE_TYPES.items():
        t = spec["lines"][0]
        if len(t) != len(text):
            continue
        if not all(MASKS[k][INDEX[c]] for k, c in zip(t, text, strict=True)):
            continue
        if _letter_line(spec) and text[0] not in "PIACV":
            continue
        if any(text[a : a + 3] not in codes for _l, a in spec["states"]):
            continue
        if all(group_ok([text], spans, cd, spec["numbers"]) for spans, cd in spec["checks"]):
            return name
    return None
