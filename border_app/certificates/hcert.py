"""``HC1:`` payloads: EU Digital COVID Certificates and WHO DDCC:VS in the same envelope.

Pipeline: strip ``HC1:`` -> Base45 -> zlib (capped) -> COSE_Sign1 (tag 18, maybe inside CWT
tag 61) -> CWT claims (1 iss, 4 exp, 6 iat, -260 hcert). Claim -260 key 1 is the EU DCC;
a DDCC:VS sits under -260 key 2 (WHO ddcc IG) or 3 (smart-trust), or the payload is the
flat WHO CBOR map (``name``, ``birthDate``, ``vaccine``, ...).
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from border_app.certificates import _time
from border_app.certificates.base45 import b45decode
from border_app.certificates.cose import check_with_trust, parse_sign1
from border_app.certificates.limits import PayloadError, inflate, loads_cbor
from border_app.certificates.result import CertificateResult
from border_app.certificates.valuesets import add_names
from border_app.i18n import _

PREFIX = "HC1:"
# Extended key usage OIDs restricting which DCC types a DSC may sign (both spellings in use).
EKU_TYPES = {
    "1.3.6.1.4.1.1847.2021.1.1": "t",
    "1.3.6.1.4.1.1847.2021.1.2": "v",
    "1.3.6.1.4.1.1847.2021.1.3": "r",
    "1.3.6.1.4.1.0.1847.2021.1.1": "t",
    "1.3.6.1.4.1.0.1847.2021.1.2": "v",
    "1.3.6.1.4.1.0.1847.2021.1.3": "r",
}
WHO_FLAT_KEYS = {"name", "birthDate", "vaccine", "brand", "dose", "date", "hcid", "valid_until"}


def interpret_hc1(text: str, *, trust=None, at: datetime | None = None) -> CertificateResult:
    result = CertificateResult(kind="eu-dcc")
    at = _time.as_utc(at)
    try:
        if not text.startswith(PREFIX):
            raise PayloadError(_("The payload does not start with HC1:."))
        data = b45decode(text[len(PREFIX):])
        if data[:1] != b"\x78":
            raise PayloadError(_("The payload is not zlib-compressed as the specification requires."))
        sign1 = parse_sign1(inflate(data))
        claims = loads_cbor(sign1.payload_bytes)
        if not isinstance(claims, dict):
            raise PayloadError(_("The certificate claims are not a CBOR map."))
    except PayloadError as exc:
        result.malformed = True
        result.errors.append(exc.message)
        return result

    result.key_id = base64.b64encode(sign1.kid).decode("ascii") if sign1.kid else None
    iss = claims.get(1)
    iat = _time.from_epoch(claims.get(6))
    exp = _time.from_epoch(claims.get(4))
    result.issued_at = _time.iso(iat)
    result.valid_from = _time.iso(iat)
    result.valid_until = _time.iso(exp)
    types: set[str] = set()
    try:
        hcert = claims.get(-260)
        if isinstance(hcert, dict) and isinstance(hcert.get(1), dict):
            dcc = hcert[1]
            types = _read_dcc(dcc, result)
            result.raw = _jsonable({"iss": iss, "iat": claims.get(6), "exp": claims.get(4), "dcc": dcc})
        else:
            ddcc = None
            if isinstance(hcert, dict):
                for key in (2, 3, "ddcc", "vs"):
                    if isinstance(hcert.get(key), dict):
                        ddcc = hcert[key]
                        break
            elif WHO_FLAT_KEYS & {k for k in claims if isinstance(k, str)}:
                ddcc = claims
            if ddcc is None:
                raise PayloadError(_("The certificate holds no EU DCC nor WHO DDCC data (claim -260)."))
            result.kind = "who-ddcc"
            start, end = _read_ddcc(ddcc, result)
            if end is not None and (exp is None or end < exp):
                exp = end
                result.valid_until = _time.iso(end)
            if start is not None:
                result.valid_from = _time.iso(start)
                iat = max(iat, start) if iat else start
            result.raw = _jsonable({"iss": iss, "iat": claims.get(6), "exp": claims.get(4), "ddcc": ddcc})
    except PayloadError as exc:
        result.malformed = True
        result.errors.append(exc.message)
    if isinstance(iss, str):
        result.issuer = (f"{result.issuer} ({iss})"
                         if result.issuer and iss not in result.issuer else (result.issuer or iss))

    status, signer, errors = check_with_trust(sign1, trust)
    result.errors += errors
    if status == "valid" and signer is not None and signer.certificate is not None and types:
        allowed = _eku_types(signer.certificate)
        if allowed and not types <= allowed:
            status = "invalid"
            result.errors.append(_("The signing certificate is not allowed to sign this type of certificate."))
    result.signature = status

    expired, errors = _time.validity(at, iat, exp)
    result.expired = expired
    result.errors += errors
    return result


def _eku_types(cert) -> set[str]:
    from cryptography import x509

    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return set()
    except Exception:
        return set()
    return {EKU_TYPES[oid.dotted_string] for oid in eku if oid.dotted_string in EKU_TYPES}


def _mapping(value: Any) -> dict:
    """``value`` if it is a mapping, else an empty one (a field of the wrong kind reads as absent)."""
    return value if isinstance(value, dict) else {}


def _text(value: Any, limit: int = 200) -> str | None:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value[:limit]
    return None


def _read_dcc(dcc: dict, result: CertificateResult) -> set[str]:
    nam = _mapping(dcc.get("nam"))
    given, family = _text(nam.get("gn")), _text(nam.get("fn"))
    result.holder = {
        "name": " ".join(x for x in (given, family) if x) or None,
        "given_name": given,
        "family_name": family,
        "name_transliterated": "<<".join(x for x in (_text(nam.get("fnt")), _text(nam.get("gnt"))) if x) or None,
        "birth_date": _text(dcc.get("dob")),
    }
    types = set()
    issuers = []
    for key, kind in (("v", "vaccination"), ("t", "test"), ("r", "recovery")):
        items = dcc.get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            raise PayloadError(_("The certificate entries are malformed."))
        for item in items[:20]:
            if not isinstance(item, dict):
                raise PayloadError(_("The certificate entries are malformed."))
            types.add(key)
            entry: dict[str, Any] = {"type": kind, "disease": _text(item.get("tg")), "country": _text(item.get("co")),
                     "issuer": _text(item.get("is")), "certificate_id": _text(item.get("ci"))}
            if kind == "vaccination":
                entry.update(vaccine_type=_text(item.get("vp")), product=_text(item.get("mp")),
                             manufacturer=_text(item.get("ma")), dose_number=item.get("dn"),
                             total_doses=item.get("sd"), date=_text(item.get("dt")))
                dn, sd = item.get("dn"), item.get("sd")
                if isinstance(dn, int) and isinstance(sd, int):
                    entry["complete"] = dn >= sd
            elif kind == "test":
                entry.update(test_type=_text(item.get("tt")), test_name=_text(item.get("nm")),
                             manufacturer=_text(item.get("ma")), sampled_at=_text(item.get("sc")),
                             result=_text(item.get("tr")), centre=_text(item.get("tc")))
            else:
                entry.update(first_positive=_text(item.get("fr")), valid_from=_text(item.get("df")),
                             valid_until=_text(item.get("du")))
            add_names(entry)
            result.entries.append({k: v for k, v in entry.items() if v is not None})
            if entry.get("issuer"):
                issuers.append(entry["issuer"])
    result.issuer = issuers[0] if issuers else None
    if not types:
        result.errors.append(_("The certificate holds no vaccination, test or recovery entry."))
    return types


def _code(value: Any) -> str | None:
    """A DDCC coded value: a plain string/number or a {code, system, display} map."""
    if isinstance(value, dict):
        return _text(value.get("code")) or _text(value.get("display"))
    return _text(value)


def _read_ddcc(ddcc: dict, result: CertificateResult):
    name = ddcc.get("name")
    if isinstance(name, dict):
        name = name.get("text") or " ".join(str(x) for x in (name.get("given"), name.get("family")) if x)
    result.holder = {"name": _text(name), "birth_date": _text(ddcc.get("birthDate")), "sex": _code(ddcc.get("sex")),
                     "identifier": _code(ddcc.get("identifier"))}
    result.holder = {k: v for k, v in result.holder.items() if v is not None}
    vacc = ddcc.get("vaccination") if isinstance(ddcc.get("vaccination"), dict) else ddcc
    if not isinstance(vacc, dict):
        raise PayloadError(_("The certificate entries are malformed."))
    entry = {
        "type": "vaccination",
        "disease": _code(vacc.get("disease")),
        "vaccine": _code(vacc.get("vaccine")),
        "product": _code(vacc.get("brand")),
        "manufacturer": _code(vacc.get("manufacturer")),
        "marketing_holder": _code(vacc.get("maholder") or vacc.get("ma_holder")),
        "lot": _text(vacc.get("lotNumber") or vacc.get("lot")),
        "date": _text(vacc.get("date")),
        "dose_number": vacc.get("dose") if isinstance(vacc.get("dose"), int) else None,
        "total_doses": (vacc.get("totalDoses") if isinstance(vacc.get("totalDoses"), int)
                        else vacc.get("total_doses") if isinstance(vacc.get("total_doses"), int) else None),
        "country": _code(vacc.get("country")),
        "centre": _text(vacc.get("centre")),
        "next_dose": _text(vacc.get("nextDose")),
    }
    if entry["dose_number"] is not None and entry["total_doses"] is not None:
        entry["complete"] = entry["dose_number"] >= entry["total_doses"]
    if entry["vaccine"] is None and entry["product"] is None:
        raise PayloadError(_("The WHO certificate names no vaccine."))
    add_names(entry)
    result.entries.append({k: v for k, v in entry.items() if v is not None})
    cert = _mapping(ddcc.get("certificate"))
    issuer = cert.get("issuer")
    if isinstance(issuer, dict):
        issuer = (issuer.get("identifier", {}).get("value")
                  if isinstance(issuer.get("identifier"), dict) else issuer.get("name"))
    result.issuer = _text(issuer) or _text(ddcc.get("pha")) or _text(vacc.get("centre"))
    period = _mapping(cert.get("period"))
    start = _time.parse_iso(period.get("start") or ddcc.get("valid_from") or vacc.get("validFrom"))
    end = _time.parse_iso(period.get("end") or ddcc.get("valid_until"))
    return start, end


def _jsonable(value: Any, depth: int = 0) -> Any:
    """CBOR values as JSON-friendly data for display (bytes as hex, tags unwrapped)."""
    from cbor2 import CBORTag

    if depth > 20:
        return None
    if isinstance(value, dict):
        return {str(k): _jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, depth + 1) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return bytes(value[:256]).hex()
    if isinstance(value, CBORTag):
        return _jsonable(value.value, depth + 1)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
