"""SMART Health Cards: ``shc:/<digits>`` -> compact JWS (ES256) -> raw DEFLATE -> JSON VC.

Each JWS character is written as two digits ``ord(c) - 45``. Issuer keys come from the trust
list only (``iss`` -> JWKS as published at ``<iss>/.well-known/jwks.json``); nothing is
fetched on line.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from border_app.certificates import _time
from border_app.certificates.limits import MAX_JWS, PayloadError, check_json_depth, inflate
from border_app.certificates.result import CertificateResult
from border_app.certificates.valuesets import name as vs_name
from border_app.i18n import _

PREFIX = "shc:/"
RESULT_CODES = {
    "260385009": ("Negative", "Négatif"),
    "260415000": ("Not detected", "Non détecté"),
    "10828004": ("Positive", "Positif"),
    "260373001": ("Detected", "Détecté"),
}


def numeric_to_jws(text: str) -> str:
    body = text[len(PREFIX):] if text[: len(PREFIX)].lower() == PREFIX else text
    if "/" in body:
        parts = body.split("/")
        if len(parts) == 3 and parts[0].isdigit() and parts[1].isdigit():
            if parts[0] != "1" or parts[1] != "1":
                raise PayloadError(
                    _("This is part {index} of {total} of a SMART Health Card: "
                      "the parts must be scanned together.").format(index=parts[0], total=parts[1])
                )
            body = parts[2]
        else:
            raise PayloadError(_("The SMART Health Card code is not numeric."))
    if len(body) > 2 * MAX_JWS:
        raise PayloadError(_("The SMART Health Card is too long: refused as hostile."))
    if not body.isascii() or not body.isdigit() or len(body) % 2:
        raise PayloadError(_("The SMART Health Card code is not numeric."))
    chars = []
    for i in range(0, len(body), 2):
        value = int(body[i : i + 2])
        if value > 77:
            raise PayloadError(_("The SMART Health Card code has an invalid digit pair."))
        chars.append(chr(value + 45))
    return "".join(chars)


def jws_to_numeric(jws: str) -> str:
    return PREFIX + "".join(f"{ord(c) - 45:02d}" for c in jws)


def _b64url_decode(part: str) -> bytes:
    import base64
    import binascii

    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise PayloadError(_("The SMART Health Card signature data is not valid base64url.")) from None


def _json(data: bytes) -> Any:
    try:
        text = data.decode("utf-8")
        check_json_depth(text)
        return json.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:
        if isinstance(exc, PayloadError):
            raise
        raise PayloadError(_("The SMART Health Card holds invalid JSON.")) from None


def interpret_shc(text: str, *, trust=None, at: datetime | None = None) -> CertificateResult:
    return interpret_jws(numeric_to_jws_safe(text), trust=trust, at=at)


def numeric_to_jws_safe(text: str) -> str | PayloadError:
    try:
        return numeric_to_jws(text)
    except PayloadError as exc:
        return exc


def interpret_jws(jws: "str | PayloadError", *, trust=None, at: datetime | None = None) -> CertificateResult:
    result = CertificateResult(kind="shc")
    at = _time.as_utc(at)
    try:
        if isinstance(jws, PayloadError):
            raise jws
        if len(jws) > MAX_JWS:
            raise PayloadError(_("The SMART Health Card is too long: refused as hostile."))
        parts = jws.split(".")
        if len(parts) != 3:
            raise PayloadError(_("The SMART Health Card is not a compact JWS (header.payload.signature)."))
        header = _json(_b64url_decode(parts[0]))
        if not isinstance(header, dict):
            raise PayloadError(_("The SMART Health Card header is malformed."))
        raw = _b64url_decode(parts[1])
        if header.get("zip") == "DEF":
            raw = inflate(raw, raw=True)
        payload = _json(raw)
        if not isinstance(payload, dict):
            raise PayloadError(_("The SMART Health Card payload is malformed."))
        signature = _b64url_decode(parts[2])
    except PayloadError as exc:
        result.malformed = True
        result.errors.append(exc.message)
        return result

    iss = payload.get("iss") if isinstance(payload.get("iss"), str) else None
    kid = header.get("kid") if isinstance(header.get("kid"), str) else None
    result.issuer = iss
    result.key_id = kid
    nbf = _time.from_epoch(payload.get("nbf"))
    exp = _time.from_epoch(payload.get("exp"))
    result.issued_at = _time.iso(nbf)
    result.valid_from = _time.iso(nbf)
    result.valid_until = _time.iso(exp)
    result.raw = payload
    try:
        _read_bundle(payload, result)
    except (PayloadError, AttributeError, TypeError, KeyError, IndexError) as exc:
        result.malformed = True
        result.errors.append(getattr(exc, "message", None) or _("The SMART Health Card content is malformed."))

    status, errors = _check_signature(header, f"{parts[0]}.{parts[1]}".encode("ascii"), signature, iss, kid, trust)
    result.signature = status
    result.errors += errors
    expired, errors = _time.validity(at, nbf, exp)
    result.expired = expired
    result.errors += errors
    return result


def _check_signature(header, data: bytes, signature: bytes, iss, kid, trust) -> tuple[str, list[str]]:
    from border_app.certificates.cose import verify_signature
    from border_app.trust import jwk_to_public_key

    if header.get("alg") != "ES256":
        return "invalid", [_("The signature algorithm {alg} is not supported.").format(alg=header.get("alg"))]
    if trust is None or len(trust) == 0:
        return "unknown_key", [_("No trust list is loaded: the signature cannot be checked.")]
    candidates = []
    for jwk in trust.shc_issuer_keys(iss):
        if kid is None or jwk.get("kid") == kid:
            try:
                candidates.append(jwk_to_public_key(jwk))
            except Exception:
                continue
    if kid:
        candidates += trust.shc_keys_by_thumbprint(kid)
    for key in candidates:
        if verify_signature(key, -7, data, signature):
            return "valid", []
    if candidates:
        return "invalid", [_("The signature does not match the issuer's key: the certificate was altered or forged.")]
    return "unknown_key", [_("The issuer's key is not in the trust list: the signature cannot be checked.")]


def _coding(concept) -> tuple[str | None, str | None, str | None]:
    if not isinstance(concept, dict):
        return None, None, None
    codings = concept.get("coding") or []
    if codings and isinstance(codings[0], dict):
        c = codings[0]
        return c.get("code"), c.get("system"), c.get("display") or concept.get("text")
    return None, None, concept.get("text")


def _read_bundle(payload: dict, result: CertificateResult) -> None:
    vc = payload.get("vc")
    if not isinstance(vc, dict):
        raise PayloadError(_("The SMART Health Card holds no verifiable credential."))
    subject = vc.get("credentialSubject") or {}
    bundle = subject.get("fhirBundle") or {}
    entries = bundle.get("entry") or []
    if not isinstance(entries, list):
        raise PayloadError(_("The SMART Health Card content is malformed."))
    for item in entries[:50]:
        res = (item or {}).get("resource") or {}
        rtype = res.get("resourceType")
        if rtype == "Patient":
            names = res.get("name") or [{}]
            first = names[0] if isinstance(names, list) and names else {}
            given = " ".join(str(g) for g in (first.get("given") or []))
            family = first.get("family")
            if isinstance(family, list):
                family = " ".join(str(f) for f in family)
            result.holder = {
                k: v
                for k, v in {
                    "name": " ".join(x for x in (given, family) if x) or None,
                    "given_name": given or None,
                    "family_name": family,
                    "birth_date": res.get("birthDate"),
                }.items()
                if v is not None
            }
        elif rtype == "Immunization":
            code, system, display = _coding(res.get("vaccineCode"))
            performer = ""
            if isinstance(res.get("performer"), list) and res["performer"]:
                performer = ((res["performer"][0] or {}).get("actor") or {}).get("display") or ""
            entry = {
                "type": "vaccination",
                "vaccine": code,
                "vaccine_system": system,
                "vaccine_name": vs_name("vaccine_type", code) or display,
                "date": res.get("occurrenceDateTime") or res.get("occurrenceString"),
                "lot": res.get("lotNumber"),
                "status": res.get("status"),
                "centre": performer or None,
            }
            result.entries.append({k: v for k, v in entry.items() if v is not None})
        elif rtype == "Observation":
            code, system, display = _coding(res.get("code"))
            value, _vs, value_display = _coding(res.get("valueCodeableConcept"))
            entry = {
                "type": "test",
                "test_type": code,
                "test_system": system,
                "test_type_name": display,
                "result": value,
                "result_name": value_display or (RESULT_CODES.get(str(value)) or (None,))[0],
                "sampled_at": res.get("effectiveDateTime"),
                "status": res.get("status"),
            }
            result.entries.append({k: v for k, v in entry.items() if v is not None})
    if not result.holder:
        result.errors.append(_("The SMART Health Card names no patient."))
