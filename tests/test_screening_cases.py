"""Table-driven decision tests: tests/screening_cases/*.json (format in docs/screening.md).

Each file has ``defaults`` (a case file without expectations) and ``cases``; a case
overrides the defaults, its ``answers`` are merged into the default answers (or replace
them with ``"replace_answers": true``). Every case must meet its ``expect`` block, and
every rule of every shipped protocol must fire in at least one case.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from border_app.screening import load_protocols
from border_app.screening.cases import parse_case, run_case

CASES_DIR = Path(__file__).parent / "screening_cases"


def _table():
    for path in sorted(CASES_DIR.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        defaults = doc["defaults"]
        for i, raw in enumerate(doc["cases"]):
            case = copy.deepcopy(defaults)
            raw = copy.deepcopy(raw)
            replace = raw.pop("replace_answers", False)
            answers = raw.pop("answers", {})
            case.update(raw)
            if replace:
                case["answers"] = answers
            else:
                merged = dict(case.get("answers", {}))
                merged.update(answers)
                case["answers"] = {k: v for k, v in merged.items() if v is not None}
            yield pytest.param(path.name, case, id=f"{path.stem}:{i}:{raw.get('name', '')}")


TABLE = list(_table())


@pytest.fixture(scope="module")
def shipped():
    return load_protocols()


@pytest.mark.parametrize("file, doc", TABLE)
def test_case(file, doc, shipped):
    case = parse_case(doc, name=file)
    assert case.expect, "every table case states what it expects"
    decision = run_case(case, shipped, file=file)
    problems = case.check(decision)
    assert not problems, f"{case.name}: {problems}; fired={[f.protocol_id + '.' + f.rule_id for f in decision.fired]}"


def test_every_shipped_rule_fires_in_some_case(shipped):
    fired = set()
    for param in TABLE:
        file, doc = param.values
        case = parse_case(doc, name=file)
        decision = run_case(case, shipped, file=file)
        fired |= {f"{f.protocol_id}.{f.rule_id}" for f in decision.fired}
    every = {f"{p.id}.{r.id}" for p in shipped for r in p.rules}
    assert every - fired == set(), "rules never exercised by tests/screening_cases"


def test_every_shipped_protocol_has_a_case_file(shipped):
    covered = {p.stem for p in CASES_DIR.glob("*.json")}
    assert set(shipped.ids) <= covered
