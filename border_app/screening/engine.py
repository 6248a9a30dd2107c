"""The decision engine: which questions apply, answer validation, and the decision.

Pure and deterministic: the result depends only on the protocols (in the order given),
the traveller, the evaluation time, the answers and the settings. Several protocols
combine: each is evaluated, the most severe outcome wins and every fired rule is listed.
"""

from __future__ import annotations

import calendar
import dataclasses
import math
import re
from datetime import date, datetime
from typing import Any, Mapping, Sequence

from ..clock import post_day
from ..errors import InvalidInput
from ..i18n import _
from .expr import AgeRange, Env
from .model import (
    Decision, FiredRule, Outcome, Protocol, Question, QuestionType, ScreeningSettings, Traveller,
)

DEFAULT_SETTINGS = ScreeningSettings()
_AREA = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,11}$")
MAX_AREAS = 50
_TRUE = {"true", "yes", "oui", "o", "y", "1"}
_FALSE = {"false", "no", "non", "n", "0"}
#: typed in an areas field, these say "no area" (a required question answered: none)
NO_AREA_WORDS = {"-", "none", "aucun", "aucune", "néant", "neant"}


# -- merged questions ----------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, eq=False)
class MergedQuestion:
    """One question as shown once, whatever the number of protocols that declare it."""

    question: Question                 # first declaration (choices: union of all)
    declarations: tuple[Question, ...]

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def protocols(self) -> tuple[str, ...]:
        return tuple(d.protocol_id for d in self.declarations)


_merge_cache: dict[tuple, tuple[MergedQuestion, ...]] = {}


def merged_questions(protocols: Sequence[Protocol]) -> tuple[MergedQuestion, ...]:
    key = tuple(protocols)
    cached = _merge_cache.get(key)
    if cached is not None:
        return cached
    order: list[str] = []
    decls: dict[str, list[Question]] = {}
    for p in protocols:
        for q in p.questions:
            if q.id not in decls:
                order.append(q.id)
                decls[q.id] = []
            decls[q.id].append(q)
    out = []
    for qid in order:
        group = decls[qid]
        first = group[0]
        if first.choices and len(group) > 1:
            choices = list(first.choices)
            known = {c.value for c in choices}
            for other in group[1:]:
                for c in other.choices:
                    if c.value not in known:
                        known.add(c.value)
                        choices.append(c)
            first = dataclasses.replace(first, choices=tuple(choices))
        out.append(MergedQuestion(question=first, declarations=tuple(group)))
    result = tuple(out)
    if len(_merge_cache) > 64:
        _merge_cache.clear()
    _merge_cache[key] = result
    return result


# -- age ----------------------------------------------------------------------------------

def _months_between(born: date, today: date) -> int:
    months = (today.year - born.year) * 12 + (today.month - born.month)
    if today.day < born.day:
        months -= 1
    return months


