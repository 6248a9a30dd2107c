"""Issue #18, the screenshot walk: every record code the code base writes to the audit trail
has translated words (the coordination keys' entry showed the English word "keys")."""

from __future__ import annotations

import re
from pathlib import Path

from border_app import audit_labels, i18n

ROOT = Path(__file__).resolve().parents[1]
PATTERNS = (re.compile(r'entity="(\w+)"'), re.compile(r'_audit\(\s*\w+,\s*"\w+",\s*"(\w+)"'))


def written_entities() -> set[str]:
    found: set[str] = set()
    for package in ("db", "border_app"):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for pattern in PATTERNS:
                found.update(pattern.findall(text))
    return found


def test_every_entity_written_has_a_label():
    entities = written_entities()
    assert {"user", "crossing", "keys"} <= entities
    assert sorted(entities - set(audit_labels.ENTITY_LABELS)) == []


def test_the_labels_are_translated():
    try:
        i18n.set_language("fr")
        assert audit_labels.entity_label("keys") == "clés de coordination"
        for code in written_entities():
            assert audit_labels.entity_label(code) != code
    finally:
        i18n.set_language("fr")
