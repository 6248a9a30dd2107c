"""The names field of an MRZ: names (letters, parts joined by ``<``, surname and given
names by ``<<``), then fillers to its end, read as the most likely such field."""

from __future__ import annotations

import math

import numpy as np

from .glyphs import CHARSET, INDEX

__all__ = ["LEAD_FILL_COST", "LONE_LETTER_COST", "fill_names"]

LONE_LETTER_COST = math.log(50)  # a one-letter name just before the filler tail: 11 of 507 real names lines
# a names field that opens with ``<`` (no primary identifier, ``P<IND<<SHAURYA``): 3 of the 464
# names fields in the real training crops; far more often a first letter read as ``<`` (blur)
LEAD_FILL_COST = math.log(464 / 3)


def fill_names(text: list[str], q: np.ndarray, start: int, end: int) -> None:
    """A name field is names (letters, parts joined by ``<``, surname and given names by
    ``<<``) then fillers to its end: a run of three ``<`` can only be the filler tail. When
    the plain reading breaks that (a ``J`` read as ``<`` in ``TRAORE<<JEAN``, or a filler read
    as ``K`` after the tail began), the field becomes the most likely reading that keeps it,
    a one-letter name just before the tail costing log(50) more (``<<K<<<`` is far more often
    a filler read as ``K`` than an initial). A field that opens with ``<`` before names
    (``<ONE<<ANNA``: the ``K`` of ``KONE`` blurred into a filler) is read the same way, the
    missing primary identifier costing log(464/3) more."""
    field = "".join(text[start:end])
    lead = field[:1] == "<" and field.strip("<") != ""
    k = field.find("<<<")
    if k < 0 and not lead:
        return
    tail_ok = k < 0 or field[k:].strip("<") == ""
    lone = k >= 2 and field[k - 2] == "<" and field[k - 1] != "<"
    if tail_ok and not lead and not (lone and q[start + k - 1][INDEX["<"]] > 0.02):
        return  # already names then fillers
    text[start:end] = _names_viterbi(np.log(np.maximum(q[start:end], 1e-12)))


_FILL = INDEX["<"]
# states of a name field: 0 letter, 1 one-letter name (after a separator), 2 '<' after a
# name, 3 '<<' after a name, 4 '<' after a one-letter name, 5 '<<' after one, 6 the tail
_NAME_MOVES = (  # (from, to, is_filler, extra cost)
    (0, 0, False, 0.0), (1, 0, False, 0.0), (0, 2, True, 0.0), (1, 4, True, 0.0),
    (2, 1, False, 0.0), (3, 1, False, 0.0), (4, 1, False, 0.0), (5, 1, False, 0.0),
    (2, 3, True, 0.0), (4, 5, True, 0.0),
    (3, 6, True, 0.0), (5, 6, True, LONE_LETTER_COST), (6, 6, True, 0.0),
)


def _names_viterbi(logq: np.ndarray) -> list[str]:
    """The most likely name field under the names-then-fillers structure (see
    :func:`fill_names`); ``logq`` [n, 37] are the masked log-probabilities."""
    n = len(logq)
    letters = logq.copy()
    letters[:, _FILL] = -np.inf
    best_letter = letters.argmax(axis=1)
    letter_lp = letters.max(axis=1)
    fill_lp = logq[:, _FILL]
    neg = -np.inf
    # a letter opens the surname; a '<' first opens the tail (an empty field) or, at a cost,
    # stands for a missing primary identifier before the given names
    score = [float(letter_lp[0]), neg, float(fill_lp[0]) - LEAD_FILL_COST, neg, neg, neg, float(fill_lp[0])]
    back: list[list[int]] = [[-1] * 7]
    for i in range(1, n):
        new = [neg] * 7
        ptr = [-1] * 7
        for a, b, filler, extra in _NAME_MOVES:
            if score[a] == neg:
                continue
            v = score[a] + (float(fill_lp[i]) if filler else float(letter_lp[i])) - extra
            if v > new[b]:
                new[b], ptr[b] = v, a
        score = new
        back.append(ptr)
    state = int(np.argmax(score))
    out = [""] * n
    for i in range(n - 1, -1, -1):
        out[i] = "<" if state in (2, 3, 4, 5, 6) else CHARSET[int(best_letter[i])]
        state = back[i][state]
    return out
