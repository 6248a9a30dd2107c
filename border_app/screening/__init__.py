"""Health screening at the point of entry: protocols as data and the decision engine.

Public API (pure Python, no Qt, no database)::

    protocols = load_protocols()                       # ProtocolSet of the shipped files
    active = protocols.select(settings.active_protocols)
    questions = applicable_questions(active, traveller, at, answers, screening_settings)
    decision = evaluate(active, Traveller("1990-04-02", "F"), at, answers, screening_settings)
    decision.outcome, decision.fired, decision.actions, decision.protocol_versions
    spec = build_form(active, traveller, at, screening_settings)   # for ui/screening_form.py
    record = screening_record(active, traveller, at, answers, screening_settings, referral)
    record.outcome, record.answers, record.temperature, record.referral   # what is stored

The schema of protocol files is documented in ``resources/protocols/README.md``.
"""

from .engine import (
    MergedQuestion, age_range, answers_for_record, applicable_questions, evaluate, merged_questions,
    validate_answer,
)
from .form import FormField, FormSection, FormSpec, build_form
from .loader import (
    SCHEMA_VERSION, ProtocolError, ProtocolSet, default_active_protocols, load_protocols, parse_protocol, shipped_files,
)
from .model import (
    BUILTIN_ACTIONS, INCOMPLETE, Choice, Decision, Definition, FiredRule, Outcome, Protocol, Question, QuestionType,
    Rule, ScreeningSettings, Section, Source, Text, Traveller, action_label,
)
from .record import Referral, ScreeningRecord, certificate_summary, screening_record

__all__ = [
    "BUILTIN_ACTIONS", "INCOMPLETE", "Choice", "Decision", "Definition", "FiredRule", "FormField", "FormSection",
    "FormSpec", "MergedQuestion", "Outcome", "Protocol", "ProtocolError", "ProtocolSet", "Question", "QuestionType",
    "Referral", "Rule", "SCHEMA_VERSION", "ScreeningRecord", "ScreeningSettings", "Section", "Source", "Text",
    "Traveller", "action_label", "age_range",
    "answers_for_record", "applicable_questions", "build_form", "certificate_summary", "default_active_protocols",
    "evaluate",
    "load_protocols", "merged_questions",
    "parse_protocol", "screening_record", "shipped_files", "validate_answer",
]
