"""Parse and validate ICAO Doc 9303 machine readable zones (TD1, TD2, TD3, MRV-A, MRV-B).

Check digits are verified with 7-3-1 weights. Typical OCR confusions are corrected only
where the MRZ itself proves them: letters in numeric fields (dates, check digits) become
the digit they resemble; a digit in a country code becomes the letter it resembles when
that gives a known code; in alphanumeric fields covered by a check digit that fails, the
look-alike alternatives are tried and a change is kept only when exactly one combination
makes the check digit pass, and (where a composite check digit covers the field) the
composite still passes. Every change is reported as a :class:`Correction`.

Limits, by construction of Doc 9303 check digits: ``G`` (16) and ``6`` differ by 10, so
no check digit can see that swap; optional data covered only by the composite is
reported, never corrected; without a composite (visas) a misread check digit of the
document number can, about once in ten, be "explained" by a look-alike in the number.

The layouts (field positions, check-digit groups) are :mod:`border_app.mrz.layouts`.
Designed for speed on the valid path: fixed slices per layout, a precomputed check-digit
table, no regular expressions, corrections tried only after a failure, and errors
translated only when read.
"""

from __future__ import annotations

from datetime import date
from itertools import product
from operator import mul

from ..clock import post_today
from ..countries import CODES
from .checkdigit import _TABLE as _VALUE_TABLE
from .checkdigit import _WEIGHTS as _W
from .checkdigit import digit_of
from .layouts import LAYOUT_NAMES, Layout, layout_for
from .normalise import normalise
from .result import Correction, MrzResult, Problem

__all__ = ["parse", "LAYOUT_NAMES"]

