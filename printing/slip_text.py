"""The texts of a slip in one or more languages (French first, then English): labels
joined with " / ", dates as DD/MM/YYYY, country, document, outcome and direction names,
the issue time in the post's zone."""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any

from border_app.countries import name as country_name
from border_app.i18n import N_, gettext
from border_app.model import DIRECTION_LABELS, DOCUMENT_TYPE_LABELS, Direction, DocumentType
from border_app.screening.model import OUTCOME_LABELS, Outcome
from border_app.slip_data import SlipData

TITLES = {
    "registration": N_("Registration attestation"),
    "screening": N_("Health screening attestation"),
}


def bi(message: str, languages: tuple[str, ...], **fields: Any) -> str:
    """``message`` in every language, joined with " / " (duplicates removed)."""
    seen: list[str] = []
    for lang in languages:
        text = gettext(message, lang)
        if fields:
            text = text.format(**fields)
        if text not in seen:
            seen.append(text)
    return " / ".join(seen)


def _format_partial_date(value: str) -> str:
    parts = value.split("-")
    return "/".join(reversed(parts))


def birth_date_text(value: str | None, approximate: bool, languages: tuple[str, ...]) -> str:
    if not value:
        return bi(N_("Unknown"), languages)
    shown = _format_partial_date(value)
    if approximate:
        return bi(N_("about {date}"), languages, date=shown)
    return shown


def country_text(code: str | None, languages: tuple[str, ...]) -> str:
    if not code:
        return bi(N_("Unknown"), languages)
    names: list[str] = []
    for lang in languages:
        try:
            text = country_name(code, lang)
        except Exception:  # odd code: show the code itself
            text = code
        if text not in names:
            names.append(text)
    return " / ".join(names)


def _document_type_label(value: str | None, lang: str) -> str:
    try:
        return gettext(DOCUMENT_TYPE_LABELS[DocumentType(value)], lang)
    except (ValueError, KeyError):
        return value or gettext(N_("Document"), lang)


def document_text(data: SlipData, languages: tuple[str, ...]) -> str:
    if data.identity_declared:
        return bi(N_("Identity declared (no document)"), languages)
    labels: list[str] = []
    for lang in languages:
        label = _document_type_label(data.document_type, lang)
        if label not in labels:
            labels.append(label)
    return "{types} {number}".format(types=" / ".join(labels), number=data.document_number)


def outcome_text(data: SlipData, languages: tuple[str, ...]) -> str:
    code = data.screening_outcome
    if not code:
        return bi(N_("Not screened"), languages)
    labels: list[str] = []
    for lang in languages:
        label = (data.outcome_labels or {}).get(lang)
        if not label:
            message = None
            try:  # the screening module owns the outcome codes and their labels
                message = OUTCOME_LABELS[Outcome(code)]
            except Exception:
                message = None
            label = gettext(message, lang) if message else code
        if label not in labels:
            labels.append(label)
    return " / ".join(labels)


def direction_text(value: str | None, languages: tuple[str, ...]) -> str | None:
    if not value:
        return None
    try:
        return bi(DIRECTION_LABELS[Direction(value)], languages)
    except (ValueError, KeyError):
        return value


def issued_text(data: SlipData) -> str:
    at = data.issued_at
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    local = at.astimezone(timezone(timedelta(minutes=data.utc_offset_minutes)))
    hours, minutes = divmod(abs(data.utc_offset_minutes), 60)
    sign = "+" if data.utc_offset_minutes >= 0 else "-"
    offset = f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")
    return "{date} {time} ({offset})".format(date=local.strftime("%d/%m/%Y"), time=local.strftime("%H:%M"),
                                             offset=offset)


def qr_caption(languages: tuple[str, ...]) -> str:
    return bi(N_("Signed by the post: scan this code to check the attestation, even offline."), languages)
