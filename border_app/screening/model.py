"""Records of the screening engine: protocols as loaded, travellers, settings, decisions.

Everything here is plain data (frozen dataclasses); the loader builds protocols, the
engine reads them. Labels written by protocol authors (question labels, reasons) are
*data* in French and English (:class:`Text`); the engine's own words go through gettext.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Mapping

from ..i18n import N_, _, current_language


class Outcome(str, enum.Enum):
    """Outcome of a screening, ordered by severity (``CLEARED < ... < ISOLATION``)."""

    CLEARED = "cleared"
    SECONDARY = "secondary"
    REFERRAL = "referral"
    ISOLATION = "isolation"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]

    def __lt__(self, other):
        if not isinstance(other, Outcome):
            return NotImplemented
        return self.severity < other.severity

    def __le__(self, other):
        if not isinstance(other, Outcome):
            return NotImplemented
        return self.severity <= other.severity

    def __gt__(self, other):
        if not isinstance(other, Outcome):
            return NotImplemented
        return self.severity > other.severity

    def __ge__(self, other):
        if not isinstance(other, Outcome):
            return NotImplemented
        return self.severity >= other.severity

    @property
    def label(self) -> str:
        return _(OUTCOME_LABELS[self])

    @property
    def advice(self) -> str:
        return _(OUTCOME_ADVICE[self])


_SEVERITY = {Outcome.CLEARED: 0, Outcome.SECONDARY: 1, Outcome.REFERRAL: 2, Outcome.ISOLATION: 3}

OUTCOME_LABELS = {
    Outcome.CLEARED: N_("Cleared"),
    Outcome.SECONDARY: N_("Secondary screening"),
    Outcome.REFERRAL: N_("Referral to a health facility"),
    Outcome.ISOLATION: N_("Isolation"),
}
OUTCOME_ADVICE = {
    Outcome.CLEARED: N_("No sign found: the traveller may continue; give the health information leaflet."),
    Outcome.SECONDARY: N_("A health professional must assess the traveller before the crossing continues."),
    Outcome.REFERRAL: N_("Refer the traveller to a health facility and fill in the referral."),
    Outcome.ISOLATION: N_("Isolate the traveller now, protect staff, refer and notify the health authorities."),
}

#: the status of a screening some of whose required questions have no answer yet: no outcome
#: can be given, nothing can be saved or printed (never shown as cleared)
INCOMPLETE = "incomplete"
INCOMPLETE_LABEL = N_("Incomplete")
INCOMPLETE_ADVICE = N_("Answer every question marked * before the outcome can be given and the screening recorded.")

# Follow-up actions every protocol may name (protocols may declare their own, with labels).
BUILTIN_ACTIONS: dict[str, str] = {
    "health_info": N_("Give the health information leaflet"),
    "secondary_screening": N_("Send to secondary screening (health professional)"),
    "confirm_temperature": N_("Confirm the temperature with a clinical thermometer"),
    "isolate": N_("Isolate in the holding room; staff wear protective equipment"),
    "refer": N_("Refer to a health facility"),
    "refer_urgent": N_("Urgent referral to a health facility"),
    "notify": N_("Notify the district health authorities at once"),
    "no_travel": N_("The traveller must not continue the journey (medical evacuation only)"),
    "monitor_21_days": N_("Record contact details for follow-up during 21 days"),
    "monitor_14_days": N_("Record contact details for follow-up during 14 days"),
    "mask": N_("Give a medical mask to the traveller"),
    "test": N_("Arrange a diagnostic test"),
    "start_ors": N_("Start oral rehydration (ORS) at once"),
    "hand_hygiene": N_("Hand hygiene and disinfection of the area"),
    "vaccinate_yellow_fever": N_("Offer yellow fever vaccination at the point of entry"),
    "yellow_fever_surveillance": N_("Medical surveillance (up to 6 days) instead of vaccination"),
}

IDENT = re.compile(r"^[a-z][a-z0-9_]{0,47}$")


@dataclass(frozen=True)
class Text:
    """A text written by a protocol author, in French and English."""

    fr: str
    en: str

    def get(self, lang: str | None = None) -> str:
        return self.en if (lang or current_language()) == "en" else self.fr

    def as_dict(self) -> dict[str, str]:
        return {"fr": self.fr, "en": self.en}


class QuestionType(str, enum.Enum):
    BOOLEAN = "boolean"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    AREAS = "areas"          # list of country (ISO 3166 alpha-3) or area codes


class Section(str, enum.Enum):
    MEASUREMENT = "measurement"
    OBSERVATION = "observation"
    SYMPTOMS = "symptoms"
    EXPOSURE = "exposure"
    VACCINATION = "vaccination"

    @property
    def label(self) -> str:
        return _(SECTION_LABELS[self])


SECTION_LABELS = {
    Section.MEASUREMENT: N_("Temperature"),
    Section.OBSERVATION: N_("Observation"),
    Section.SYMPTOMS: N_("Symptoms"),
    Section.EXPOSURE: N_("Travel and exposure"),
    Section.VACCINATION: N_("Vaccination"),
}

# A compiled condition: env -> True / False / None (unknown).
Condition = Callable[[Any], "bool | None"]


@dataclass(frozen=True)
class Choice:
    value: str
    label: Text


@dataclass(frozen=True, eq=False)
class Question:
    id: str
    type: QuestionType
    label: Text
    section: Section
    protocol_id: str
    help: Text | None = None
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    decimals: int = 0
    choices: tuple[Choice, ...] = ()
    required: bool = False
    applies_to: Condition | None = None     # None: everyone; unknown age/sex: asked
    show_if: Condition | None = None        # None: always; shown only when True
    show_if_refs: frozenset[str] = frozenset()
    line: int = 0

    @property
    def is_temperature(self) -> bool:
        return self.type is QuestionType.NUMBER and self.unit == "°C"

    def choice_label(self, value: str, lang: str | None = None) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.label.get(lang)
        return value


@dataclass(frozen=True, eq=False)
class Definition:
    id: str
    when: Condition
    label: Text | None = None
    line: int = 0


@dataclass(frozen=True, eq=False)
class Rule:
    id: str
    when: Condition
    outcome: Outcome
    reason: Text
    actions: tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Source:
    key: str
    url: str
    title: str = ""


@dataclass(frozen=True, eq=False)
class Protocol:
    """One protocol file, validated and compiled (conditions are closures, never eval)."""

    id: str
    version: int
    published: date
    title: Text
    questions: tuple[Question, ...]
    definitions: tuple[Definition, ...]
    rules: tuple[Rule, ...]
    summary: Text | None = None
    sources: tuple[Source, ...] = ()
    actions: Mapping[str, Text] = field(default_factory=dict)
    digest: str = ""          # SHA-256 of the file bytes
    applicability: str = "outbreak"   # "standing": enabled on every new post (see default_active_protocols)
    file_name: str = ""

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)

    def action_label(self, action: str, lang: str | None = None) -> str:
        if action in self.actions:
            return self.actions[action].get(lang)
        if action in BUILTIN_ACTIONS:
            return gettext_in(BUILTIN_ACTIONS[action], lang)
        return action


def gettext_in(message: str, lang: str | None) -> str:
    from ..i18n import gettext

    return gettext(message, lang)


def action_label(action: str, protocols: "list[Protocol] | tuple[Protocol, ...]" = (), lang: str | None = None) -> str:
    """The label of a follow-up action (built-in, or declared by one of ``protocols``)."""
    for protocol in protocols:
        if action in protocol.actions:
            return protocol.actions[action].get(lang)
    if action in BUILTIN_ACTIONS:
        return gettext_in(BUILTIN_ACTIONS[action], lang)
    return action


@dataclass(frozen=True)
class Traveller:
    """What the engine knows of the traveller: partial or full birth date, and sex."""

    birth_date: date | str | None = None   # date, or partial ISO "1985", "1985-03", "1985-03-12"
    sex: str | None = None                 # "M", "F", "X" or None


@dataclass(frozen=True)
class ScreeningSettings:
    """Post settings the protocols may read (``{setting: name}``, ``outbreak``, areas)."""

    yellow_fever_min_age_months: int = 12
    fever_threshold_c: float = 38.0
    outbreaks: frozenset[str] = frozenset()                  # diseases with a declared outbreak
    affected_areas: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # disease -> codes

    NUMERIC = ("yellow_fever_min_age_months", "fever_threshold_c")

    def __post_init__(self):
        if isinstance(self.yellow_fever_min_age_months, bool) or not isinstance(self.yellow_fever_min_age_months, int) \
                or not 0 <= self.yellow_fever_min_age_months <= 24:
            raise ValueError("yellow_fever_min_age_months must be an integer from 0 to 24")
        if isinstance(self.fever_threshold_c, bool) or not isinstance(self.fever_threshold_c, (int, float)) \
                or not 36.0 <= float(self.fever_threshold_c) <= 40.0:
            raise ValueError("fever_threshold_c must be a number from 36.0 to 40.0")
        object.__setattr__(self, "fever_threshold_c", float(self.fever_threshold_c))
        object.__setattr__(self, "outbreaks", frozenset(str(d).lower() for d in self.outbreaks))
        object.__setattr__(self, "affected_areas", {
            str(k).lower(): tuple(sorted({str(a).strip().upper() for a in v if str(a).strip()}))
            for k, v in dict(self.affected_areas).items()
        })

    @classmethod
    def from_settings(cls, settings: Any) -> "ScreeningSettings":
        """Build from :class:`border_app.settings.Settings` (missing keys: defaults)."""
        kwargs: dict[str, Any] = {}
        for name in ("yellow_fever_min_age_months", "fever_threshold_c", "outbreaks", "affected_areas"):
            value = getattr(settings, name, None)
            if value is not None:
                kwargs[name] = value
        return cls(**kwargs)

    def areas(self, disease: str) -> frozenset[str]:
        if disease == "*":
            return frozenset(a for v in self.affected_areas.values() for a in v)
        return frozenset(self.affected_areas.get(disease, ()))

    def as_dict(self) -> dict[str, Any]:
        return {
            "yellow_fever_min_age_months": self.yellow_fever_min_age_months,
            "fever_threshold_c": self.fever_threshold_c,
            "outbreaks": sorted(self.outbreaks),
            "affected_areas": {k: list(v) for k, v in sorted(self.affected_areas.items())},
        }


@dataclass(frozen=True)
class FiredRule:
    protocol_id: str
    protocol_version: int
    rule_id: str
    outcome: Outcome
    reason: Text

    @property
    def reason_fr(self) -> str:
        return self.reason.fr

    @property
    def reason_en(self) -> str:
        return self.reason.en

    def reason_text(self, lang: str | None = None) -> str:
        return self.reason.get(lang)

    def as_dict(self) -> dict[str, Any]:
        return {
            "protocol": self.protocol_id,
            "version": self.protocol_version,
            "rule": self.rule_id,
            "outcome": self.outcome.value,
            "reason": self.reason.as_dict(),
        }


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    fired: tuple[FiredRule, ...]
    actions: tuple[str, ...]
    protocol_versions: Mapping[str, int]
    needs_referral: bool
    missing: tuple[str, ...] = ()          # required questions that apply but have no answer
    definitions_met: tuple[str, ...] = ()  # "protocol.definition" that were true
    settings: Mapping[str, Any] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Every required question that applies has an answer: only then is there an outcome."""
        return not self.missing

    @property
    def status(self) -> str:
        """``"incomplete"`` while required answers are missing, else the outcome's code.
        ``outcome`` alone is then only provisional (what the answers given so far already
        demand): a blank form must never read as cleared."""
        return self.outcome.value if self.complete else INCOMPLETE

    @property
    def status_label(self) -> str:
        return self.outcome.label if self.complete else _(INCOMPLETE_LABEL)

    @property
    def status_advice(self) -> str:
        return self.outcome.advice if self.complete else _(INCOMPLETE_ADVICE)

    def reasons(self, lang: str | None = None) -> list[str]:
        return [f.reason_text(lang) for f in self.fired if f.outcome is not Outcome.CLEARED] or \
            [f.reason_text(lang) for f in self.fired]

    def as_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.status,
            "complete": self.complete,
            "provisional_outcome": self.outcome.value,
            "needs_referral": self.needs_referral,
            "fired": [f.as_dict() for f in self.fired],
            "actions": list(self.actions),
            "protocol_versions": dict(self.protocol_versions),
            "missing": list(self.missing),
            "definitions_met": list(self.definitions_met),
            "settings": dict(self.settings),
        }
