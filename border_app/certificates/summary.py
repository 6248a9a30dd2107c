"""Translated one-glance lines for a :class:`CertificateResult` (UI panel and CLI)."""

from __future__ import annotations

from border_app.certificates.hcert import add_names
from border_app.i18n import N_, gettext

KIND_LABELS = {
    "eu-dcc": N_("EU Digital COVID Certificate"),
    "who-ddcc": N_("WHO digital vaccination certificate (DDCC)"),
    "shc": N_("SMART Health Card"),
    "slip": N_("Border post attestation slip"),
    "unknown": N_("Code not recognised as a certificate"),
}


def verdict(result, lang: str | None = None) -> str:
    t = lambda s: gettext(s, lang)  # noqa: E731
    if result.malformed and result.signature != "valid":
        return t("UNREADABLE: the code is damaged or not a valid certificate.")
    if result.kind == "unknown":
        return t("Not a certificate: shown as text only.")
    if result.signature == "valid":
        if result.expired:
            return t("GENUINE but NOT VALID at this date.")
        return t("GENUINE and valid.")
    if result.signature == "invalid":
        return t("FORGED OR ALTERED: the signature is invalid.")
    if result.signature == "unknown_key":
        return t("UNVERIFIED: the issuer is not in the trust list.")
    return t("UNVERIFIED: the code carries no signature that can be checked.")


def _entry_line(entry: dict, lang: str | None) -> str:
    t = lambda s: gettext(s, lang)  # noqa: E731
    e = add_names(dict(entry), lang)
    kind = e.get("type")
    if kind == "vaccination":
        vaccine = e.get("product_name") or e.get("product") or e.get("vaccine_name") or e.get("vaccine") \
            or e.get("vaccine_type_name") or e.get("vaccine_type") or "?"
        line = t("Vaccination: {vaccine}").format(vaccine=vaccine)
        if e.get("disease_name") or e.get("disease"):
            line += " — " + t("against {disease}").format(disease=e.get("disease_name") or e.get("disease"))
        if e.get("dose_number") is not None and e.get("total_doses") is not None:
            line += ", " + t("dose {number}/{total}").format(number=e["dose_number"], total=e["total_doses"])
        if e.get("date"):
            line += ", " + t("on {date}").format(date=str(e["date"])[:10])
        if e.get("country"):
            line += f" ({e['country']})"
        return line
    if kind == "test":
        test = e.get("test_type_name") or e.get("test_type") or e.get("test_name") or "?"
        line = t("Test: {test}").format(test=test)
        result = e.get("result_name") or e.get("result")
        if result:
            line += " — " + t("result: {result}").format(result=result)
        if e.get("sampled_at"):
            line += ", " + t("sampled {date}").format(date=str(e["sampled_at"])[:16].replace("T", " "))
        if e.get("country"):
            line += f" ({e['country']})"
        return line
    if kind == "recovery":
        line = t("Recovery: first positive test on {date}").format(date=str(e.get("first_positive") or "?")[:10])
        if e.get("valid_until"):
            line += ", " + t("valid until {date}").format(date=str(e["valid_until"])[:10])
        return line
    return ", ".join(f"{k}: {v}" for k, v in e.items())


def summary_lines(result, lang: str | None = None) -> list[str]:
    t = lambda s: gettext(s, lang)  # noqa: E731
    lines = [t(KIND_LABELS.get(result.kind, KIND_LABELS["unknown"])), verdict(result, lang)]
    if result.kind == "unknown" and result.text is not None:
        lines.append(t("Text: {text}").format(text=result.text[:500]))
    holder = result.holder or {}
    if holder.get("name") or holder.get("birth_date"):
        lines.append(
            t("Holder: {name}, born {birth_date}").format(
                name=holder.get("name") or "?", birth_date=str(holder.get("birth_date") or "?")[:10]
            )
        )
    for entry in result.entries[:10]:
        lines.append(_entry_line(entry, lang))
    if result.issuer:
        lines.append(t("Issuer: {issuer}").format(issuer=result.issuer))
    if result.valid_until:
        lines.append(t("Valid until: {date}").format(date=result.valid_until[:10]))
    for error in result.errors:
        lines.append("⚠ " + error)
    return lines
