"""The form model the screener's screen is generated from (pure; no Qt).

:func:`build_form` groups the questions that apply to this traveller (by age and sex)
into sections and gives each a widget hint. Questions with ``show_if`` are part of the
form; the screen shows or hides them live with :func:`applicable_questions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Sequence

from .engine import DEFAULT_SETTINGS, _env, merged_questions
from .model import Protocol, Question, QuestionType, ScreeningSettings, Section, Traveller

WIDGETS = {
    QuestionType.BOOLEAN: "yes_no",
    QuestionType.NUMBER: "number",
    QuestionType.DATE: "date",
    QuestionType.CHOICE: "choice",
    QuestionType.MULTI_CHOICE: "checklist",
    QuestionType.AREAS: "areas",
}


@dataclass(frozen=True)
class FormField:
    question: Question
    widget: str                   # temperature, number, yes_no, date, choice, checklist, areas
    protocols: tuple[str, ...]    # the protocols that ask it
    conditional: bool             # has a show_if: shown only after some answers

    @property
    def id(self) -> str:
        return self.question.id


@dataclass(frozen=True)
class FormSection:
    section: Section
    fields: tuple[FormField, ...]

    @property
    def title(self) -> str:
        return self.section.label


@dataclass(frozen=True)
class FormSpec:
    protocols: tuple[Protocol, ...]
    traveller: Traveller
    at: datetime | date
    settings: ScreeningSettings
    sections: tuple[FormSection, ...]

    def fields(self) -> list[FormField]:
        return [f for s in self.sections for f in s.fields]

    def field(self, qid: str) -> FormField:
        for f in self.fields():
            if f.id == qid:
                return f
        raise KeyError(qid)


def build_form(protocols: Sequence[Protocol], traveller: Traveller, at: datetime | date,
               settings: ScreeningSettings | None = None) -> FormSpec:
    settings = settings or DEFAULT_SETTINGS
    protocols = tuple(protocols)
    env = _env(traveller, at, {}, settings)
    by_section: dict[Section, list[FormField]] = {s: [] for s in Section}
    for mq in merged_questions(protocols):
        decls = [d for d in mq.declarations if d.applies_to is None or d.applies_to(env) is not False]
        if not decls:
            continue
        q = mq.question
        widget = "temperature" if q.is_temperature else WIDGETS[q.type]
        by_section[q.section].append(FormField(
            question=q, widget=widget, protocols=tuple(d.protocol_id for d in decls),
            conditional=all(d.show_if is not None for d in decls)))
    sections = tuple(FormSection(s, tuple(fields)) for s, fields in by_section.items() if fields)
    return FormSpec(protocols=protocols, traveller=traveller, at=at, settings=settings, sections=sections)
