"""WHO DDCC, SMART Health Cards, trust lists and hostile payloads, with our own vectors
signed by freshly generated ES256 keys (plus the published SMART Health Card example)."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import zlib
from datetime import datetime, timedelta, timezone

import cbor2
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from border_app.certificates import CertificateResult
from border_app.scanned_codes import interpret
from border_app.certificates.base45 import b45decode, b45encode
from border_app.certificates.limits import PayloadError, check_cbor
from border_app.certificates.shc import jws_to_numeric
from border_app.trust import TrustList, dsc_kid, jwk_thumbprint, public_key_to_jwk

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)


# ------------------------------------------------------------------ builders
def new_key():
    return ec.generate_private_key(ec.SECP256R1())


def self_signed(key, name="Test DSC", eku=None):
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name), x509.NameAttribute(NameOID.COUNTRY_NAME, "NE")])
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime(2020, 1, 1, tzinfo=timezone.utc))
        .not_valid_after(datetime(2035, 1, 1, tzinfo=timezone.utc))
    )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage([x509.ObjectIdentifier(o) for o in eku]), critical=False)
    return builder.sign(key, hashes.SHA256())


def es256(key, data: bytes) -> bytes:
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def cose(claims, key, kid: bytes, *, tag61=False, kid_unprotected=False, tamper=False) -> bytes:
    protected = cbor2.dumps({1: -7} if kid_unprotected else {1: -7, 4: kid})
    unprotected = {4: kid} if kid_unprotected else {}
    payload = cbor2.dumps(claims)
    sig = es256(key, cbor2.dumps(["Signature1", protected, b"", payload]))
    if tamper:
        payload = payload.replace(b"Moussa", b"Mousse").replace(b"Comirnaty", b"Comirnatx")
        assert payload != cbor2.dumps(claims)
    obj = cbor2.CBORTag(18, [protected, unprotected, payload, sig])
    if tag61:
        obj = cbor2.CBORTag(61, obj)
    return cbor2.dumps(obj)


def hc1(cose_bytes: bytes) -> str:
    return "HC1:" + b45encode(zlib.compress(cose_bytes, 9))


def epoch(dt):
    return int(dt.timestamp())


DDCC_VS = {
    "name": "Aïcha Moussa",
    "birthDate": "1990-04-12",
    "sex": {"code": "female"},
    "vaccination": {
        "vaccine": {"code": "XM0GQ8", "system": "http://id.who.int/icd11/mms"},
        "brand": {"code": "EU/1/20/1528"},
        "manufacturer": {"code": "ORG-100030215"},
        "lotNumber": "AB1234",
        "date": "2023-06-01",
        "dose": 2,
        "totalDoses": 2,
        "country": {"code": "NER"},
        "centre": "CSI Gaya",
        "disease": {"code": "RA01.0"},
    },
    "certificate": {
        "hcid": {"value": "NE-123"},
        "issuer": {"identifier": {"value": "Ministère de la Santé Publique"}},
        "period": {"start": "2023-06-01", "end": "2033-06-01"},
    },
}


def ddcc_claims(sub_key=2, *, iat=NOW - timedelta(days=30), exp=NOW + timedelta(days=300), body=None):
    return {1: "NE", 6: epoch(iat), 4: epoch(exp), -260: {sub_key: body or DDCC_VS}}


@pytest.fixture(scope="module")
def issuer():
    key = new_key()
    cert = self_signed(key, "Niger DDCC signer")
    kid = dsc_kid(cert.public_bytes(serialization.Encoding.DER))
    trust = TrustList()
    trust.add_certificate(cert)
    return key, cert, kid, trust


# ------------------------------------------------------------------ WHO DDCC
@pytest.mark.parametrize("sub_key", [2, 3])
def test_ddcc_genuine(issuer, sub_key):
    key, _cert, kid, trust = issuer
    result = interpret(hc1(cose(ddcc_claims(sub_key), key, kid)), trust=trust, at=NOW)
    assert result.kind == "who-ddcc"
    assert result.signature == "valid" and result.expired is False and result.genuine_and_valid
    assert result.holder["name"] == "Aïcha Moussa" and result.holder["birth_date"] == "1990-04-12"
    entry = result.entries[0]
    assert entry["vaccine"] == "XM0GQ8" and entry["dose_number"] == 2 and entry["complete"] is True
    assert "Comirnaty" in entry["product_name"]
    assert result.issuer.startswith("Ministère de la Santé Publique")
    assert result.key_id == base64.b64encode(kid).decode()


def test_ddcc_flat_who_map_in_cwt(issuer):
    key, _cert, kid, trust = issuer
    flat = {
        1: "NE", 6: epoch(NOW - timedelta(days=1)), 4: epoch(NOW + timedelta(days=30)),
        "name": "Ibrahim Issa", "birthDate": "1985", "vaccine": "XM68M6", "brand": "Covishield",
        "dose": 1, "total_doses": 2, "date": "2021-07-01", "country": "NER", "centre": "CSI Tahoua",
        "valid_until": "2030-01-01",
    }
    result = interpret(hc1(cose(flat, key, kid)), trust=trust, at=NOW)
    assert result.kind == "who-ddcc" and result.signature == "valid"
    assert result.holder["name"] == "Ibrahim Issa"
    assert result.entries[0]["complete"] is False
    assert "Covishield" in result.entries[0]["product_name"]


def test_ddcc_tampered(issuer):
    key, _cert, kid, trust = issuer
    result = interpret(hc1(cose(ddcc_claims(), key, kid, tamper=True)), trust=trust, at=NOW)
    assert result.signature == "invalid" and not result.genuine_and_valid
    assert result.holder["name"] == "Aïcha Mousse"  # the content is still shown, flagged
    assert any("falsifié" in e for e in result.errors)


def test_ddcc_unknown_key(issuer):
    _key, _cert, kid, trust = issuer
    stranger = new_key()
    result = interpret(hc1(cose(ddcc_claims(), stranger, b"12345678")), trust=trust, at=NOW)
    assert result.signature == "unknown_key" and not result.genuine_and_valid
    # same kid as a trusted DSC but signed by another key: that is a forgery, not an unknown key
    forged = interpret(hc1(cose(ddcc_claims(), stranger, kid)), trust=trust, at=NOW)
    assert forged.signature == "invalid"


def test_ddcc_expired_by_cwt_and_by_period(issuer):
    key, _cert, kid, trust = issuer
    old = ddcc_claims(iat=NOW - timedelta(days=400), exp=NOW - timedelta(days=35))
    result = interpret(hc1(cose(old, key, kid)), trust=trust, at=NOW)
    assert result.signature == "valid" and result.expired is True and not result.genuine_and_valid
    body = json.loads(json.dumps(DDCC_VS))
    body["certificate"]["period"]["end"] = "2024-01-01"
    claims = ddcc_claims(body=body, iat=datetime(2023, 6, 1, tzinfo=timezone.utc))
    result = interpret(hc1(cose(claims, key, kid)), trust=trust, at=NOW)
    assert result.expired is True and result.valid_until.startswith("2024-01-01")
    # evaluated at an earlier moment, the same certificate was valid; before issuance it was not
    assert interpret(hc1(cose(claims, key, kid)), trust=trust, at=datetime(2023, 12, 1)).expired is False
    assert interpret(hc1(cose(claims, key, kid)), trust=trust, at=datetime(2023, 5, 1)).expired is True


def test_eu_dcc_own_vector_cwt_tag_kid_unprotected_and_key_usage():
    key = new_key()
    cert = self_signed(key, eku=["1.3.6.1.4.1.1847.2021.1.2"])  # may sign vaccinations only
    kid = dsc_kid(cert.public_bytes(serialization.Encoding.DER))
    trust = TrustList()
    trust.add_certificate(cert)
    dcc = {"ver": "1.3.0", "nam": {"fn": "Moussa", "gn": "Aïcha", "fnt": "MOUSSA", "gnt": "AICHA"}, "dob": "1990-04-12",
           "v": [{"tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528", "ma": "ORG-100030215", "dn": 3, "sd": 3,
                  "dt": "2022-01-10", "co": "FR", "is": "Ministère de la Santé", "ci": "URN:UVCI:01:FR:X"}]}
    claims = {1: "FR", 6: epoch(NOW - timedelta(days=1)), 4: epoch(NOW + timedelta(days=1)), -260: {1: dcc}}
    result = interpret(hc1(cose(claims, key, kid, tag61=True, kid_unprotected=True)), trust=trust, at=NOW)
    assert result.kind == "eu-dcc" and result.genuine_and_valid, result.errors
    test_dcc = {**{k: v for k, v in dcc.items() if k != "v"},
                "t": [{"tg": "840539006", "tt": "LP6464-4", "sc": "2022-01-10T10:00:00Z", "tr": "260415000", "co": "FR",
                       "is": "X", "ci": "Y"}]}
    claims[-260] = {1: test_dcc}
    result = interpret(hc1(cose(claims, key, kid)), trust=trust, at=NOW)
    assert result.signature == "invalid"
    assert result.entries[0]["result_name"]


def test_bare_public_key_without_kid_is_tried(issuer):
    key, _cert, kid, _trust = issuer
    pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    trust = TrustList.from_pem(pem)
    assert interpret(hc1(cose(ddcc_claims(), key, kid)), trust=trust, at=NOW).signature == "valid"
    other = TrustList.from_pem(new_key().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    assert interpret(hc1(cose(ddcc_claims(), key, kid)), trust=other, at=NOW).signature == "unknown_key"


# ------------------------------------------------------------------ SMART Health Cards
def shc_payload(iss="https://health.example.ne/issuer", nbf=NOW - timedelta(days=10), exp=None):
    payload = {
        "iss": iss,
        "nbf": epoch(nbf),
        "vc": {
            "type": ["https://smarthealth.cards#health-card"],
            "credentialSubject": {
                "fhirVersion": "4.0.1",
                "fhirBundle": {
                    "resourceType": "Bundle", "type": "collection",
                    "entry": [
                        {"fullUrl": "resource:0", "resource": {"resourceType": "Patient",
                         "name": [{"family": "Souley", "given": ["Mariama"]}], "birthDate": "1979-11-02"}},
                        {"fullUrl": "resource:1", "resource": {"resourceType": "Immunization", "status": "completed",
                         "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "208"}]},
                         "patient": {"reference": "resource:0"}, "occurrenceDateTime": "2021-05-01",
                         "lotNumber": "EW0175"}},
                        {"fullUrl": "resource:2", "resource": {"resourceType": "Observation", "status": "final",
                         "code": {"coding": [{"system": "http://loinc.org", "code": "94558-4"}]},
                         "effectiveDateTime": "2021-05-03",
                         "valueCodeableConcept": {"coding": [{"system": "http://snomed.info/sct",
                                                              "code": "260385009"}]}}},
                    ],
                },
            },
        },
    }
    if exp is not None:
        payload["exp"] = epoch(exp)
    return payload


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jws(payload: dict, key) -> str:
    jwk = public_key_to_jwk(key.public_key())
    header = b64u(json.dumps({"zip": "DEF", "alg": "ES256", "kid": jwk["kid"]}).encode())
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = b64u(comp.compress(json.dumps(payload, separators=(",", ":")).encode()) + comp.flush())
    return f"{header}.{body}.{b64u(es256(key, f'{header}.{body}'.encode()))}"


@pytest.fixture(scope="module")
def shc_issuer():
    key = new_key()
    trust = TrustList()
    trust.add_jwk(public_key_to_jwk(key.public_key()), iss="https://health.example.ne/issuer")
    return key, trust


def test_shc_genuine(shc_issuer):
    key, trust = shc_issuer
    result = interpret(jws_to_numeric(make_jws(shc_payload(), key)), trust=trust, at=NOW)
    assert result.kind == "shc" and result.signature == "valid" and result.genuine_and_valid
    assert result.holder == {"name": "Mariama Souley", "given_name": "Mariama", "family_name": "Souley",
                             "birth_date": "1979-11-02"}
    assert [e["type"] for e in result.entries] == ["vaccination", "test"]
    assert "Pfizer" in result.entries[0]["vaccine_name"]
    assert result.entries[1]["result_name"] == "Negative"
    assert result.issuer == "https://health.example.ne/issuer"


def test_shc_tampered(shc_issuer):
    key, trust = shc_issuer
    jws = make_jws(shc_payload(), key)
    header, body, sig = jws.split(".")
    other = make_jws(shc_payload(nbf=NOW - timedelta(days=11)), new_key()).split(".")[1]
    result = interpret(jws_to_numeric(f"{header}.{other}.{sig}"), trust=trust, at=NOW)
    assert result.signature == "invalid" and not result.genuine_and_valid


def test_shc_unknown_issuer_and_expired(shc_issuer):
    key, trust = shc_issuer
    stranger = new_key()
    result = interpret(jws_to_numeric(make_jws(shc_payload(iss="https://elsewhere.example"), stranger)),
                       trust=trust, at=NOW)
    assert result.signature == "unknown_key"
    expired = interpret(jws_to_numeric(make_jws(shc_payload(exp=NOW - timedelta(days=1)), key)), trust=trust, at=NOW)
    assert expired.signature == "valid" and expired.expired is True and not expired.genuine_and_valid


def test_shc_chunk_and_bad_digits():
    part = interpret("shc:/1/2/5676", trust=None)
    assert part.malformed and "1" in part.errors[0] and "2" in part.errors[0]
    assert interpret("shc:/5699", trust=None).malformed  # 99 > 'z'
    assert interpret("shc:/567", trust=None).malformed  # odd length


# Published example: smart-on-fhir/health-cards, examples/example-00-d-jws.txt and the
# example issuer's JWK (generate-examples/issuer/.well-known/jwks.json); CC-BY 4.0 / MIT,
# Computational Health Informatics Program, Boston Children's Hospital.
SHC_EXAMPLE_JWS = (
    "eyJ6aXAiOiJERUYiLCJhbGciOiJFUzI1NiIsImtpZCI6IjNLZmRnLVh3UC03Z1h5eXd0VWZVQUR3QnVtRE9QS01ReC1pRUxMMTFXOXMifQ."
    "3VJNj9MwEP0rq-HaJnGAzTYnaJH4OCAkdrmgHlxn2hg5dmQ7aZdV_jszbruAtNsTJ3wb-82b957nAXQIUEMbYx_qPA-d9LFFaWKbKembkONBdr3"
    "BkBNwQA8zsJst1OJaVIvquqyKTNwsZjAqqB_gjXI24iFC_f2Rcr_fZ_uXmfO7vCzETa48Nmijlibko4D1DOJ9j9zxDb3earkxuHrE0Lxntb04FnMu"
    "LuJ01w1W_5RRO3sRqNyoG7FgUb9lfh02P1BF9rdttSeVgXlqeJWReeLj2-VgG4OM8Rjc4BXeJldweji7BOWMIbajEhrg78k6MQ_G3HlDgHN_XRDgX"
    "DxB_IXsUD9_iOzwSCI7bYgP3lrC-JBm7PSIluP95FqulxmsJzK40WT-nYzMJRavxbwQ87KAaZo9qUZcVvPx74hDlHEIyS5vT0T-oFEqpS2uXJMYlG"
    "u03SXh4T5E7E57SD_TmiotDCebB93kajwQgUqdUBYVTOtpBv0pgiRnix4ta_szQQI5pQafntjsre6OFGUyXLAtimrrfEfLzVqkis4zZaNDb2SKc7m6"
    "eo8WvTRXH1zodaTFnDhE4-LnodtwKxTpiGcTLP_LBMvFv06w4oeJzi8."
    "YxOsZ9C8mJaC7inqPLDoEEq0nr6AIjSlxtbvR_M8__-H_jkpE2dvjyuu0kZETpT4g-MQi2UPFufWmD6gr0HOVw"
)
SHC_EXAMPLE_JWK = {"kty": "EC", "kid": "3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s", "use": "sig", "alg": "ES256",
                   "crv": "P-256", "x": "11XvRWy1I2S0EyJlyf_bWfw_TQ5CJJNLw78bHXNxcgw",
                   "y": "eZXwxvO1hvCY0KucrPfKo7yAyMT6Ajc3N7OkAB6VYy8"}
SHC_EXAMPLE_ISS = "https://smarthealth.cards/examples/issuer"


def test_published_shc_example():
    assert jwk_thumbprint(SHC_EXAMPLE_JWK) == SHC_EXAMPLE_JWK["kid"]
    trust = TrustList.from_json({"iss": SHC_EXAMPLE_ISS, "keys": [SHC_EXAMPLE_JWK]})
    result = interpret(jws_to_numeric(SHC_EXAMPLE_JWS), trust=trust, at=NOW)
    assert result.signature == "valid" and result.genuine_and_valid
    assert result.issuer == SHC_EXAMPLE_ISS and result.key_id == SHC_EXAMPLE_JWK["kid"]
    assert result.holder["name"] == "John B. Anyperson" and result.holder["birth_date"] == "1951-01-20"
    assert [e["date"] for e in result.entries] == ["2021-01-01", "2021-01-29"]
    assert interpret(jws_to_numeric(SHC_EXAMPLE_JWS), trust=TrustList(), at=NOW).signature == "unknown_key"


# ------------------------------------------------------------------ trust list
def test_trust_list_json_round_trip(issuer, shc_issuer):
    key, cert, kid, trust = issuer
    shc_key, shc_trust = shc_issuer
    combined = TrustList().merge(trust).merge(shc_trust)
    combined.add_post_key("post-gaya-1", b"\x01" * 32, "Poste de Gaya")
    again = TrustList.from_json(json.loads(json.dumps(combined.to_json())))
    assert [e.kid for e in again.dscs] == [kid]
    assert again.post_key("post-gaya-1") == (b"\x01" * 32, "Poste de Gaya")
    assert again.post_key("nope") is None
    assert len(again.shc_issuer_keys("https://health.example.ne/issuer/")) == 1
    assert interpret(hc1(cose(ddcc_claims(), key, kid)), trust=again, at=NOW).genuine_and_valid
    assert interpret(jws_to_numeric(make_jws(shc_payload(), shc_key)), trust=again, at=NOW).genuine_and_valid


def test_trust_load_files(tmp_path, issuer):
    from border_app.errors import InvalidInput

    _key, cert, kid, _trust = issuer
    pem = tmp_path / "dsc.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    assert TrustList.load(pem).dsc_for_kid(kid)
    der = tmp_path / "dsc.der"
    der.write_bytes(cert.public_bytes(serialization.Encoding.DER))
    assert TrustList.load(der).dsc_for_kid(kid)
    assert hashlib.sha256(der.read_bytes()).digest()[:8] == kid
    private = tmp_path / "private.pem"
    private.write_bytes(new_key().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                serialization.NoEncryption()))
    with pytest.raises(InvalidInput, match="PRIVÉE"):  # French by default
        TrustList.load(private)
    junk = tmp_path / "junk.txt"
    junk.write_text("not a key")
    with pytest.raises(InvalidInput):
        TrustList.load(junk)
    with pytest.raises(InvalidInput):
        TrustList.load(tmp_path / "missing.pem")


def test_jwk_private_parts_are_dropped():
    key = new_key()
    jwk = public_key_to_jwk(key.public_key())
    jwk["d"] = "secret"
    trust = TrustList()
    trust.add_jwk(jwk, iss="https://x.example")
    assert "d" not in trust.shc_issuer_keys("https://x.example")[0]
    assert "secret" not in json.dumps(trust.to_json())


# ------------------------------------------------------------------ other payloads
def test_unknown_text_is_shown_not_crashed():
    result = interpret("https://example.org/some?thing", trust=None)
    assert result.kind == "unknown" and result.signature == "none" and result.text == "https://example.org/some?thing"
    assert not result.genuine_and_valid and not result.malformed
    assert any("https://example.org" in line for line in result.summary_lines("en"))


def test_slip_prefix_goes_to_slip_verifier():
    result = interpret("HHBM1:NOT-A-REAL-SLIP", trust=TrustList())
    assert result.kind == "slip"
    assert not result.genuine_and_valid and result.errors


def test_result_json_keys():
    data = json.loads(CertificateResult(kind="shc", signature="valid", expired=False).to_json())
    assert {"kind", "signature", "expired", "holder", "entries", "errors", "issuer", "key_id", "issued_at",
            "valid_from", "valid_until", "raw", "malformed"} <= set(data)
    assert data["genuine_and_valid"] is True


# ------------------------------------------------------------------ hostile input
def _timed(text):
    start = time.perf_counter()
    result = interpret(text, trust=TrustList())
    return result, time.perf_counter() - start


def test_zlib_bomb_is_refused_fast():
    bomb = zlib.compress(b"\x00" * (8 * 1024 * 1024), 9)  # 8 MiB from ~8 kB
    assert len(bomb) < 12 * 1024
    result, seconds = _timed("HC1:" + b45encode(bomb))
    assert result.malformed and "ko" in result.errors[0] and "malveillant" in result.errors[0]
    assert seconds < 1.0


def test_raw_deflate_bomb_in_shc_is_refused():
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = comp.compress(b" " * (8 * 1024 * 1024)) + comp.flush()
    header = b64u(json.dumps({"zip": "DEF", "alg": "ES256", "kid": "x"}).encode())
    jws = f"{header}.{b64u(body)}.{b64u(b'0' * 64)}"
    result, seconds = _timed(jws_to_numeric(jws))
    assert result.malformed and seconds < 1.0


@pytest.mark.parametrize(
    "cbor_bytes",
    [
        b"\x81" * 5000 + b"\x00",  # deeply nested arrays
        b"\xd8\x12" * 3000 + b"\x00",  # deeply nested tags
        b"\x9b\xff\xff\xff\xff\xff\xff\xff\xff",  # an array announcing 2**64 items
        b"\x5b\x00\x00\x00\x01\x00\x00\x00\x00",  # a 4 GiB byte string
        b"\x9f" * 100 + b"\xff" * 100,  # nested indefinite arrays
        b"\xa1\x01",  # truncated map
        b"\x1c",  # reserved additional information
    ],
)
def test_hostile_cbor_is_refused(cbor_bytes):
    with pytest.raises(PayloadError):
        check_cbor(cbor_bytes)
    result, seconds = _timed("HC1:" + b45encode(zlib.compress(cbor_bytes)))
    assert result.malformed and result.errors and seconds < 1.0


def test_many_items_are_refused():
    with pytest.raises(PayloadError, match="trop d'éléments"):
        check_cbor(cbor2.dumps([0] * 50_000))


def test_huge_payloads_are_refused():
    result, seconds = _timed("shc:/" + "56" * 200_000)
    assert result.malformed and seconds < 0.5
    result, _s = _timed("HC1:" + "A" * 100_000)
    assert result.malformed


def test_truncated_and_corrupted_hc1(issuer):
    key, _cert, kid, trust = issuer
    text = hc1(cose(ddcc_claims(), key, kid))
    for broken in (text[: len(text) // 2], text[:-3], text.replace("A", "a", 1), "HC1:", text + "~"):
        result = interpret(broken, trust=trust, at=NOW)
        assert isinstance(result, CertificateResult)
        assert not result.genuine_and_valid
        assert result.malformed or result.signature != "valid"


def test_base45_rfc_examples():
    assert b45encode(b"AB") == "BB8"
    assert b45encode(b"Hello!!") == "%69 VD92EX0"
    assert b45decode("QED8WEX0") == b"ietf!"
    for bad in ("GGW", "A", "abc"):
        with pytest.raises(PayloadError):
            b45decode(bad)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.sampled_from(["HC1:", "shc:/", "HHBM1:", ""]), body=st.text(max_size=300))
def test_fuzz_text_never_crashes(prefix, body):
    result = interpret(prefix + body, trust=TrustList())
    assert isinstance(result, CertificateResult)
    assert result.kind in ("eu-dcc", "who-ddcc", "shc", "slip", "unknown")
    assert not result.genuine_and_valid


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=400))
def test_fuzz_compressed_bytes_never_crash(data):
    result = interpret("HC1:" + b45encode(zlib.compress(data)), trust=TrustList())
    assert result.malformed or result.signature != "valid"
