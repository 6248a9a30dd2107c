"""The signed slip payload: encoding, decoding, verification, tampering, hostile input."""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from border_app import slip_payload as sp
from border_app.errors import InvalidInput
from border_app.keys import KdfParams, Keystore, key_id, verify

ISSUED = datetime(2025, 3, 12, 9, 30, 15, tzinfo=timezone.utc)
B45_ALPHABET = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    path = tmp_path_factory.mktemp("ks") / "keystore.json"
    _store, unlocked = Keystore.create(path, post_id="NE-POST-1", kdf=KdfParams.TEST, first_slot=("admin", "pw pw pw"))
    return unlocked


@pytest.fixture(scope="module")
def other_keys(tmp_path_factory):
    path = tmp_path_factory.mktemp("ks2") / "keystore.json"
    _store, unlocked = Keystore.create(path, post_id="NE-POST-2", kdf=KdfParams.TEST, first_slot=("admin", "pw pw pw"))
    return unlocked


def payload(**changes) -> sp.SlipPayload:
    values = dict(
        record_id=str(uuid.UUID(int=0x1234567890ABCDEF1234567890ABCDEF)),
        post_id=str(uuid.UUID(int=42)),
        name="ABDOULAYE MAHAMADOU Françoise Élodie",
        birth_date="1985-03-12",
        document=("passport", "19AB12345"),
        kind="screening",
        outcome="referral",
        serial="S250312-4F2A9C",
        issued_at=ISSUED,
        version=1,  # this file checks version 1 (still verified); version 2: tests/test_slip_v2.py
    )
    values.update(changes)
    return sp.new_payload(**values)


def lookup_for(*key_rings, name="Poste de Makalondi"):
    table = {k.signing_key_id: (k.signing_public_key, name) for k in key_rings}
    return table.get


def test_sign_and_decode_round_trip_keeps_every_field(keys):
    text = sp.sign_slip(payload(), keys)
    decoded, signed, signature = sp.decode_slip_text(text)
    expected = payload()
    assert decoded.record_id == expected.record_id
    assert decoded.post_id == expected.post_id
    assert decoded.key_id == keys.signing_key_id == key_id(keys.signing_public_key)
    assert decoded.issued_at == ISSUED
    assert decoded.name == "ABDOULAYE MAHAMADOU Françoise Élodie"
    assert decoded.birth_date == "1985-03-12"
    assert decoded.document == ("passport", "19AB12345")
    assert decoded.kind == "screening"
    assert decoded.outcome == "referral"
    assert decoded.serial == "S250312-4F2A9C"
    assert not decoded.birth_date_approximate
    assert signed.startswith(sp.CONTEXT)
    assert verify(keys.signing_public_key, signed, signature)


@pytest.mark.parametrize("birth, approx", [("1985", True), ("1985-03", False), (None, False), ("0999", False),
                                           ("1985-13", False)])
@pytest.mark.parametrize("document", [None, ("id_card", "NE-12 345"), ("travel_certificate", "LP1"),
                                      ("P", "odd type kept"), ("unlisted", "X1")])
def test_partial_dates_declared_identities_and_odd_values_round_trip(keys, birth, approx, document):
    p = payload(birth_date=birth, birth_date_approximate=approx, document=document, kind="registration",
                record_id="not-a-uuid", post_id=str(uuid.UUID(int=7)).upper())
    decoded = sp.decode_slip_text(sp.sign_slip(p, keys))[0]
    assert decoded.birth_date == birth
    assert decoded.birth_date_approximate is approx
    assert decoded.document == document
    assert decoded.identity_declared is (document is None)
    assert decoded.record_id == "not-a-uuid"
    assert decoded.post_id == str(uuid.UUID(int=7)).upper()
    assert decoded.outcome is None  # registrations carry no outcome


@pytest.mark.parametrize("outcome", ["cleared", "secondary", "referral", "isolation", "R", "=R", "==C", "follow_up"])
def test_outcome_codes_round_trip(keys, outcome):
    assert sp.decode_slip_text(sp.sign_slip(payload(outcome=outcome), keys))[0].outcome == outcome


def test_text_is_compact_and_stays_in_the_qr_alphanumeric_alphabet(keys):
    text = sp.sign_slip(payload(), keys)
    assert text.startswith("HHBM1:")
    assert set(text) <= B45_ALPHABET
    assert len(text) < 300, len(text)
    short = sp.sign_slip(payload(name="ISSA Amadou", outcome=None, kind="registration"), keys)
    assert len(short) < 260, len(short)


