"""Readable names for value-set codes (``resources/valuesets/health-certificates.json``)."""

from __future__ import annotations

import functools
import json
from importlib import resources

from border_app.i18n import current_language


@functools.lru_cache(maxsize=1)
def _table() -> dict:
    try:
        text = resources.files("resources").joinpath("valuesets", "health-certificates.json").read_text("utf-8")
        return json.loads(text)
    except (OSError, ValueError, ModuleNotFoundError):  # pragma: no cover - broken install
        return {}


def name(valueset: str, code, lang: str | None = None) -> str | None:
    """The readable name of ``code`` in ``valueset`` (``None`` when unknown or empty)."""
    if code is None or code == "":
        return None
    entry = _table().get(valueset, {}).get(str(code))
    if not entry:
        return None
    return entry.get(lang or current_language()) or entry.get("en")


def label(valueset: str, code, lang: str | None = None) -> str | None:
    """``"Name (code)"`` when the code is known, else the code itself as text."""
    if code is None or code == "":
        return None
    readable = name(valueset, code, lang)
    return f"{readable} ({code})" if readable else str(code)


NAME_FIELDS = {
    "disease": "disease",
    "vaccine_type": "vaccine_type",
    "product": "vaccine_product",
    "manufacturer": "manufacturer",
    "test_type": "test_type",
    "result": "test_result",
    "vaccine": "vaccine_type",
}


def add_names(entry: dict, lang: str | None = None) -> dict:
    """Add ``<field>_name`` readable names for coded fields (in ``lang``)."""
    for fieldname, valueset in NAME_FIELDS.items():
        code = entry.get(fieldname)
        if code is None:
            continue
        readable = name(valueset, code, lang)
        if readable is None and fieldname == "product":
            readable = name("vaccine_type", code, lang)
        if readable:
            entry[fieldname + "_name"] = readable
    return entry
