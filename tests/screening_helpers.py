"""Screening records as the screener's form gives them, for tests: every required
question answered (a screening with an answer missing has no outcome and is refused)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from border_app.screening import (
    QuestionType, ScreeningRecord, ScreeningSettings, Traveller, evaluate, load_protocols, screening_record,
)

NEUTRAL = {
    QuestionType.BOOLEAN: False,
    QuestionType.MULTI_CHOICE: [],
    QuestionType.AREAS: [],
}


def complete_answers(protocols, answers: dict[str, Any]) -> dict[str, Any]:
    """``answers`` with every other question of ``protocols`` answered neutrally (no, none,
    the first choice, 36.8 °C): questions that do not apply to a traveller are ignored by
    the engine, so the result is complete for any traveller."""
    out = dict(answers)
    for p in protocols:
        for q in p.questions:
            if q.id in out:
                continue
            if q.type in NEUTRAL:
                out[q.id] = NEUTRAL[q.type]
            elif q.type is QuestionType.CHOICE:
                out[q.id] = q.choices[0].value
            elif q.type is QuestionType.NUMBER:
                out[q.id] = 36.8 if q.is_temperature else q.minimum
    return out


def submission(protocol_ids=("general", "meningitis"), answers=None, *, traveller=("1990-04", "F"),
               referral=None, at: datetime | None = None, settings: ScreeningSettings | None = None,
               certificate=None) -> ScreeningRecord:
    """The record ``ScreeningForm.submitted`` emits for these answers, completed, with the real
    engine (``referral`` is kept only when the outcome calls for one, as the form does)."""
    protocols = load_protocols().select(list(protocol_ids))
    answers = complete_answers(protocols, answers or {})
    at = at or datetime.now(timezone.utc)
    settings = settings or ScreeningSettings()
    d = evaluate(protocols, Traveller(*traveller), at, answers, settings, strict=False)
    assert d.complete, d.missing
    return screening_record(protocols, Traveller(*traveller), at, answers, settings,
                            referral if d.needs_referral else None, certificate)
