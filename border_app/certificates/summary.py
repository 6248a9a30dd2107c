"""Translated one-glance lines for a :class:`CertificateResult` (UI panel and CLI)."""

from __future__ import annotations

from border_app.certificates.valuesets import add_names
from border_app.i18n import N_, gettext

KIND_LABELS = {
    "eu-dcc": N_("EU Digital COVID Certificate"),
    "who-ddcc": N_("WHO digital vaccination certificate (DDCC)"),
    "shc": N_("SMART Health Card"),
    "slip": N_("Border post attestation slip"),
    "unknown": N_("Code not recognised as a certificate"),
}


DEMO_BANNER = N_("DÉMO — DEMO SLIP: fictitious, signed with the demo post's public key. It proves nothing.")
SEX_LABELS = {"M": N_("male"), "F": N_("female"), "X": N_("unspecified")}


def verdict(result, lang: str | None = None) -> str:
    t = lambda s: gettext(s, lang)  # noqa: E731
    if getattr(result, "demo", False) and result.signature == "valid" and not result.malformed:
        return t("DÉMO: signature of the demo post's key; NOT a genuine slip.")
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


def _date(value) -> str:
    """A certificate's ISO date or date-time as DD/MM/YYYY (``border_app.dates``)."""
    from border_app.dates import format_date

    return format_date(str(value)[:10]) if value else ""


def _moment(value) -> str:
    from border_app.certificates._time import parse_iso
    from border_app.dates import format_datetime

    at = parse_iso(str(value))
    return format_datetime(at) if at is not None else str(value)[:16]


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
            line += ", " + t("on {date}").format(date=_date(e["date"]))
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
            line += ", " + t("sampled {date}").format(date=_moment(e["sampled_at"]))
        if e.get("country"):
            line += f" ({e['country']})"
        return line
    if kind == "recovery":
        line = t("Recovery: first positive test on {date}").format(date=_date(e.get("first_positive")) or "?")
        if e.get("valid_until"):
            line += ", " + t("valid until {date}").format(date=_date(e["valid_until"]))
        return line
    return t("Other entry ({kind})").format(kind=kind or "?")  # never a raw field dump


def slip_summary(result, lang: str | None = None) -> list[str]:
    """Readable lines for one of our slips: who, what, when, which post, whether the
    signature holds, DÉMO when demo; no raw field dump, no key id unless the post is unknown."""
    from border_app.dates import format_date, format_datetime
    from border_app.screening.model import OUTCOME_LABELS, Outcome

    from border_app.certificates._time import parse_iso

    t = lambda s: gettext(s, lang)  # noqa: E731
    lines: list[str] = []
    if getattr(result, "demo", False):
        lines.append(t(DEMO_BANNER))
    lines += [t(KIND_LABELS["slip"]), verdict(result, lang)]
    if result.malformed:
        lines += ["⚠ " + e for e in result.errors]
        return lines
    holder = result.holder or {}
    name = holder.get("name") or "?"
    born = format_date(holder.get("birth_date")) or t("unknown")
    if holder.get("birth_date_approximate"):
        born = t("about {date}").format(date=born)
    sex = holder.get("sex")
    if sex in SEX_LABELS:
        lines.append(t("Traveller: {name} — birth date: {birth_date} — sex: {sex}").format(
            name=name, birth_date=born, sex=t(SEX_LABELS[sex])))
    else:
        lines.append(t("Traveller: {name} — birth date: {birth_date}").format(name=name, birth_date=born))
    entry = (result.entries or [{}])[0]
    if entry.get("type") == "screening":
        code = entry.get("outcome")
        try:
            outcome = t(OUTCOME_LABELS[Outcome(code)])
        except (ValueError, KeyError):
            outcome = str(code or "?")
        lines.append(t("Health screening — outcome: {outcome}").format(outcome=outcome))
    else:
        lines.append(t("Registration of a border crossing"))
    if entry.get("identity_declared"):
        lines.append(t("Identity declared, without a document"))
    issued = parse_iso(result.issued_at) if result.issued_at else None
    if issued is not None:
        lines.append(t("Issued on {date} (post time)").format(date=format_datetime(issued)))
    if result.issuer:
        lines.append(t("Issued by: {post}").format(post=result.issuer))
    else:
        post_name = (result.raw or {}).get("post_name")
        if post_name:
            lines.append(t("Issued by (as the slip says, not verified): {post}").format(post=post_name))
    if entry.get("serial"):
        lines.append(t("Slip number: {serial}").format(serial=entry["serial"]))
    for error in result.errors:
        lines.append("⚠ " + error)
    return lines


def summary_lines(result, lang: str | None = None) -> list[str]:
    t = lambda s: gettext(s, lang)  # noqa: E731
    if result.kind == "slip":
        return slip_summary(result, lang)
    lines = [t(KIND_LABELS.get(result.kind, KIND_LABELS["unknown"])), verdict(result, lang)]
    if result.kind == "unknown" and result.text is not None:
        lines.append(t("Text: {text}").format(text=result.text[:500]))
    holder = result.holder or {}
    if holder.get("name") or holder.get("birth_date"):
        lines.append(
            t("Holder: {name}, born {birth_date}").format(
                name=holder.get("name") or "?", birth_date=_date(holder.get("birth_date")) or "?"
            )
        )
    for entry in result.entries[:10]:
        lines.append(_entry_line(entry, lang))
    if result.issuer:
        lines.append(t("Issuer: {issuer}").format(issuer=result.issuer))
    if result.valid_until:
        lines.append(t("Valid until: {date}").format(date=_date(result.valid_until)))
    for error in result.errors:
        lines.append("⚠ " + error)
    return lines