def test_base45_matches_rfc_9285_examples():
    assert sp.b45encode(b"AB") == "BB8"
    assert sp.b45encode(b"Hello!!") == "%69 VD92EX0"
    assert sp.b45encode(b"ietf!") == "QED8WEX0"
    assert sp.b45decode("QED8WEX0") == b"ietf!"
    for bad in ("GGW", "A", "abc", "ZZZZ", "é00"):
        with pytest.raises(ValueError):
            sp.b45decode(bad)


def test_valid_slip_is_reported_like_a_certificate(keys):
    text = sp.sign_slip(payload(), keys)
    result = sp.verify_slip_text(text, lookup_for(keys), at=ISSUED + timedelta(days=3))
    assert result.kind == "slip"
    assert result.signature == "valid"
    assert result.issuer == "Poste de Makalondi"
    assert result.key_id == keys.signing_key_id
    assert result.holder["name"] == "ABDOULAYE MAHAMADOU Françoise Élodie"
    assert result.holder["birth_date"] == "1985-03-12"
    assert result.entries[0]["outcome"] == "referral"
    assert result.entries[0]["document_number"] == "19AB12345"
    assert result.expired is None and not result.malformed and not result.errors
    assert result.genuine_and_valid
    data = result.to_dict()
    for key in ("kind", "signature", "expired", "holder", "entries", "errors", "issuer", "key_id", "issued_at",
                "raw", "malformed"):
        assert key in data
    assert '"signature": "valid"' in result.to_json()


def test_unknown_key_and_foreign_key(keys, other_keys):
    text = sp.sign_slip(payload(), keys)
    unknown = sp.verify_slip_text(text, lookup_for(other_keys))
    assert unknown.signature == "unknown_key" and unknown.issuer is None
    assert unknown.holder["name"].startswith("ABDOULAYE")   # still readable, not trusted
    assert not unknown.genuine_and_valid
    assert any(keys.signing_key_id in e for e in unknown.errors)

    # a trust list that maps this key id to another post's key: invalid, never valid
    def wrong(kid):
        return (other_keys.signing_public_key, "Autre poste")

    assert sp.verify_slip_text(text, wrong).signature == "invalid"

    # a lookup that crashes must not crash the reader
    def broken(kid):
        raise RuntimeError("trust file unreadable")

    assert sp.verify_slip_text(text, broken).signature == "unknown_key"


def _verify_bytes(data: bytes, lookup) -> str:
    result = sp.verify_slip_text(sp.PREFIX + sp.b45encode(data), lookup)
    return "malformed" if result.malformed else result.signature


def test_every_single_bit_flip_of_every_byte_fails_verification(keys):
    lookup = lookup_for(keys)
    data = sp.b45decode(sp.sign_slip(payload(), keys)[len(sp.PREFIX):])
    for i in range(len(data)):
        for bit in range(8):
            mutated = data[:i] + bytes([data[i] ^ (1 << bit)]) + data[i + 1:]
            assert _verify_bytes(mutated, lookup) != "valid", (i, bit)


@pytest.mark.slow
def test_every_changed_byte_fails_verification(keys):
    """Exhaustive: each byte of body||signature replaced by each of its 255 other values."""
    lookup = lookup_for(keys)
    data = sp.b45decode(sp.sign_slip(payload(), keys)[len(sp.PREFIX):])
    assert _verify_bytes(data, lookup) == "valid"
    outcomes = {"malformed": 0, "invalid": 0, "unknown_key": 0}
    for i in range(len(data)):
        for value in range(256):
            if value == data[i]:
                continue
            mutated = data[:i] + bytes([value]) + data[i + 1:]
            outcome = _verify_bytes(mutated, lookup)
            assert outcome != "valid", (i, value)
            outcomes[outcome] += 1
    assert sum(outcomes.values()) == len(data) * 255
    assert outcomes["invalid"] > 0 and outcomes["malformed"] > 0