# OCR confusions: letter read for a digit (numeric fields) and the reverse (country codes)
_LETTER_TO_DIGIT = {"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "S": "5", "B": "8", "Z": "2", "G": "6"}
_DIGIT_TO_LETTER = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G"}
# pairs tried in alphanumeric fields guarded by a check digit
_ALTERNATIVE = {"0": "O", "O": "0", "1": "I", "I": "1", "5": "S", "S": "5", "8": "B", "B": "8",
                "2": "Z", "Z": "2", "6": "G", "G": "6"}
_MAX_CONFUSABLE = 10  # 2**10 combinations at most per check: bounded time

_FIELD_ORDER = {name: i for i, name in enumerate((
    "document_code", "issuing_state", "document_number", "birth_date", "sex", "expiry_date",
    "nationality", "personal_number", "optional_data", "composite", "name"))}

_MONTH_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class _Work:
    """Mutable state of one parse: the lines, corrections and problems found so far."""

    __slots__ = ("ls", "corrections", "problems", "notes")

    def __init__(self, lines: list[str]):
        self.ls = list(lines)
        self.corrections: list[Correction] = []
        self.problems: list[Problem] = []
        self.notes: list[Problem] = []

    def span(self, sp) -> str:
        return self.ls[sp[0]][sp[1]: sp[2]]

    def set_char(self, line: int, pos: int, new: str, field: str) -> None:
        text = self.ls[line]
        self.corrections.append(Correction(line + 1, pos + 1, text[pos], new, field))
        self.ls[line] = text[:pos] + new + text[pos + 1:]

    def numeric(self, line: int, start: int, end: int, field: str) -> None:
        """Letters in a numeric field become the digit they resemble."""
        text = self.ls[line]
        for pos in range(start, end):
            ch = text[pos]
            if "A" <= ch <= "Z" and ch in _LETTER_TO_DIGIT:
                self.set_char(line, pos, _LETTER_TO_DIGIT[ch], field)

    def country(self, sp, field: str) -> str:
        raw = self.span(sp)
        code = raw.rstrip("<")
        if code in CODES:
            return code
        if any(c in _DIGIT_TO_LETTER for c in raw):
            mapped = "".join(_DIGIT_TO_LETTER.get(c, c) for c in raw)
            if mapped.rstrip("<") in CODES:
                for offset, (a, b) in enumerate(zip(raw, mapped, strict=True)):
                    if a != b:
                        self.set_char(sp[0], sp[1] + offset, b, field)
                return mapped.rstrip("<")
        self.problems.append(Problem("country", sp[0] + 1, field, value=raw))
        return code

    def passes(self, segments, cd, allow_empty: bool = False) -> bool:
        value = "".join(self.ls[ln][s:e] for ln, s, e in segments)
        found = self.ls[cd[0]][cd[1]]
        if found == "<" and allow_empty and value.strip("<") == "":
            return True
        return digit_of(value) == found

    def try_correct(self, segments, cd_line: int, cd_pos: int, correctable, field: str, veto=None) -> bool:
        """Try look-alike alternatives in ``correctable`` spans; apply the unique fix."""
        found = self.ls[cd_line][cd_pos]
        if not found.isdigit():
            return False
        positions = [(ln, p) for ln, s, e in correctable for p in range(s, e) if self.ls[ln][p] in _ALTERNATIVE]
        if not positions or len(positions) > _MAX_CONFUSABLE:
            return False
        original = [self.ls[ln][p] for ln, p in positions]
        choices = [(c, _ALTERNATIVE[c]) for c in original]
        solutions = []
        lines = self.ls
        for combo in product(*choices):
            if combo == tuple(original):
                continue
            trial = list(lines)
            for (ln, p), ch in zip(positions, combo, strict=True):
                t = trial[ln]
                trial[ln] = t[:p] + ch + t[p + 1:]
            value = "".join(trial[ln][s:e] for ln, s, e in segments)
            if digit_of(value) == found:
                solutions.append((combo, trial))
        if solutions and veto is not None:
            # the composite covers this field too: a correction that breaks it is refused
            # (typically the check digit itself was misread, not the field)
            veto_segments, (vl, vp) = veto
            expected = lines[vl][vp]
            solutions = [(combo, trial) for combo, trial in solutions
                         if digit_of("".join(trial[ln][s:e] for ln, s, e in veto_segments)) == expected]
        if len(solutions) != 1:
            return False  # none, or ambiguous: never correct into validity by guessing
        solution = solutions[0][0]
        for (ln, p), old, new in zip(positions, original, solution, strict=True):
            if old != new:
                self.set_char(ln, p, new, field)
        return True

    def check(self, segments, cd, field: str, correctable=None, allow_empty: bool = False, veto=None,
              fix_field: str | None = None) -> bool:
        ls = self.ls
        value = "".join(ls[ln][s:e] for ln, s, e in segments)
        found = ls[cd[0]][cd[1]]
        if found == "<" and allow_empty and value.strip("<") == "":
            return True
        expected = digit_of(value)
        if found == expected:
            return True
        if correctable and self.try_correct(segments, cd[0], cd[1], correctable, fix_field or field, veto):
            return True
        kind = "check" if found.isdigit() else "check_char"
        self.problems.append(Problem(kind, cd[0] + 1, field, found=found, expected=expected))
        return False


def _valid_day(year: int, month: int, day: int) -> bool:
    if not 1 <= month <= 12 or day < 1 or day > _MONTH_DAYS[month]:
        return False
    if month == 2 and day == 29:
        return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return True


def _birth_date(work: _Work, sp, today_iso: str, today_year: int) -> str | None:
    raw = work.span(sp)
    line = sp[0] + 1
    if raw.isdigit():
        yy, mm, dd = int(raw[:2]), int(raw[2:4]), int(raw[4:])
        year = 2000 + yy
        iso = f"{year}-{raw[2:4]}-{raw[4:]}"
        if iso > today_iso:
            year -= 100
            iso = f"{year}{iso[4:]}"
        if not _valid_day(year, mm, dd):
            work.problems.append(Problem("date", line, "birth_date", value=raw))
            return None
        return iso
    if raw == "<<<<<<":
        return None
    # a partial date: the year, or the year and month, with '<' for the unknown parts
    y_text, m_text, d_text = raw[:2], raw[2:4], raw[4:]
    if y_text.isdigit() and (m_text == "<<" and d_text == "<<" or m_text.isdigit() and d_text == "<<"):
        year = 2000 + int(y_text)
        if m_text == "<<":
            if year > today_year:
                year -= 100
            return str(year)
        month = int(m_text)
        if 1 <= month <= 12:
            if f"{year}-{m_text}" > today_iso[:7]:
                year -= 100
            return f"{year}-{m_text}"
    work.problems.append(Problem("date", line, "birth_date", value=raw))
    return None


def _expiry_date(work: _Work, sp, base_year: int) -> str | None:
    raw = work.span(sp)
    if not raw.isdigit():
        kind = "date_missing" if raw == "<<<<<<" else "date"
        work.problems.append(Problem(kind, sp[0] + 1, "expiry_date", value=raw))
        return None
    year = base_year + (int(raw[:2]) - base_year) % 100
    if not _valid_day(year, int(raw[2:4]), int(raw[4:])):
        work.problems.append(Problem("date", sp[0] + 1, "expiry_date", value=raw))
        return None
    return f"{year}-{raw[2:4]}-{raw[4:]}"


def _components(text: str) -> str:
    return " ".join(part for part in text.split("<") if part)


_MMDD = frozenset(f"{m:02d}{d:02d}" for m in range(1, 13) for d in range(1, _MONTH_DAYS[m] + 1))
_DIGITS = "0123456789"
_SEXES = {"M": "M", "F": "F", "X": "X", "<": None}
_EMPTY14 = "<" * 14


def _fast_dates(birth: str, expiry: str, today_iso: str, base_year: int):
    """ISO birth and expiry for complete, valid dates; ``None`` sends to the full path."""
    if not (birth.isdigit() and expiry.isdigit()):
        return None
    mmdd = birth[2:]
    if mmdd not in _MMDD or expiry[2:] not in _MMDD:
        return None
    year = 2000 + int(birth[:2])
    birth_iso = f"{year}-{mmdd[:2]}-{mmdd[2:]}"
    if birth_iso > today_iso:
        year -= 100
        birth_iso = f"{year}{birth_iso[4:]}"
    if mmdd == "0229" and not _valid_day(year, 2, 29):
        return None
    eyear = base_year + (int(expiry[:2]) - base_year) % 100
    if expiry[2:] == "0229" and not _valid_day(eyear, 2, 29):
        return None
    return birth_iso, f"{eyear}-{expiry[2:4]}-{expiry[4:]}"


def _fast(lines: list[str], lay: Layout, today_iso: str, base_year: int) -> MrzResult | None:
    """The common case, a wholly valid MRZ, with fixed slices; ``None`` on any doubt.

    The slices are the positions of :mod:`.layouts` written out (attribute look-ups cost
    a tenth of the valid path's time); any disagreement is caught by the full path, which
    reads the layouts, and by tests/test_mrz_property.py, which compares both."""
    l1 = lines[0]
    code = l1[:2]
    if code[0] not in lay.codes or code[1] == "V" and lay.codes == "ACI":
        return None
    issuing = l1[2:5].rstrip("<")
    if issuing not in CODES:
        return None
    if lay.lines == 2:
        l2 = lines[1]
        v = l2.encode("ascii").translate(_VALUE_TABLE)
        if (_DIGITS[sum(map(mul, v[:9], _W)) % 10] != l2[9]
                or _DIGITS[sum(map(mul, v[13:19], _W)) % 10] != l2[19]
                or _DIGITS[sum(map(mul, v[21:27], _W)) % 10] != l2[27]):
            return None
        nationality = l2[10:13].rstrip("<")
        birth, expiry = l2[13:19], l2[21:27]
        sex = l2[20]
        if nationality not in CODES or sex not in _SEXES:
            return None
        name = lay.name
        if name == "TD3":
            pcd = l2[42]
            if pcd == "<":
                if l2[28:42] != _EMPTY14:
                    return None
            elif _DIGITS[sum(map(mul, v[28:42], _W)) % 10] != pcd:
                return None
            if _DIGITS[sum(map(mul, v[:10] + v[13:20] + v[21:43], _W)) % 10] != l2[43]:
                return None
            checks = {"document_number": True, "birth_date": True, "expiry_date": True,
                      "optional_data": True, "composite": True}
            optional = l2[28:42].rstrip("<")
        elif name == "TD2":
            if _DIGITS[sum(map(mul, v[:10] + v[13:20] + v[21:35], _W)) % 10] != l2[35]:
                return None
            checks = {"document_number": True, "birth_date": True, "expiry_date": True, "composite": True}
            optional = l2[28:35].rstrip("<")
        else:
            checks = {"document_number": True, "birth_date": True, "expiry_date": True}
            optional = l2[28:].rstrip("<")
        number = l2[:9].rstrip("<")
        name_field = l1[5:]
        optional_2 = ""
    else:
        l2 = lines[1]
        v1 = l1.encode("ascii").translate(_VALUE_TABLE)
        v = l2.encode("ascii").translate(_VALUE_TABLE)
        if (_DIGITS[sum(map(mul, v1[5:14], _W)) % 10] != l1[14]
                or _DIGITS[sum(map(mul, v[:6], _W)) % 10] != l2[6]
                or _DIGITS[sum(map(mul, v[8:14], _W)) % 10] != l2[14]
                or _DIGITS[sum(map(mul, v1[5:30] + v[:7] + v[8:15] + v[18:29], _W)) % 10] != l2[29]):
            return None
        nationality = l2[15:18].rstrip("<")
        birth, expiry = l2[:6], l2[8:14]
        sex = l2[7]
        if nationality not in CODES or sex not in _SEXES:
            return None
        checks = {"document_number": True, "birth_date": True, "expiry_date": True, "composite": True}
        number = l1[5:14].rstrip("<")
        optional = l1[15:30].rstrip("<")
        optional_2 = l2[18:29].rstrip("<")
        name_field = lines[2]
    if not number:
        return None
    dates = _fast_dates(birth, expiry, today_iso, base_year)
    if dates is None:
        return None
    stripped = name_field.rstrip("<")
    primary, _sep, secondary = stripped.partition("<<")
    if not primary or not stripped.replace("<", "").isalpha():
        return None
    notes = []
    truncated = name_field[-1] != "<"
    if truncated:
        notes.append(Problem("truncated", 3 if lay.lines == 3 else 1, "name"))
    expired = dates[1] < today_iso
    if expired:
        notes.append(Problem("expired", value=dates[1]))
    return MrzResult(
        lay.name, lines, code, issuing,
        primary.replace("<", " "),
        _components(secondary) if secondary else "",
        number, nationality, dates[0], _SEXES[sex], dates[1], optional, optional_2,
        checks, [], [], notes, expired, truncated,
    )


def parse(text_or_lines, *, today: date | None = None, correct: bool = True) -> MrzResult:
    """Parse an MRZ (raw text or lines; see :func:`normalise`) into an :class:`MrzResult`.

    ``today`` fixes the century of two-digit years and the expiry test (default: today).
    ``correct=False`` reports every problem without changing a character.
    Raises :class:`~border_app.mrz.normalise.MrzInputError` when the input is unusable.
    """
    lines = normalise(text_or_lines)
    if today is None:
        today = post_today()
    today_iso = today.isoformat()
    lay = layout_for(lines)
    result = _fast(lines, lay, today_iso, today.year - 80)
    if result is not None:
        return result
    work = _Work(lines)
    ls = work.ls

    # 1. numeric fields: letters become digits (field type proves them wrong)
    if correct:
        for sp, field in ((lay.birth, "birth_date"), (lay.expiry, "expiry_date")):
            if not work.span(sp).isdigit():
                work.numeric(sp[0], sp[1], sp[2], field)
        for cd, field in ((lay.number_cd, "document_number"), (lay.birth_cd, "birth_date"),
                          (lay.expiry_cd, "expiry_date"), (lay.optional_cd, "optional_data"),
                          (lay.composite_cd, "composite")):
            if cd is not None and not ls[cd[0]][cd[1]].isdigit():
                work.numeric(cd[0], cd[1], cd[1] + 1, field)

    # 2. document code
    code = ls[0][:2]
    if code[0] not in lay.codes or not (code[1] == "<" or "A" <= code[1] <= "Z") or (
            lay.codes == "ACI" and code[1] == "V"):
        work.problems.append(Problem("doc_code", 1, "document_code", value=code))

    # 3. country codes (digit -> letter only when it yields a known code)
    if correct:
        issuing = work.country((0, 2, 5), "issuing_state")
        nationality = work.country(lay.nationality, "nationality")
    else:
        issuing = ls[0][2:5].rstrip("<")
        nationality = work.span(lay.nationality).rstrip("<")
        if issuing not in CODES:
            work.problems.append(Problem("country", 1, "issuing_state", value=ls[0][2:5]))
        if nationality not in CODES:
            work.problems.append(Problem("country", lay.nationality[0] + 1, "nationality",
                                         value=work.span(lay.nationality)))

    # 4. document number (with the TD1/TD2 long-number rule)
    nl = lay.number[0]
    cdl, cdp = lay.number_cd
    opt_line, opt_start, opt_end = lay.optional
    opt_from = opt_start
    number_segments = [lay.number]
    number_cd = lay.number_cd
    long_broken = False
    if lay.long_number and ls[cdl][cdp] == "<" and ls[opt_line][opt_start] != "<":
        rest = ls[opt_line][opt_start:opt_end]
        cut = rest.find("<")
        remainder = rest if cut < 0 else rest[:cut]
        number_segments = [lay.number, (opt_line, opt_start, opt_start + len(remainder) - 1)]
        number_cd = (opt_line, opt_start + len(remainder) - 1)
        opt_from = opt_start + len(remainder) + 1
        if correct and not ls[number_cd[0]][number_cd[1]].isdigit():
            work.numeric(number_cd[0], number_cd[1], number_cd[1] + 1, "document_number")
    elif lay.long_number and ls[cdl][cdp] == "<":
        work.problems.append(Problem("long_number", cdl + 1, "document_number"))
        long_broken = True

    # 5. dates and their check digits (letters were already turned into digits)
    birth_ok = work.check((lay.birth,), lay.birth_cd, "birth_date")
    expiry_ok = work.check((lay.expiry,), lay.expiry_cd, "expiry_date")
    birth = _birth_date(work, lay.birth, today_iso, today.year)
    expiry = _expiry_date(work, lay.expiry, today.year - 80)

    # 6. document number, personal number, composite. The composite cannot settle an
    # ambiguous correction of a field with its own check digit (Doc 9303 aligns their
    # weights, so every candidate gives the same composite) but it vetoes a "correction"
    # of the field when in fact its check digit was misread.
    composite = (lay.composite, lay.composite_cd) if lay.composite is not None else None
    personal_ok = True
    if lay.optional_cd is not None:
        personal_ok = work.passes((lay.optional,), lay.optional_cd, allow_empty=True)
    if long_broken:
        number_ok = False
    else:
        number_ok = work.check(number_segments, number_cd, "document_number",
                               number_segments if correct else None, veto=composite)
    if lay.optional_cd is not None and not personal_ok:
        personal_ok = work.check((lay.optional,), lay.optional_cd, "personal_number",
                                 (lay.optional,) if correct else None, allow_empty=True, veto=composite,
                                 fix_field="optional_data")
    checks: dict[str, bool] = {"document_number": number_ok, "birth_date": birth_ok, "expiry_date": expiry_ok}
    if lay.optional_cd is not None:
        checks["optional_data"] = personal_ok  # TD3: the personal number
    if composite is not None:
        # Optional data covered only by the composite is never corrected: nothing could
        # tell a misread composite digit from a misread character (a 1-in-10 false fix).
        checks["composite"] = work.check(lay.composite, lay.composite_cd, "composite")
    document_number = "".join(ls[ln][s:e] for ln, s, e in number_segments).rstrip("<")
    if not document_number:
        work.problems.append(Problem("number_empty", nl + 1, "document_number"))
    optional_data = ls[opt_line][opt_from:opt_end].rstrip("<") if opt_from < opt_end else ""
    optional_2 = work.span(lay.optional2).rstrip("<") if lay.optional2 is not None else ""

    # 7. sex
    sex_char = ls[lay.sex[0]][lay.sex[1]]
    sex: str | None = sex_char
    if sex_char == "<":
        sex = None
    elif sex_char not in "MFX":
        work.problems.append(Problem("sex", lay.sex[0] + 1, "sex", value=sex_char))
        sex = None

    # 8. names
    name_field = work.span(lay.name_span)
    name_line = lay.name_span[0] + 1
    stripped = name_field.rstrip("<")
    primary, _sep, secondary = stripped.partition("<<")
    surname = _components(primary)
    given_names = _components(secondary)
    truncated = name_field[-1] != "<"
    if not surname:
        work.problems.append(Problem("name_empty", name_line, "name"))
    if truncated:
        work.notes.append(Problem("truncated", name_line, "name"))
    if not stripped.replace("<", "").isalpha() and stripped:
        work.notes.append(Problem("name_digits", name_line, "name", value=stripped))

    expired = False
    if expiry is not None and expiry < today_iso:
        expired = True
        work.notes.append(Problem("expired", value=expiry))

    if len(work.problems) > 1:
        work.problems.sort(key=lambda p: (p.line, _FIELD_ORDER.get(p.field, 99)))
    return MrzResult(
        format=lay.name,
        lines=ls,
        document_code=ls[0][:2],
        issuing_state=issuing,
        surname=surname,
        given_names=given_names,
        document_number=document_number,
        nationality=nationality,
        birth_date=birth,
        sex=sex,
        expiry_date=expiry,
        optional_data=optional_data,
        optional_data_2=optional_2,
        checks=checks,
        corrections=work.corrections,
        problems=work.problems,
        notes=work.notes,
        expired=expired,
        possibly_truncated=truncated,
    )
