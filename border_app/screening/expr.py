"""The rule language: structured conditions compiled to closures (never ``eval``).

A condition is a YAML mapping with exactly one operator key. Conditions are three-valued:
``True``, ``False`` or ``None`` (unknown, e.g. the question was not answered or the birth
date is only a year). A rule fires only when its condition is ``True``. The operators are
documented in ``resources/protocols/README.md``.

Compilation checks every reference (question ids and types, definitions, settings) and
reports the line of the offending node through ``ctx.fail(line, message)``.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from ..i18n import _
from .model import IDENT, QuestionType

MAX_DEPTH = 24
MAX_ITEMS = 64

Value = Callable[[Any], Any]


@dataclass(frozen=True)
class AgeRange:
    """Age in whole months as an interval (a partial birth date gives a range)."""

    lo: int
    hi: int

    def years(self) -> "AgeRange":
        return AgeRange(self.lo // 12, self.hi // 12)


class Env:
    """What conditions read while one decision is computed."""

    __slots__ = ("answers", "age", "sex", "today", "settings", "defs")

    def __init__(self, answers, age, sex, today: date, settings):
        self.answers = answers
        self.age = age          # AgeRange or None
        self.sex = sex
        self.today = today
        self.settings = settings
        self.defs: dict[str, bool | None] = {}


# -- three-valued helpers -------------------------------------------------------------

def _all(parts):
    def run(env):
        unknown = False
        for part in parts:
            r = part(env)
            if r is False:
                return False
            if r is None:
                unknown = True
        return None if unknown else True
    return run


def _any(parts):
    def run(env):
        unknown = False
        for part in parts:
            r = part(env)
            if r is True:
                return True
            if r is None:
                unknown = True
        return None if unknown else False
    return run


def _count_at_least(n, parts):
    def run(env):
        yes = unknown = 0
        for part in parts:
            r = part(env)
            if r is True:
                yes += 1
                if yes >= n:
                    return True
            elif r is None:
                unknown += 1
        return None if yes + unknown >= n else False
    return run


_ORDER_OPS = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}
_EQ_OPS = {"eq": operator.eq, "ne": operator.ne}


def _compare(op_name, left, right):
    op = _ORDER_OPS.get(op_name) or _EQ_OPS[op_name]

    def run(env):
        a = left(env)
        b = right(env)
        if a is None or b is None:
            return None
        if isinstance(a, AgeRange) or isinstance(b, AgeRange):
            return _compare_range(op_name, op, a, b)
        try:
            return bool(op(a, b))
        except TypeError:
            return None
    return run


def _compare_range(op_name, op, a, b):
    if isinstance(a, AgeRange) and isinstance(b, AgeRange):
        return None if (a.lo != a.hi or b.lo != b.hi) else bool(op(a.lo, b.lo))
    if isinstance(a, AgeRange):
        lo, hi, x, swap = a.lo, a.hi, b, False
    else:
        lo, hi, x, swap = b.lo, b.hi, a, True
    if op_name in _EQ_OPS:
        if lo == hi:
            return bool(op(lo, x))
        inside = lo <= x <= hi
        if not inside:
            return op_name == "ne"
        return None
    r_lo = op(x, lo) if swap else op(lo, x)
    r_hi = op(x, hi) if swap else op(hi, x)
    return bool(r_lo) if r_lo == r_hi else None


# -- compiler ---------------------------------------------------------------------------

class Compiler:
    """Compiles the conditions of one protocol. ``ctx`` gives ``fail(line, message)``."""

    SETTINGS = ("fever_threshold_c", "yellow_fever_min_age_months")
    VARS = ("age_months", "age_years", "sex")

    def __init__(self, ctx, questions: dict[str, Any]):
        self.ctx = ctx
        self.questions = questions        # id -> QuestionInfo(type, choices, index)
        self.definitions: set[str] = set()
        self.visible_before: int | None = None   # for show_if: only earlier questions
        self.refs: set[str] = set()

    # helpers
    def fail(self, line, message):
        self.ctx.fail(line, message)

    def _line(self, node, default):
        return getattr(node, "line", default)

    def _question(self, qid, line, *types):
        if not isinstance(qid, str):
            self.fail(line, _("a question id (text) is expected"))
        info = self.questions.get(qid)
        if info is None:
            self.fail(line, _("unknown question \"{id}\" (declare it in this protocol's questions)").format(id=qid))
        assert info is not None         # fail() raised
        if self.visible_before is not None and info.index >= self.visible_before:
            self.fail(line, _("show_if may only refer to questions asked earlier; \"{id}\" comes later").format(id=qid))
        if types and info.type not in types:
            self.fail(line, _("question \"{id}\" has type {type}; this operator needs {expected}").format(
                id=qid, type=info.type.value, expected=" / ".join(t.value for t in types)))
        self.refs.add(qid)
        return info

    def _mapping(self, node, line, keys: dict[str, bool]):
        """Check a mapping argument: ``keys`` maps allowed key -> required."""
        if not isinstance(node, dict):
            self.fail(line, _("a mapping with the keys {keys} is expected").format(keys=", ".join(keys)))
        line = self._line(node, line)
        for key in node:
            if key not in keys:
                self.fail(node.key_lines.get(key, line), _("unknown key \"{key}\"; allowed: {keys}").format(
                    key=key, keys=", ".join(keys)))
        for key, required in keys.items():
            if required and key not in node:
                self.fail(line, _("the key \"{key}\" is missing").format(key=key))
        return line

    def _int(self, value, line, lo, hi):
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            self.fail(line, _("a whole number from {lo} to {hi} is expected").format(lo=lo, hi=hi))
        return value

    def _strings(self, value, line, choices=None):
        if not isinstance(value, list) or not value or len(value) > MAX_ITEMS:
            self.fail(line, _("a non-empty list of values is expected"))
        for i, item in enumerate(value):
            item_line = value.item_lines[i] if hasattr(value, "item_lines") else line
            if not isinstance(item, str):
                self.fail(item_line, _("a text value is expected"))
            if choices is not None and item not in choices:
                self.fail(item_line, _("\"{value}\" is not one of the question's choices ({choices})").format(
                    value=item, choices=", ".join(choices)))
        return tuple(value)

    # conditions
    def condition(self, node, line, depth=0) -> Callable[[Any], bool | None]:
        if depth > MAX_DEPTH:
            self.fail(line, _("conditions are nested too deeply (at most {n} levels)").format(n=MAX_DEPTH))
        if not isinstance(node, dict) or len(node) != 1:
            self.fail(self._line(node, line),
                      _("a condition must be a mapping with exactly one operator, e.g. {example}")
                      .format(example="{all: [...]}"))
        (op, arg), = node.items()
        line = getattr(node, "key_lines", {}).get(op, line)
        arg_line = self._line(arg, line)
        handler = getattr(self, "op_" + op, None) if isinstance(op, str) and IDENT.match(op) else None
        if handler is None:
            self.fail(line, _("unknown operator \"{op}\"; allowed: {ops}").format(op=op, ops=", ".join(OPERATORS)))
        assert handler is not None      # fail() raised
        return handler(arg, arg_line, depth)

    def _conditions(self, arg, line, depth):
        if not isinstance(arg, list) or not arg or len(arg) > MAX_ITEMS:
            self.fail(line, _("a non-empty list of conditions is expected (at most {n})").format(n=MAX_ITEMS))
        return [self.condition(item, arg.item_lines[i], depth + 1) for i, item in enumerate(arg)]

    def op_all(self, arg, line, depth):
        return _all(self._conditions(arg, line, depth))

    def op_any(self, arg, line, depth):
        return _any(self._conditions(arg, line, depth))

    def op_not(self, arg, line, depth):
        inner = self.condition(arg, line, depth + 1)

        def run(env):
            r = inner(env)
            return None if r is None else not r
        return run

    def op_maybe(self, arg, line, depth):
        inner = self.condition(arg, line, depth + 1)
        return lambda env: inner(env) is not False

    def op_count_at_least(self, arg, line, depth):
        line = self._mapping(arg, line, {"n": True, "of": True})
        parts = self._conditions(arg["of"], arg.key_lines["of"], depth)
        n = self._int(arg["n"], arg.key_lines["n"], 1, len(parts))
        return _count_at_least(n, parts)

    def _cmp(self, op, arg, line):
        if not isinstance(arg, list) or len(arg) != 2:
            self.fail(line, _("a comparison needs a list of two values, e.g. {example}").format(
                example="[{answer: temperature}, 38.0]"))
        (left, lkind), (right, rkind) = (self.value(v, arg.item_lines[i]) for i, v in enumerate(arg))
        if op in _ORDER_OPS and ("number" not in (lkind, rkind) or {lkind, rkind} - {"number"}):
            if not (lkind == rkind == "date"):
                self.fail(line, _("\"{op}\" compares numbers; got {left} and {right}")
                                .format(op=op, left=lkind, right=rkind))
        if op in _EQ_OPS and lkind != rkind:
            self.fail(line, _("\"{op}\" compares values of the same kind; got {left} and {right}").format(
                op=op, left=lkind, right=rkind))
        return _compare(op, left, right)

    def op_gt(self, arg, line, depth):
        return self._cmp("gt", arg, line)

    def op_gte(self, arg, line, depth):
        return self._cmp("gte", arg, line)

    def op_lt(self, arg, line, depth):
        return self._cmp("lt", arg, line)

    def op_lte(self, arg, line, depth):
        return self._cmp("lte", arg, line)

    def op_eq(self, arg, line, depth):
        return self._cmp("eq", arg, line)

    def op_ne(self, arg, line, depth):
        return self._cmp("ne", arg, line)

    def op_is_true(self, arg, line, depth):
        self._question(arg, line, QuestionType.BOOLEAN)
        return lambda env: env.answers.get(arg)

    def op_is_false(self, arg, line, depth):
        self._question(arg, line, QuestionType.BOOLEAN)

        def run(env):
            v = env.answers.get(arg)
            return None if v is None else not v
        return run

    def op_answered(self, arg, line, depth):
        self._question(arg, line)
        return lambda env: env.answers.get(arg) not in (None, "")

    def op_includes(self, arg, line, depth):
        line = self._mapping(arg, line, {"question": True, "value": True})
        qid = arg["question"]
        info = self._question(qid, arg.key_lines["question"], QuestionType.CHOICE, QuestionType.MULTI_CHOICE)
        value = self._strings([arg["value"]], arg.key_lines["value"], info.choice_values)[0]
        if info.type is QuestionType.CHOICE:
            def run(env):
                v = env.answers.get(qid)
                return None if v is None else v == value
        else:
            def run(env):
                v = env.answers.get(qid)
                return None if v is None else value in v
        return run

    def op_selected_at_least(self, arg, line, depth):
        line = self._mapping(arg, line, {"question": True, "n": True, "values": True})
        qid = arg["question"]
        info = self._question(qid, arg.key_lines["question"], QuestionType.MULTI_CHOICE)
        values = frozenset(self._strings(arg["values"], arg.key_lines["values"], info.choice_values))
        n = self._int(arg["n"], arg.key_lines["n"], 1, len(values))

        def run(env):
            v = env.answers.get(qid)
            if v is None:
                return None
            return len(values.intersection(v)) >= n
        return run

    def op_within_days(self, arg, line, depth):
        line = self._mapping(arg, line, {"question": True, "days": True})
        qid = arg["question"]
        self._question(qid, arg.key_lines["question"], QuestionType.DATE)
        days = self._int(arg["days"], arg.key_lines["days"], 0, 3650)

        def run(env):
            v = env.answers.get(qid)
            if v is None:
                return None
            elapsed = (env.today - v).days
            return 0 <= elapsed <= days
        return run

    def op_ref(self, arg, line, depth):
        if not isinstance(arg, str) or arg not in self.definitions:
            self.fail(line, _("unknown definition \"{id}\" (definitions must be declared before they are used)")
                            .format(id=arg))
        return lambda env: env.defs.get(arg)

    def op_outbreak(self, arg, line, depth):
        if not isinstance(arg, str) or not IDENT.match(arg):
            self.fail(line, _("a disease name (lower-case letters, digits, _) is expected"))
        return lambda env: arg in env.settings.outbreaks

    def op_visited_affected_area(self, arg, line, depth):
        line = self._mapping(arg, line, {"question": True, "disease": True})
        qid = arg["question"]
        self._question(qid, arg.key_lines["question"], QuestionType.AREAS)
        disease = arg["disease"]
        if not isinstance(disease, str) or not (disease == "*" or IDENT.match(disease)):
            self.fail(arg.key_lines["disease"], _("a disease name or \"*\" (any disease) is expected"))

        def run(env):
            v = env.answers.get(qid)
            if v is None:
                return None
            return not env.settings.areas(disease).isdisjoint(v)
        return run

    # values
    def value(self, node, line) -> tuple[Value, str]:
        """Compile a value; returns (function, kind) with kind number/text/bool/date."""
        if isinstance(node, bool):
            return (lambda env: node), "bool"
        if isinstance(node, (int, float)):
            return (lambda env: node), "number"
        if isinstance(node, str):
            return (lambda env: node), "text"
        if not isinstance(node, dict) or len(node) != 1:
            self.fail(self._line(node, line), _("a value must be a number, a text or one of {forms}").format(
                forms="{answer: ...}, {setting: ...}, {var: ...}, {days_since: ...}"))
        (op, arg), = node.items()
        line = getattr(node, "key_lines", {}).get(op, line)
        if op == "answer":
            info = self._question(arg, line, QuestionType.NUMBER, QuestionType.BOOLEAN, QuestionType.DATE,
                                  QuestionType.CHOICE)
            kind = {QuestionType.NUMBER: "number", QuestionType.BOOLEAN: "bool", QuestionType.DATE: "date",
                    QuestionType.CHOICE: "text"}[info.type]
            return (lambda env: env.answers.get(arg)), kind
        if op == "setting":
            if arg not in self.SETTINGS:
                self.fail(line, _("unknown setting \"{name}\"; allowed: {names}").format(
                    name=arg, names=", ".join(self.SETTINGS)))
            return (lambda env: getattr(env.settings, arg)), "number"
        if op == "var":
            if arg not in self.VARS:
                self.fail(line, _("unknown variable \"{name}\"; allowed: {names}")
                                .format(name=arg, names=", ".join(self.VARS)))
            if arg == "sex":
                return (lambda env: env.sex), "text"
            if arg == "age_months":
                return (lambda env: env.age), "number"
            return (lambda env: None if env.age is None else env.age.years()), "number"
        if op == "days_since":
            self._question(arg, line, QuestionType.DATE)

            def run(env):
                v = env.answers.get(arg)
                return None if v is None else (env.today - v).days
            return run, "number"
        self.fail(line, _("unknown value form \"{op}\"; allowed: {forms}").format(
            op=op, forms="answer, setting, var, days_since"))
        raise AssertionError  # pragma: no cover


OPERATORS = sorted(name[3:] for name in dir(Compiler) if name.startswith("op_"))
