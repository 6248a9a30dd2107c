"""Whether a verified slip is the traveller's in front of the official: the name without
accents, case or punctuation, the birth date (partial dates agree with their completions),
the document by its fingerprint (version 2) or number (version 1)."""

from __future__ import annotations

import unicodedata

from ..dates import format_date
from ..i18n import _
from .model import document_hash, normalise_number


def slip_matches(result, *, name: str | None = None, birth_date: str | None = None,
                 issuing_state: str | None = None, document_number: str | None = None) -> list[str]:
    """Compare a verified slip (a ``CertificateResult`` of kind ``slip``) with the traveller
    in front of the official; returns the translated differences (empty: same person as
    far as the slip can tell). Names are compared without accents, case or punctuation;
    the document by its fingerprint (version 2) or number (version 1)."""
    problems: list[str] = []
    holder = result.holder or {}
    if name and holder.get("name") and _name_key(name) != _name_key(holder["name"]):
        problems.append(_("The name on the slip ({slip}) is not the selected traveller's ({traveller}).").format(
            slip=holder["name"], traveller=name))
    slip_birth = holder.get("birth_date")
    if birth_date and slip_birth and not (str(birth_date).startswith(str(slip_birth))
                                          or str(slip_birth).startswith(str(birth_date))):
        problems.append(_("The birth date on the slip ({slip}) is not the selected traveller's ({traveller}).").format(
            slip=format_date(slip_birth), traveller=format_date(birth_date)))
    entry = (result.entries or [{}])[0]
    if document_number:
        slip_hash = entry.get("document_hash")
        slip_number = entry.get("document_number")
        if slip_hash is not None:
            same = slip_hash == document_hash(issuing_state, document_number)
        elif slip_number is not None:
            same = normalise_number(slip_number) == normalise_number(document_number)
        else:
            same = False  # the slip is for an identity declared without document
        if not same:
            problems.append(_("The slip was issued for another document than the selected traveller's."))
    return problems


def _name_key(name: str) -> str:
    folded = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii").upper()
    return " ".join(sorted("".join(ch if ch.isalnum() else " " for ch in folded).split()))
