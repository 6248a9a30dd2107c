"""EU DCC against the public dgc-testdata vectors (../shared/data/dcc)."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from pathlib import Path

import pytest

from border_app.scanned_codes import interpret
from border_app.trust import TrustList
from tests.conftest import SHARED_DATA

DCC = SHARED_DATA / "dcc"
VECTORS = sorted(DCC.glob("*/2DCode/raw/*.json")) if DCC.is_dir() else []


def _load(path: Path):
    data = json.loads(path.read_text(encoding="utf-8"))
    ctx = data.get("TESTCTX", {})
    trust = TrustList()
    trust.add_certificate(base64.b64decode(ctx["CERTIFICATE"]))
    clock = ctx.get("VALIDATIONCLOCK")
    at = datetime.fromisoformat(clock.replace("Z", "+00:00")) if clock else None
    return data, data.get("EXPECTEDRESULTS", {}), trust, at


def _ids(paths):
    return [f"{p.parts[-4]}/{p.stem}" for p in paths]


pytestmark = pytest.mark.shared_data("dcc")

VERIFY = [p for p in VECTORS if "EXPECTEDVERIFY" in json.loads(p.read_text("utf-8")).get("EXPECTEDRESULTS", {})]
DECODE_FALSE = [p for p in VECTORS
                if json.loads(p.read_text("utf-8")).get("EXPECTEDRESULTS", {}).get("EXPECTEDDECODE") is False]
EXPIRY = [p for p in VECTORS
          if "EXPECTEDEXPIRATIONCHECK" in json.loads(p.read_text("utf-8")).get("EXPECTEDRESULTS", {})]
# Key-usage vectors that do not also state EXPECTEDVERIFY (IS/3 says "verify: true, key usage:
# false" for a certificate with no key-usage extension at all: the verify outcome rules there).
KEYUSAGE = [
    p for p in VECTORS
    if "EXPECTEDKEYUSAGE" in (r := json.loads(p.read_text("utf-8")).get("EXPECTEDRESULTS", {}))
    and "EXPECTEDVERIFY" not in r
]


def test_there_are_vectors_of_each_kind():
    assert len(VERIFY) > 100 and len(DECODE_FALSE) >= 1 and len(EXPIRY) > 50 and len(KEYUSAGE) >= 10


@pytest.mark.parametrize("path", VERIFY, ids=_ids(VERIFY))
def test_expected_verify(path):
    data, expected, trust, at = _load(path)
    result = interpret(data["PREFIX"], trust=trust, at=at)
    if expected["EXPECTEDVERIFY"]:
        assert result.signature == "valid", result.errors
        assert result.kind == "eu-dcc"
        assert result.holder.get("birth_date")
        assert result.entries
    else:
        assert result.signature != "valid"
        assert not result.genuine_and_valid


@pytest.mark.parametrize("path", DECODE_FALSE, ids=_ids(DECODE_FALSE))
def test_expected_decode_false_is_malformed(path):
    data, _expected, trust, at = _load(path)
    result = interpret(data["PREFIX"], trust=trust, at=at)
    assert result.malformed
    assert result.errors and all(isinstance(e, str) and e for e in result.errors)
    assert not result.genuine_and_valid


@pytest.mark.parametrize("path", EXPIRY, ids=_ids(EXPIRY))
def test_expected_expiration_check(path):
    data, expected, trust, at = _load(path)
    result = interpret(data["PREFIX"], trust=trust, at=at)
    assert result.expired is (not expected["EXPECTEDEXPIRATIONCHECK"])


@pytest.mark.parametrize("path", KEYUSAGE, ids=_ids(KEYUSAGE))
def test_expected_key_usage(path):
    data, expected, trust, at = _load(path)
    result = interpret(data["PREFIX"], trust=trust, at=at)
    assert (result.signature == "valid") is expected["EXPECTEDKEYUSAGE"]


@pytest.mark.parametrize("name", ["B1", "Z1", "Z2", "H1", "H2", "H3"])
def test_broken_layers_are_not_accepted(name):
    path = DCC / "common" / "2DCode" / "raw" / f"{name}.json"
    data, _expected, trust, at = _load(path)
    result = interpret(data["PREFIX"], trust=trust, at=at)
    assert result.malformed or result.kind == "unknown"
    assert not result.genuine_and_valid


def test_stages_match_the_reference():
    """Our Base45 and inflate give the vector's own intermediate stages."""
    import zlib

    from border_app.certificates.base45 import b45decode
    from border_app.certificates.limits import inflate

    data = json.loads((DCC / "AT" / "2DCode" / "raw" / "1.json").read_text("utf-8"))
    compressed = b45decode(data["PREFIX"][4:])
    assert compressed.hex() == data["COMPRESSED"].lower()
    assert inflate(compressed).hex() == data["COSE"].lower() == zlib.decompress(compressed).hex()


def test_wrong_trust_gives_unknown_key_and_readable_content():
    data, _e, _t, at = _load(DCC / "AT" / "2DCode" / "raw" / "1.json")
    other, _e2, trust_other, _at = _load(DCC / "DE" / "2DCode" / "raw" / "1.json")
    result = interpret(data["PREFIX"], trust=trust_other, at=at)
    assert result.signature == "unknown_key"
    assert result.holder["name"] == "Gabriele Musterfrau-Gößinger"
    no_trust = interpret(data["PREFIX"], trust=None, at=at)
    assert no_trust.signature == "unknown_key" and not no_trust.genuine_and_valid


def test_value_set_names_and_summary_in_both_languages():
    data, _e, trust, at = _load(DCC / "AT" / "2DCode" / "raw" / "1.json")
    result = interpret(data["PREFIX"], trust=trust, at=at)
    vacc = result.entries[0]
    assert vacc["type"] == "vaccination" and vacc["product"] == "EU/1/20/1528"
    assert "Comirnaty" in vacc["product_name"]
    en = result.summary_lines("en")
    fr = result.summary_lines("fr")
    assert en[1] == "GENUINE and valid."
    assert fr[1] != en[1] and "AUTHENTIQUE" in fr[1]
    assert any("Comirnaty" in line and "1/2" in line for line in en)
    js = json.loads(result.to_json())
    for key in ("kind", "signature", "expired", "holder", "entries", "errors"):
        assert key in js
