"""What a verified health certificate says for the screening form: its yellow fever
vaccination, mapped to the yellow fever protocol's answers (``yf_card``,
``yf_vaccination_date``, see ``resources/protocols/yellow_fever.yaml``).

Only a certificate whose signature is verified and that is valid today counts; the screen
fills the form's fields with the answers this module returns and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

#: codes that mean "yellow fever" in health certificates (ICD-11, SNOMED CT, CVX, ATC)
YF_DISEASES = frozenset({"1D47", "16541001"})
YF_VACCINES = frozenset({"XM0N24", "37", "J07BL01", "1119254000"})
#: the yellow fever protocol's questions a certificate answers
YF_CARD = "yf_card"
YF_VACCINATION_DATE = "yf_vaccination_date"


def yellow_fever_vaccination(result) -> dict | None:
    """The yellow fever vaccination entry of a certificate (a ``CertificateResult``), or None."""
    for entry in result.entries or ():
        if entry.get("type") != "vaccination":
            continue
        disease = str(entry.get("disease") or "").upper()
        vaccine = {str(entry.get(k) or "").upper() for k in ("vaccine", "vaccine_type", "product")}
        names = " ".join(str(entry.get(k) or "") for k in ("disease_name", "vaccine_name", "vaccine_type_name",
                                                             "product_name")).lower()
        if disease in YF_DISEASES or vaccine & YF_VACCINES or "yellow fever" in names or "fièvre jaune" in names:
            return entry
    return None


def entry_date(entry: dict) -> date | None:
    """The day of a certificate entry (its ``date``, ISO), or None when it has none."""
    text = str(entry.get("date") or "")[:10]
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class YellowFeverFill:
    """The answers a certificate gives (question id -> value) and the vaccination's day."""

    answers: dict[str, Any]
    vaccinated_on: date | None


def yellow_fever_answers(result, field_ids) -> YellowFeverFill | None:
    """The form's answers a verified certificate gives: ``yf_card`` true and, when the
    vaccination is dated and the form asks for it, ``yf_vaccination_date``. None when the
    certificate is not genuine and valid, holds no yellow fever vaccination, or the form
    (``field_ids``: its questions' ids) does not ask about yellow fever."""
    if not result.genuine_and_valid:
        return None
    entry = yellow_fever_vaccination(result)
    if entry is None or YF_CARD not in field_ids:
        return None
    answers: dict[str, Any] = {YF_CARD: True}
    when = entry_date(entry)
    if when is not None and YF_VACCINATION_DATE in field_ids:
        answers[YF_VACCINATION_DATE] = when
    return YellowFeverFill(answers, when)
