"""Case files: a traveller, a time, active protocols and answers, to test protocols.

Format (JSON, UTF-8) documented in ``docs/screening.md``::

    {"name": "...", "traveller": {"birth_date": "1990-04-02", "sex": "F"},
     "at": "2025-06-10T09:00:00+01:00", "protocols": ["general", "ebola_marburg"],
     "answers": {"temperature": 38.4, ...},
     "settings": {"fever_threshold_c": 38.0, "yellow_fever_min_age_months": 12,
                  "outbreaks": ["cholera"], "affected_areas": {"ebola_marburg": ["COD"]}},
     "expect": {"outcome": "isolation", "rules": ["ebola_marburg.suspect_fever_contact"]}}

``settings`` and ``expect`` are optional. Every error names the field that is wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping, NoReturn

from ..errors import InvalidInput
from ..i18n import _
from .model import INCOMPLETE, Decision, Outcome, ScreeningSettings, Traveller

MAX_CASE_BYTES = 1024 * 1024
CASE_KEYS = ("name", "description", "traveller", "at", "protocols", "answers", "settings", "expect")


@dataclass
class Case:
    name: str
    traveller: Traveller
    at: datetime
    protocols: list[str]
    answers: dict[str, Any]
    settings: ScreeningSettings
    expect: dict[str, Any] = field(default_factory=dict)

    def check(self, decision: Decision) -> list[str]:
        """Differences between the decision and ``expect`` (empty: as expected)."""
        problems = []
        if "outcome" in self.expect and decision.status != self.expect["outcome"]:
            problems.append(_("expected outcome {expected}, got {actual}").format(
                expected=self.expect["outcome"], actual=decision.status))
        if "provisional_outcome" in self.expect and decision.outcome.value != self.expect["provisional_outcome"]:
            problems.append(_("expected provisional outcome {expected}, got {actual}").format(
                expected=self.expect["provisional_outcome"], actual=decision.outcome.value))
        fired = {f"{f.protocol_id}.{f.rule_id}" for f in decision.fired}
        for rule in self.expect.get("rules", []):
            if rule not in fired:
                problems.append(_("expected rule {rule} to fire; it did not").format(rule=rule))
        for rule in self.expect.get("not_rules", []):
            if rule in fired:
                problems.append(_("expected rule {rule} not to fire; it did").format(rule=rule))
        if "rules_exactly" in self.expect and sorted(fired) != sorted(self.expect["rules_exactly"]):
            problems.append(_("expected exactly the rules {expected}, got {actual}").format(
                expected=", ".join(sorted(self.expect["rules_exactly"])), actual=", ".join(sorted(fired)) or "-"))
        for action in self.expect.get("actions", []):
            if action not in decision.actions:
                problems.append(_("expected action {action}; it is missing").format(action=action))
        if "missing" in self.expect and sorted(decision.missing) != sorted(self.expect["missing"]):
            problems.append(_("expected unanswered questions {expected}, got {actual}").format(
                expected=", ".join(sorted(self.expect["missing"])) or "-", actual=", ".join(decision.missing) or "-"))
        if "needs_referral" in self.expect and decision.needs_referral != self.expect["needs_referral"]:
            problems.append(_("expected needs_referral {expected}, got {actual}").format(
                expected=self.expect["needs_referral"], actual=decision.needs_referral))
        return problems


class _Bad(Exception):
    def __init__(self, field_name, reason):
        self.field_name, self.reason = field_name, reason


def _fail(name, field_name, reason) -> NoReturn:
    raise InvalidInput(_("Case file {file}, field \"{field}\": {reason}").format(
        file=name, field=field_name, reason=reason))


def read_case(path: str | Path) -> Case:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_CASE_BYTES:
            raise InvalidInput(_("Case file {file}: larger than {size} KB")
                               .format(file=path.name, size=MAX_CASE_BYTES // 1024))
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(_("Cannot read the case file {file}: {reason}").format(
            file=path, reason=exc.strerror or type(exc).__name__)) from None
    return parse_case(data, name=path.name)


def parse_case(data: bytes | str | Mapping[str, Any], *, name: str = "case") -> Case:
    if isinstance(data, (bytes, str)):
        if len(data) > MAX_CASE_BYTES:
            raise InvalidInput(_("Case file {file}: larger than {size} KB")
                               .format(file=name, size=MAX_CASE_BYTES // 1024))
        try:
            doc = json.loads(data)
        except UnicodeDecodeError:
            raise InvalidInput(_("Case file {file}: not UTF-8 text").format(file=name)) from None
        except json.JSONDecodeError as exc:
            raise InvalidInput(_("Case file {file}, line {line}: invalid JSON ({problem})").format(
                file=name, line=exc.lineno, problem=exc.msg)) from None
        except RecursionError:
            raise InvalidInput(_("Case file {file}: nested too deeply").format(file=name)) from None
    else:
        doc = data
    if not isinstance(doc, dict):
        raise InvalidInput(_("Case file {file}: a JSON object is expected").format(file=name))
    for key in doc:
        if key not in CASE_KEYS:
            _fail(name, key, _("unknown field; allowed: {keys}").format(keys=", ".join(CASE_KEYS)))

    trav = doc.get("traveller")
    if not isinstance(trav, dict):
        _fail(name, "traveller", _("an object with birth_date and sex is expected"))
    for key in trav:
        if key not in ("birth_date", "sex"):
            _fail(name, f"traveller.{key}", _("unknown field; allowed: birth_date, sex"))
    birth = trav.get("birth_date")
    if birth is not None:
        from ..model import check_partial_date
        try:
            check_partial_date(birth if isinstance(birth, str) else "?")
        except ValueError:
            _fail(name, "traveller.birth_date", _("a date YYYY, YYYY-MM or YYYY-MM-DD is expected"))
    sex = trav.get("sex")
    if sex not in (None, "M", "F", "X"):
        _fail(name, "traveller.sex", _("M, F, X or null is expected"))

    at_text = doc.get("at")
    try:
        at = datetime.fromisoformat(at_text) if isinstance(at_text, str) and len(at_text) <= 40 else None
    except ValueError:
        at = None
    if at is None:
        _fail(name, "at", _("a date and time such as 2025-06-10T09:00:00+01:00 is expected"))

    protocols = doc.get("protocols")
    if not isinstance(protocols, list) or not protocols or not all(isinstance(p, str) for p in protocols) \
            or len(protocols) > 50:
        _fail(name, "protocols", _("a non-empty list of protocol ids is expected"))

    answers = doc.get("answers", {})
    if not isinstance(answers, dict):
        _fail(name, "answers", _("an object of question ids and answers is expected"))

    raw = doc.get("settings", {})
    if not isinstance(raw, dict):
        _fail(name, "settings", _("an object is expected"))
    kwargs: dict[str, Any] = {}
    for key, value in raw.items():
        if key in ("fever_threshold_c", "yellow_fever_min_age_months"):
            kwargs[key] = value
        elif key == "outbreaks":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                _fail(name, "settings.outbreaks", _("a list of disease names is expected"))
            kwargs[key] = frozenset(value)
        elif key == "affected_areas":
            if not isinstance(value, dict) or not all(
                    isinstance(v, list) and all(isinstance(a, str) for a in v) for v in value.values()):
                _fail(name, "settings.affected_areas",
                      _("an object of disease names and lists of area codes is expected"))
            kwargs[key] = value
        else:
            _fail(name, f"settings.{key}", _("unknown setting; allowed: {keys}").format(
                keys="fever_threshold_c, yellow_fever_min_age_months, outbreaks, affected_areas"))
    try:
        settings = ScreeningSettings(**kwargs)
    except ValueError as exc:
        field_name = "settings." + ("fever_threshold_c" if "fever" in str(exc) else "yellow_fever_min_age_months")
        _fail(name, field_name, _("out of range (fever threshold 36 to 40 °C; yellow fever age 0 to 24 months)"))

    expect = doc.get("expect", {})
    if not isinstance(expect, dict):
        _fail(name, "expect", _("an object is expected"))
    for key, value in expect.items():
        if key in ("outcome", "provisional_outcome"):
            allowed = [o.value for o in Outcome] + ([INCOMPLETE] if key == "outcome" else [])
            if value not in allowed:
                _fail(name, f"expect.{key}", _("one of {values} is expected").format(values=", ".join(allowed)))
        elif key in ("rules", "not_rules", "rules_exactly", "actions", "missing"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                _fail(name, f"expect.{key}", _("a list of texts is expected"))
        elif key == "needs_referral":
            if not isinstance(value, bool):
                _fail(name, "expect.needs_referral", _("true or false is expected"))
        else:
            _fail(name, f"expect.{key}", _("unknown field; allowed: {keys}").format(
                keys="outcome, provisional_outcome, rules, not_rules, rules_exactly, actions, missing, needs_referral"))
    case_name = doc.get("name", name)
    if not isinstance(case_name, str):
        _fail(name, "name", _("a text is expected"))
    return Case(name=case_name, traveller=Traveller(birth_date=birth, sex=sex), at=at, protocols=list(protocols),
                answers=dict(answers), settings=settings, expect=dict(expect))


def run_case(case: Case, protocol_set, *, file: str = "case") -> Decision:
    """Evaluate ``case``; a wrong answer or protocol id raises InvalidInput naming the field."""
    from .engine import evaluate

    active = []
    for i, pid in enumerate(case.protocols):
        if pid not in protocol_set:
            _fail(file, f"protocols[{i}]", _("unknown protocol \"{id}\"; installed: {ids}").format(
                id=pid, ids=", ".join(protocol_set.ids)))
        active.append(protocol_set.get(pid))
    try:
        return evaluate(active, case.traveller, case.at, case.answers, case.settings)
    except InvalidInput as exc:
        bad = _bad_answer(active, case)
        _fail(file, bad or "answers", exc.message)
        raise  # pragma: no cover


def _bad_answer(active, case: Case) -> str | None:
    from .engine import merged_questions, validate_answer

    by_id = {mq.id: mq.question for mq in merged_questions(active)}
    for key, value in case.answers.items():
        if key not in by_id:
            return f"answers.{key}"
        try:
            validate_answer(by_id[key], value, at=case.at)
        except InvalidInput:
            return f"answers.{key}"
    return None
