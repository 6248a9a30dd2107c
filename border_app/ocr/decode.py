"""Decode character probabilities into MRZ lines with the format's structure.

Each position of each format has a kind (:meth:`border_app.mrz.layouts.Layout.kinds`):
letters (``A``: A-Z and ``<``), date digits (``D``: 0-9 or ``<`` for an unknown part), sex
(``S``), check digit (``C``: 0-9 or ``<``) or anything (``X``: document numbers and optional
data are alphanumeric). Probabilities are masked by the kind, fillers are made to run to
the end of name fields (which settles ``<`` read as ``K``), issuing states and nationalities
are made ICAO codes, a document number with a leading or inner ``<`` is made one padded at
its end when that is cheap, then every check-digit group that fails is repaired by searching
the characters' top candidates for the cheapest change that makes it pass.

The names field's reading is :mod:`.names`; bare line crops (one line, its type unknown)
are :mod:`.line_types`.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from ..countries import CODES
from ..mrz.checkdigit import char_value, digit_of
from ..mrz.layouts import LAYOUTS, Layout
from .glyphs import CHARSET, INDEX
from .names import fill_names

_DIG = np.array([c.isdigit() for c in CHARSET])
_LET = np.array([c.isalpha() or c == "<" for c in CHARSET])
MASKS = {  # the characters each kind of position allows
    "A": _LET,
    "C": _DIG | (np.array(list(CHARSET)) == "<"),
    "S": np.isin(np.array(list(CHARSET)), list("MFX<")),
    "X": np.ones(len(CHARSET), bool),
    "D": _DIG | (np.array(list(CHARSET)) == "<"),  # dates: digits, '<' for unknown parts
}

def _spec(lay: Layout) -> dict:
    """The decoder's view of a layout: each line's character kinds, the name fields, the
    issuing state and nationality positions, the document-number fields and the check-digit
    groups (spans, check digit) in the order they are repaired."""
    return {
        "lines": lay.kinds(),
        "names": [lay.name_span],
        "states": [lay.issuing[:2], lay.nationality[:2]],
        "numbers": [lay.number],
        "checks": lay.check_groups(),
    }


# per format, from the one table of layouts (border_app.mrz.layouts)
FORMATS: dict[str, dict] = {name: _spec(lay) for name, lay in LAYOUTS.items()}
# first character of the first line: passports P (TD3), visas V, ID cards A, C or I
FIRST_LETTER = {name: lay.read_codes for name, lay in LAYOUTS.items()}


def guess_format(n_lines: int, first_char: str, length: int) -> str:
    if n_lines == 3:
        return "TD1"
    if length >= 40:
        return "MRVA" if first_char == "V" else "TD3"
    return "MRVB" if first_char == "V" else "TD2"


# How often each character (0-9, A-Z) stands in alphanumeric fields (document numbers,
# optional data) of the real training crops that are valid MRZ lines (723 lines, without the
# validation tenth, ``tools/x_field_prior.py``): digits dominate (``0`` 1,279 times, ``O``
# 7 times). The classifiers were trained on evenly drawn characters, so their output is
# weighted by this frequency, to the power ``X_PRIOR_POWER``, in those fields; ``<`` is left as is.
X_FIELD_COUNTS = (1279, 538, 408, 272, 278, 288, 226, 218, 231, 381, 84, 54, 71, 119, 30, 25, 17, 9, 27, 7,
                  10, 30, 40, 31, 7, 22, 4, 55, 44, 46, 13, 14, 7, 33, 11, 21)
X_PRIOR_POWER = 0.5  # 0.25 to 1 read the same lines of the validation tenth (117/127); 0.5 is the middle


def _x_weights(power: float) -> np.ndarray:
    c = np.array(X_FIELD_COUNTS, np.float64) + 1.0
    w = np.ones(len(CHARSET))
    w[: len(c)] = (c / c.mean()) ** power
    return w


_XW = _x_weights(X_PRIOR_POWER)
LOG_XW = np.log(_XW)


def masked(p: np.ndarray, template: str) -> np.ndarray:
    q = p.copy()
    for i, t in enumerate(template[: len(q)]):
        q[i] = np.where(MASKS[t], q[i], q[i] * 1e-4)
        if t == "X" and X_PRIOR_POWER:
            q[i] = q[i] * _XW
        q[i] /= q[i].sum()
    return q


# Document numbers are padded with fillers at their end: a number that starts with ``<`` or
# has a ``<`` before another character is rare (5 of the 524 document numbers in the real
# training and held-out crops, specimens such as German ``C<0000000``), so such a reading
# costs log(524 / 5) nats more than its probabilities say (a ``K`` read as ``<`` in
# ``4<70503<<``); a clearly printed ``<`` still wins.
NUMBER_GAP_COST = math.log(524 / 5)


def _gapped(field: str) -> bool:
    """A document number with a leading filler or a filler before another character."""
    return field[:1] == "<" or "<" in field.rstrip("<")


def _numbers_cost(lines: list[list[str]], fields) -> float:
    return sum(NUMBER_GAP_COST for ln, a, b in fields if ln < len(lines) and _gapped("".join(lines[ln][a:b])))


def fix_numbers(lines: list[list[str]], q: list[np.ndarray], fields) -> None:
    """A gapped document number becomes the most likely ungapped one (characters, then
    fillers to the field's end) when that costs less than :data:`NUMBER_GAP_COST`."""
    lt = INDEX["<"]
    for ln, a, b in fields:
        if ln >= len(lines) or b > len(lines[ln]):
            continue
        cur = "".join(lines[ln][a:b])
        if not _gapped(cur):
            continue
        logq = np.log(np.maximum(q[ln][a:b], 1e-12))
        cur_score = float(sum(logq[i][INDEX[c]] for i, c in enumerate(cur)))
        chars = np.delete(logq, lt, axis=1)
        char_best = chars.max(axis=1)
        char_arg = [CHARSET[j if j < lt else j + 1] for j in chars.argmax(axis=1)]
        best = None
        for k in range(1, b - a + 1):  # k characters, then fillers
            score = float(char_best[:k].sum() + logq[k:, lt].sum())
            if best is None or score > best[0]:
                best = (score, "".join(char_arg[:k]) + "<" * (b - a - k))
        if best is not None and cur_score - best[0] < NUMBER_GAP_COST:
            lines[ln][a:b] = list(best[1])


def code_table() -> np.ndarray:
    fields = sorted({c.ljust(3, "<") for c in CODES if len(c) <= 3})
    return np.array([[INDEX[ch] for ch in f] for f in fields], np.int64)


_CODE_IDX: np.ndarray | None = None


def fix_states(lines: list[list[str]], q: list[np.ndarray], fields, max_cost: float = 6.0) -> None:
    """Issuing state and nationality have no check digit: a reading that is not an ICAO
    code (``K0R``, ``UTD``) becomes the most likely code when that costs little."""
    global _CODE_IDX
    if _CODE_IDX is None:
        _CODE_IDX = code_table()
    for ln, a in fields:
        if ln >= len(lines) or a + 3 > len(lines[ln]):
            continue
        cur = "".join(lines[ln][a : a + 3])
        logq = np.log(np.maximum(q[ln][a : a + 3], 1e-12))
        scores = logq[0][_CODE_IDX[:, 0]] + logq[1][_CODE_IDX[:, 1]] + logq[2][_CODE_IDX[:, 2]]
        k = int(np.argmax(scores))
        best = "".join(CHARSET[j] for j in _CODE_IDX[k])
        if best == cur:
            continue
        if any((_CODE_IDX == [INDEX[c] for c in cur]).all(axis=1)):
            continue  # already a valid code
        cur_score = float(sum(logq[i][INDEX[c]] for i, c in enumerate(cur)))
        if cur_score - float(scores[k]) <= max_cost:
            lines[ln][a : a + 3] = list(best)


def group_holds(s: str, d: str, number: bool = False) -> bool:
    """Check digit ``d`` holds for ``s``; an empty field may have ``<``; so may a full
    9-character document number (TD1 and TD2 long numbers go on in the optional data,
    ICAO 9303-5/6)."""
    if digit_of(s) == d:
        return True
    return d == "<" and (set(s) <= {"<"} or (number and len(s) == 9 and "<" not in s))


def group_ok(lines, spans, cd, numbers=()) -> bool:
    """Check group ``spans`` -> check digit at ``cd`` (line, position) holds in ``lines``
    (strings or lists of characters); ``numbers``: the format's document-number fields."""
    s = "".join("".join(lines[ln][a:b]) for ln, a, b in spans)
    return group_holds(s, lines[cd[0]][cd[1]], _is_number(spans, numbers))


def _is_number(spans, numbers) -> bool:
    """The check group ``spans`` is one of the document-number fields ``numbers``."""
    return len(spans) == 1 and tuple(spans[0]) in {tuple(f) for f in numbers}


def checks_passed(lines: list[str], fmt: str) -> tuple[int, int]:
    """(check digits that hold, check digits) of ``lines`` read as format ``fmt``."""
    spec = FORMATS[fmt]
    return sum(group_ok(lines, spans, cd, spec["numbers"]) for spans, cd in spec["checks"]), len(spec["checks"])


# A check-digit repair may put in a character only where the classifier gave it at least
# this probability. With a few dozen candidate changes tried, one that makes a group pass is
# nearly always found, so a passing check says little for a character the reader saw as
# clearly something else: on shadowed documents, a filler read as a digit beside the shadow's
# edge was "repaired" by changing another filler read at 0.998 into a digit, and the reading
# passed every check. Selection documents, right readings (wrong ones passing every check)
# with the floor at 1e-4 before and at this: shadow 392 (7) -> 396 (4) of 400, glare 197 (2)
# -> 198 (1) of 200, synthetic 1,066 (30) -> 1,067 (29) of 1,200, the others unchanged.
REPAIR_MIN_P = 0.003


def fix_check(lines: list[list[str]], probs: list[np.ndarray], spans, cd, topk: int = 3,
               numbers=()) -> bool:
    """Make one check-digit group pass with the cheapest change among top candidates (a
    change that leaves a gap in a document number also pays :data:`NUMBER_GAP_COST`), each
    at probability :data:`REPAIR_MIN_P` or more."""

    def chars():
        for ln, a, b in spans:
            for i in range(a, b):
                yield ln, i

    number = _is_number(spans, numbers)

    def current() -> bool:  # (called for every candidate change: the group test inline)
        return group_holds("".join(lines[ln][i] for ln, i in chars()), lines[cd[0]][cd[1]], number)

    if current():
        return True
    positions = list(chars()) + [cd]
    options = []  # (cost, ln, i, char)
    for ln, i in positions:
        p = probs[ln][i]
        cur = lines[ln][i]
        base = math.log(max(p[INDEX[cur]], 1e-9))
        for j in np.argsort(-p)[:topk]:
            c = CHARSET[j]
            if c != cur and p[j] >= REPAIR_MIN_P:
                options.append((base - math.log(p[j]), ln, i, c))
    options.sort()
    options = options[:24]
    gaps = _numbers_cost(lines, numbers) if numbers else 0.0
    best = None
    for r in (1, 2):
        for combo in itertools.combinations(options, r):
            if len({(o[1], o[2]) for o in combo}) < r:
                continue
            cost = sum(o[0] for o in combo)
            if best is not None and cost - gaps >= best[0]:
                continue  # (removing every gap is the most a change can save)
            saved = [(o[1], o[2], lines[o[1]][o[2]]) for o in combo]
            for o in combo:
                lines[o[1]][o[2]] = o[3]
            if numbers:
                cost += _numbers_cost(lines, numbers) - gaps
            if (best is None or cost < best[0]) and current():
                best = (cost, combo)
            for ln, i, c in saved:
                lines[ln][i] = c
        if best is not None:
            break
    if best is None:
        return False
    for o in best[1]:
        lines[o[1]][o[2]] = o[3]
    return True


def decode(probs: list[np.ndarray], fmt: str) -> tuple[list[str], float]:
    """Best lines for format ``fmt`` from per-line probabilities [n_i, 37].

    Returns (lines, confidence) where confidence is the mean log-probability of the
    chosen characters under the unmasked classifier output."""
    spec = FORMATS[fmt]
    q = [masked(p, t) for p, t in zip(probs, spec["lines"], strict=True)]
    if len(q[0]):
        # the document code's first letter is fixed by the format (ICAO 9303 parts 4-7)
        allowed = np.isin(np.array(list(CHARSET)), list(FIRST_LETTER[fmt]))
        q[0][0] = np.where(allowed, q[0][0], q[0][0] * 1e-4)
        q[0][0] /= q[0][0].sum()
    lines = [[CHARSET[j] for j in qi.argmax(axis=1)] for qi in q]
    for ln, a, b in spec["names"]:
        fill_names(lines[ln], q[ln], a, min(b, len(lines[ln])))
    fix_states(lines, q, spec.get("states", []))
    fix_numbers(lines, q, spec["numbers"])
    for spans, cd in spec["checks"]:
        fix_check(lines, q, spans, cd, numbers=spec["numbers"])
    conf: list[float] = []
    for p, line in zip(probs, lines, strict=True):
        conf.extend(math.log(max(float(p[i][INDEX[c]]), 1e-9)) for i, c in enumerate(line))
    return ["".join(x) for x in lines], (sum(conf) / len(conf) if conf else -99.0)


DOUBT = 0.8  # a character read at a lower probability than this, where no check digit holds it
# each character's value modulo 10 in the check-digit sum: the weights 7, 3, 1 are prime to 10,
# so a check digit tells two characters apart exactly when their values differ modulo 10
_MOD10 = np.array([char_value(c) % 10 for c in CHARSET])


def doubtful(probs: list[np.ndarray], lines: list[str], fmt: str, threshold: float = DOUBT) -> list[tuple[int, int]]:
    """(line, position), both 1-based, of the characters read with doubt that no passing
    check digit vouches for, for the official to look at: a reading whose checks all pass
    can still be wrong. Doubt is a probability under ``threshold`` among the characters the
    field allows (no digit in a name, no letter in a date). A passing check digit vouches
    for a character read with doubt only when it is the only such character in its group
    (two errors can cancel, and the decoder, which uses the check digits to choose among
    each character's candidates, finds such pairs), and only against the candidates whose
    value differs modulo 10 (``K`` and ``<`` weigh the same). So names, state codes, the sex,
    optional data without a check digit, a field whose check fails, and a field with two
    doubtful characters are marked."""
    spec = FORMATS[fmt]
    q = [masked(p, t) for p, t in zip(probs, spec["lines"], strict=True)]
    weak: dict[tuple[int, int], float] = {}
    for ln, (qi, line) in enumerate(zip(q, lines, strict=True)):
        for i, c in enumerate(line[: len(qi)]):
            if float(qi[i][INDEX[c]]) < threshold:
                weak[(ln, i)] = float(qi[i][INDEX[c]])
    held: set[tuple[int, int]] = set()
    for spans, cd in spec["checks"]:
        members = [(ln, i) for ln, a, b in spans for i in range(a, b)] + [tuple(cd)]
        if not group_ok(lines, spans, cd, spec["numbers"]) or sum(m in weak for m in members) > 1:
            continue
        for ln, i in members:
            if (ln, i) in weak and ln < len(q) and i < len(q[ln]):
                k = INDEX[lines[ln][i]]
                alike = float(q[ln][i][_MOD10 == _MOD10[k]].sum())  # what the check cannot tell apart
                if weak[(ln, i)] / max(alike, 1e-12) < threshold:
                    continue
            held.add((ln, i))
    return [(ln + 1, i + 1) for ln, i in sorted(weak) if (ln, i) not in held]