def test_every_changed_character_of_the_text_fails(keys):
    lookup = lookup_for(keys)
    text = sp.sign_slip(payload(), keys)
    alphabet = sorted(B45_ALPHABET) + ["a", "é", "\x00"]
    for i in range(len(sp.PREFIX), len(text)):
        for ch in alphabet[::5] + [alphabet[(alphabet.index(text[i]) + 1) % 45]]:
            if ch == text[i]:
                continue
            result = sp.verify_slip_text(text[:i] + ch + text[i + 1:], lookup)
            assert result.signature != "valid", (i, ch)


def test_truncated_or_extended_codes_fail(keys):
    lookup = lookup_for(keys)
    data = sp.b45decode(sp.sign_slip(payload(), keys)[len(sp.PREFIX):])
    for n in range(len(data)):
        assert _verify_bytes(data[:n], lookup) != "valid"
    for extra in (b"\x00", b"\xff" * 3, data[-64:]):
        assert _verify_bytes(data + extra, lookup) != "valid"
        assert _verify_bytes(extra + data, lookup) != "valid"


@pytest.mark.parametrize("text", ["", "HHBM1:", "HHBM1:AB", "HC1:6BFOXN", "hhbm1:" + "A" * 30, "HHBM1:" + "9" * 999,
                                  "HHBM1:" + "Z" * 300, "HHBM1:ÉÉÉ", "HHBM2:00", None])
def test_malformed_codes_give_a_clear_translated_result_not_a_traceback(text):
    result = sp.verify_slip_text(text, lambda kid: None)
    assert result.kind == "slip" and result.malformed and result.signature == "none"
    assert result.errors and all(isinstance(e, str) and e for e in result.errors)
    with pytest.raises(sp.SlipFormatError) as info:
        sp.decode_slip_text(text)
    assert info.value.exit_code == 2


def test_errors_are_french_by_default():
    result = sp.verify_slip_text("HHBM1:AB", lambda kid: None)
    assert "endommagé" in result.errors[0] or "attestation" in result.errors[0]


def test_hostile_input_is_bounded_in_time():
    start = time.perf_counter()
    for text in ("HHBM1:" + "0" * 10_000_000, "HHBM1:" + "%" * 1998):
        assert sp.verify_slip_text(text, lambda kid: None).malformed
    assert time.perf_counter() - start < 1.0


def test_well_formed_cbor_with_wrong_shape_is_malformed(keys):
    import cbor2

    for body in (cbor2.dumps([1, 2, 3]), cbor2.dumps({"a": 1}), cbor2.dumps([2] + [None] * 11),
                 cbor2.dumps([1, b"x" * 16, b"y" * 16, b"k" * 8, -5, "N", None, None, 1, None, "S", False]),
                 cbor2.dumps([1, b"x" * 16, b"y" * 16, b"k" * 8, 5, "N", None, None, 9, None, "S", False])):
        result = sp.verify_slip_text(sp.PREFIX + sp.b45encode(body + bytes(64)), lookup_for(keys))
        assert result.malformed


def test_future_dated_slip_is_flagged(keys):
    text = sp.sign_slip(payload(issued_at=ISSUED + timedelta(days=10)), keys)
    result = sp.verify_slip_text(text, lookup_for(keys), at=ISSUED)
    assert result.signature == "valid"
    assert any("futur" in e for e in result.errors)


def test_sign_refuses_what_it_could_not_read_back(keys):
    with pytest.raises(InvalidInput):
        sp.sign_slip(payload(name="X" * 201), keys)
    with pytest.raises(InvalidInput):
        sp.sign_slip(payload(name=""), keys)
    with pytest.raises(InvalidInput):
        sp.sign_slip(sp.SlipPayload(record_id="r", post_id="p", key_id="0" * 16, issued_at=datetime(2025, 1, 1),
                                    name="A", birth_date=None, document=None, kind="registration", outcome=None,
                                    serial="s"), keys)
    with pytest.raises(InvalidInput):
        sp.sign_slip(payload(kind="vaccination"), keys)
    with pytest.raises(InvalidInput):
        sp.sign_slip(payload(serial="S" * 65), keys)


def test_the_scan_dispatcher_recognises_slips(keys):
    from border_app.scanned_codes import interpret

    class Trust:
        def post_key(self, kid):
            return lookup_for(keys, name="Poste de Gaya")(kid)

    result = interpret(sp.sign_slip(payload(), keys), trust=Trust())
    assert result.kind == "slip" and result.signature == "valid" and result.issuer == "Poste de Gaya"