def age_range(birth_date: date | str | None, today: date) -> AgeRange | None:
    """Completed months of age; a partial birth date (``1985``, ``1985-03``) gives a range."""
    if birth_date in (None, ""):
        return None
    if isinstance(birth_date, datetime):
        birth_date = birth_date.date()
    if isinstance(birth_date, date):
        earliest = latest = birth_date
    else:
        text = str(birth_date).strip()
        m = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", text)
        if not m:
            raise InvalidInput(_("Birth date \"{value}\" is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
                               .format(value=text[:40]))
        y, mo, d = m.groups()
        try:
            if d:
                earliest = latest = date(int(y), int(mo), int(d))
            elif mo:
                last = calendar.monthrange(int(y), int(mo))[1]
                earliest, latest = date(int(y), int(mo), 1), date(int(y), int(mo), last)
            else:
                earliest, latest = date(int(y), 1, 1), date(int(y), 12, 31)
        except ValueError:
            raise InvalidInput(_("Birth date \"{value}\" does not exist").format(value=text)) from None
    if earliest > today:
        raise InvalidInput(_("The birth date is after the screening date"))
    hi = _months_between(earliest, today)
    lo = max(0, _months_between(latest, today)) if latest <= today else 0
    return AgeRange(lo, hi)


# -- answers ------------------------------------------------------------------------------

def _fmt(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}" if decimals else f"{value:g}"


def validate_answer(question: Question, value: Any, *, at: datetime | date | None = None) -> Any:
    """The answer in its normal form (``None``: not answered), or :class:`InvalidInput`
    with a translated message naming the question."""
    label = question.label.get()
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    t = question.type
    if t is QuestionType.BOOLEAN:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise InvalidInput(_("{question}: answer yes or no").format(question=label))
    if t is QuestionType.NUMBER:
        number = value
        if isinstance(value, str):
            text = value.strip().replace(",", ".")
            if len(text) > 20:
                number = None
            else:
                try:
                    number = float(text)
                except ValueError:
                    number = None
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number):
            raise InvalidInput(_("{question}: \"{value}\" is not a number")
                               .format(question=label, value=str(value)[:20]))
        number = float(number)
        lo, hi = question.minimum, question.maximum
        assert lo is not None and hi is not None    # the loader requires both of a number question
        if question.is_temperature and not lo <= number <= hi:
            raise InvalidInput(_(
                "Temperature {value} °C is impossible: enter a value from {min} to {max} °C "
                "(measure again if needed)").format(
                    value=_fmt(number, 1), min=_fmt(lo, 0), max=_fmt(hi, 0)))
        if not lo <= number <= hi:
            raise InvalidInput(_("{question}: {value} is out of range ({min} to {max} {unit})").format(
                question=label, value=_fmt(number, question.decimals), min=_fmt(lo, question.decimals),
                max=_fmt(hi, question.decimals), unit=question.unit or "").strip())
        return round(number, question.decimals) if question.decimals else float(round(number))
    if t is QuestionType.DATE:
        day = _parse_date(value)
        if day is None:
            raise InvalidInput(_("{question}: \"{value}\" is not a date (DD/MM/YYYY)").format(
                question=label, value=str(value)[:20]))
        today = _today(at) if at is not None else None
        if day.year < 1900:
            raise InvalidInput(_("{question}: the date is too old").format(question=label))
        if today is not None and day > today:
            raise InvalidInput(_("{question}: the date {date} is in the future").format(
                question=label, date=day.strftime("%d/%m/%Y")))
        return day
    if t is QuestionType.CHOICE:
        values = [c.value for c in question.choices]
        if isinstance(value, str) and value in values:
            return value
        raise InvalidInput(_("{question}: \"{value}\" is not one of {choices}").format(
            question=label, value=str(value)[:40], choices=", ".join(values)))
    if t is QuestionType.MULTI_CHOICE:
        values = [c.value for c in question.choices]
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, (list, tuple, set, frozenset)) or len(value) > len(values):
            raise InvalidInput(_("{question}: a list of choices is expected").format(question=label))
        for v in value:
            if v not in values:
                raise InvalidInput(_("{question}: \"{value}\" is not one of {choices}").format(
                    question=label, value=str(v)[:40], choices=", ".join(values)))
        chosen = set(value)
        return tuple(v for v in values if v in chosen)
    if t is QuestionType.AREAS:
        if isinstance(value, str) and value.strip().lower() in NO_AREA_WORDS:
            return ()          # said explicitly: none (an empty field is no answer)
        if isinstance(value, str):
            value = [v for v in re.split(r"[,;\s]+", value) if v]
        if not isinstance(value, (list, tuple, set, frozenset)) or len(value) > MAX_AREAS:
            raise InvalidInput(_("{question}: a list of at most {n} country or area codes is expected").format(
                question=label, n=MAX_AREAS))
        codes = []
        for v in value:
            code = str(v).strip().upper()
            if not _AREA.match(code):
                raise InvalidInput(_("{question}: \"{value}\" is not a country or area code (e.g. NGA, MLI)").format(
                    question=label, value=str(v)[:20]))
            if code not in codes:
                codes.append(code)
        return tuple(codes)
    raise AssertionError(t)  # pragma: no cover


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) > 20:
        return None
    text = value.strip()
    for pattern, order in ((r"^(\d{4})-(\d{1,2})-(\d{1,2})$", "ymd"),
                           (r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$", "dmy")):
        m = re.match(pattern, text)
        if m:
            a, b, c = (int(x) for x in m.groups())
            y, mo, d = (a, b, c) if order == "ymd" else (c, b, a)
            try:
                return date(y, mo, d)
            except ValueError:
                return None
    return None


def _today(at: datetime | date) -> date:
    """The post's day at ``at`` (a naive ``at`` is taken as it is): at 00:30 at the post, a
    date of exposure written as today's is not in the future, whatever the laptop's zone."""
    if isinstance(at, datetime):
        return post_day(at) if at.tzinfo is not None else at.date()
    if isinstance(at, date):
        return at
    raise InvalidInput(_("The evaluation time is missing or is not a date and time"))


def _env(traveller: Traveller, at, answers, settings: ScreeningSettings) -> Env:
    today = _today(at)
    sex = traveller.sex if traveller.sex in ("M", "F", "X") else None
    return Env(answers, age_range(traveller.birth_date, today), sex, today, settings)


def _visible(merged: Sequence[MergedQuestion], env: Env, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Answers to the questions that apply (applies_to not false, show_if true), iterated
    until stable so that a hidden question's stale answer never counts."""
    current = dict(raw)
    for _round in range(len(merged) + 1):
        env.answers = current
        shown = {}
        for mq in merged:
            for q in mq.declarations:
                if q.applies_to is not None and q.applies_to(env) is False:
                    continue
                if q.show_if is not None and q.show_if(env) is not True:
                    continue
                shown[mq.id] = True
                break
        nxt = {k: v for k, v in raw.items() if k in shown}
        if nxt == current:
            env.answers = current
            return shown
        current = nxt
    env.answers = current  # pragma: no cover - cannot oscillate more than len(merged) times
    return shown


def _normalise(merged: Sequence[MergedQuestion], answers: Mapping[str, Any], at, strict: bool) -> dict[str, Any]:
    if not isinstance(answers, Mapping):
        raise InvalidInput(_("The answers must be a mapping of question ids to values"))
    by_id = {mq.id: mq.question for mq in merged}
    out = {}
    for key, value in answers.items():
        q = by_id.get(key)
        if q is None:
            if strict:
                raise InvalidInput(_("Unknown question \"{id}\" for the active protocols").format(id=str(key)[:60]))
            continue
        v = validate_answer(q, value, at=at)
        if v is not None:
            out[key] = v
    return out


def applicable_questions(protocols: Sequence[Protocol], traveller: Traveller, at: datetime | date,
                         answers: Mapping[str, Any] | None = None,
                         settings: ScreeningSettings | None = None) -> list[Question]:
    """The questions to ask now, in order: by age and sex, and by the answers given so far."""
    settings = settings or DEFAULT_SETTINGS
    merged = merged_questions(protocols)
    clean = _normalise(merged, answers or {}, at, strict=False)
    env = _env(traveller, at, clean, settings)
    shown = _visible(merged, env, clean)
    return [mq.question for mq in merged if mq.id in shown]


def evaluate(protocols: Sequence[Protocol], traveller: Traveller, at: datetime | date,
             answers: Mapping[str, Any], settings: ScreeningSettings | None = None,
             *, strict: bool = True) -> Decision:
    """The decision for one traveller. ``strict``: unknown answer ids are an error."""
    settings = settings or DEFAULT_SETTINGS
    if not protocols:
        raise InvalidInput(_("No screening protocol is active"))
    merged = merged_questions(protocols)
    clean = _normalise(merged, answers, at, strict)
    env = _env(traveller, at, clean, settings)
    shown = _visible(merged, env, clean)
    missing = tuple(mq.id for mq in merged
                    if mq.id in shown and mq.id not in env.answers and any(d.required for d in mq.declarations))
    fired: list[FiredRule] = []
    met: list[str] = []
    for p in protocols:
        env.defs = {}
        for d in p.definitions:
            r = d.when(env)
            env.defs[d.id] = r
            if r is True:
                met.append(f"{p.id}.{d.id}")
        for rule in p.rules:
            if rule.when(env) is True:
                fired.append(FiredRule(p.id, p.version, rule.id, rule.outcome, rule.reason))
    outcome = max((f.outcome for f in fired), default=Outcome.CLEARED)
    fired.sort(key=lambda f: -f.outcome.severity)   # stable: most severe first, then file order
    actions: list[str] = []
    rule_actions = {(p.id, r.id): r.actions for p in protocols for r in p.rules}
    for f in fired:
        for a in rule_actions[(f.protocol_id, f.rule_id)]:
            if a not in actions:
                actions.append(a)
    if outcome is Outcome.CLEARED and "health_info" not in actions:
        actions.append("health_info")
    needs_referral = outcome >= Outcome.REFERRAL or any(a in ("refer", "refer_urgent") for a in actions)
    return Decision(
        outcome=outcome, fired=tuple(fired), actions=tuple(actions),
        protocol_versions={p.id: p.version for p in protocols}, needs_referral=needs_referral,
        missing=missing, definitions_met=tuple(met), settings=settings.as_dict(),
    )


def answers_for_record(protocols: Sequence[Protocol], answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answers in a JSON-friendly form (dates as ISO text, lists as lists)."""
    out: dict[str, Any] = {}
    for key in sorted(answers):
        v = answers[key]
        if isinstance(v, date):
            v = v.isoformat()
        elif isinstance(v, (tuple, set, frozenset)):
            v = list(v)
        out[key] = v
    return out
