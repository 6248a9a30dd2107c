"""Slip payload version 2 (issue #18, defect 16): what the code carries, tampering, the demo
mark that a forger cannot drop, a real post that never trusts a demo key, version 1 still
verified, and the readable summary (defect 7)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import cbor2
import pytest

from border_app import paths
from border_app import slip_payload as sp
from border_app.scanned_codes import interpret
from border_app.errors import InvalidInput, KeyStoreError
from border_app.i18n import set_language
from border_app.keys import KdfParams, Keystore, PublicKeys
from border_app.trust import TrustList, load_post_trust

ISSUED = datetime(2026, 3, 12, 9, 30, 15, tzinfo=timezone.utc)
NUMBER = "19AB12345"


@pytest.fixture(scope="module")
def real_keys(tmp_path_factory):
    path = tmp_path_factory.mktemp("real") / "keystore.json"
    keys = Keystore.create(path, post_id="real-post", kdf=KdfParams.TEST, first_slot=("admin", "pw pw pw"))[1]
    _PATHS[keys.signing_key_id] = path
    return keys


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "keystore.json"
    return Keystore.create(path, post_id="demo-post", kdf=KdfParams.TEST, first_slot=("admin", "demo1234"),
                           demo=True)


@pytest.fixture(scope="module")
def demo_keys(demo_store):
    return demo_store[1]


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("fr")


def payload(**changes):
    values = dict(post_id="NE006013", post_name="Poste frontière de Makalondi",
                  name="ABDOULAYE MAHAMADOU Françoise Élodie", birth_date="1985-03-12", sex="F",
                  document=("passport", NUMBER), issuing_state="NER", kind="screening", outcome="referral",
                  serial="NE006013-2026-000123", issued_at=ISSUED)
    values.update(changes)
    return sp.new_payload(**values)


def lookup(keys, name="Poste de Makalondi", demo=False):
    return {keys.signing_key_id: (keys.signing_public_key, name, demo)}.get


def body_and_signature(text):
    data = sp.b45decode(text[len(sp.PREFIX_V2):])
    return data[:-64], data[-64:]


# ---------------------------------------------------------------------------- format

def test_v2_round_trip_carries_what_the_next_post_needs_and_no_document_number(real_keys):
    text = sp.sign_slip(payload(), real_keys)
    assert text.startswith("HHBM2:") and set(text) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
    decoded = sp.decode_slip_text(text)[0]
    assert decoded.version == 2 and decoded.demo is False
    assert (decoded.name, decoded.birth_date, decoded.sex) == ("ABDOULAYE MAHAMADOU Françoise Élodie", "1985-03-12",
                                                               "F")
    assert (decoded.kind, decoded.outcome, decoded.serial) == ("screening", "referral", "NE006013-2026-000123")
    assert (decoded.post_id, decoded.post_name) == ("NE006013", "Poste frontière de Makalondi")
    assert decoded.issued_at == ISSUED and decoded.key_id == real_keys.signing_key_id
    assert decoded.document_hash == sp.document_hash("NER", NUMBER) and len(decoded.document_hash) == 16
    assert decoded.record_id is None and decoded.document is None
    body, _sig = body_and_signature(text)
    assert NUMBER.encode() not in body                       # no document number in clear
    assert len(cbor2.loads(body)) == 14
    result = sp.verify_slip_text(text, lookup(real_keys))
    assert result.signature == "valid" and result.genuine_and_valid and result.demo is False
    assert "document_number" not in json.dumps(result.to_dict())
    # the document hash compares with the document shown, whatever its spelling
    assert sp.slip_matches(result, name="abdoulaye mahamadou francoise elodie", birth_date="1985-03-12",
                           issuing_state="ner", document_number="19ab 12345") == []
    assert sp.slip_matches(result, issuing_state="NER", document_number="19AB12346")


def test_v2_declared_identity_and_approximate_birth_date(real_keys):
    text = sp.sign_slip(payload(document=None, birth_date="1990", birth_date_approximate=True, sex=None,
                                kind="registration", outcome="cleared"), real_keys)
    decoded = sp.decode_slip_text(text)[0]
    assert decoded.identity_declared and decoded.document_hash is None
    assert decoded.birth_date_approximate and decoded.outcome is None and decoded.sex is None


def test_typical_v2_code_fits_a_small_qr():
    """Measured: a screening slip with a 36-character name and a 20-character serial gives
    a QR code of version 10 (level M), as version 1 did (see docs/slips.md)."""
    import segno
    import secrets

    class Keys:
        signing_key_id = "00" * 8
        demo = True

        @staticmethod
        def sign(data):
            return secrets.token_bytes(64)

    text = sp.sign_slip(payload(), Keys())
    assert len(text) <= 311, len(text)   # 311: the alphanumeric capacity of a version 10 QR at level M
    assert segno.make(text, error="m", micro=False).version <= 10


def test_every_changed_character_fails(real_keys):
    text = sp.sign_slip(payload(), real_keys)
    check = lookup(real_keys)
    for i in range(len(sp.PREFIX_V2), len(text), 3):
        ch = "0" if text[i] != "0" else "1"
        result = sp.verify_slip_text(text[:i] + ch + text[i + 1:], check)
        assert result.signature != "valid" or result.malformed, i


# ---------------------------------------------------------------------------- demo mark

def test_demo_keystore_is_marked_in_its_public_form(demo_store, demo_keys, real_keys):
    store, _keys = demo_store
    public = store.public_keys()
    assert store.demo and public.demo and demo_keys.demo and not real_keys.demo
    assert PublicKeys.from_json(json.loads(json.dumps(public.to_json()))).demo
    assert PublicKeys.from_qr_text(public.to_qr_text()).demo
    assert not PublicKeys.from_qr_text(real_keys.public_keys().to_qr_text()).demo


def test_dropping_the_demo_mark_from_the_keystore_is_detected(demo_store, tmp_path):
    store, _keys = demo_store
    doc = json.loads(store.path.read_text())
    del doc["demo"]
    forged = tmp_path / "keystore.json"
    forged.write_text(json.dumps(doc))
    with pytest.raises(KeyStoreError):
        Keystore.load(forged).unlock("admin", "demo1234")   # the MAC covers the mark


def test_demo_key_signs_a_demo_slip_that_says_demo(demo_keys):
    text = sp.sign_slip(payload(), demo_keys)
    assert sp.decode_slip_text(text)[0].demo is True
    result = sp.verify_slip_text(text, lookup(demo_keys, demo=True))
    assert result.signature == "valid" and result.demo is True
    assert not result.genuine_and_valid                        # a demo slip is never genuine
    assert result.to_dict()["demo"] is True
    assert result.summary_lines()[0].startswith("DÉMO")


def test_the_demo_mark_cannot_be_stripped(demo_keys):
    text = sp.sign_slip(payload(), demo_keys)
    body, signature = body_and_signature(text)
    fields = cbor2.loads(body)
    assert fields[1] is True
    fields[1] = False
    stripped = sp.PREFIX_V2 + sp.b45encode(cbor2.dumps(fields) + signature)
    # 1. the flag flipped in the body: the signature no longer holds
    result = sp.verify_slip_text(stripped, lookup(demo_keys, demo=True))
    assert result.signature == "invalid" and not result.genuine_and_valid
    # 2. re-signed without the mark with the demo key (its password is public): the key is a demo key
    resigned_body = cbor2.dumps(fields)
    forged = sp.PREFIX_V2 + sp.b45encode(resigned_body + demo_keys.sign(sp.CONTEXT_V2 + resigned_body))
    result = sp.verify_slip_text(forged, lookup(demo_keys, demo=True))
    assert result.signature == "invalid" and result.demo is True and not result.genuine_and_valid
    # 3. on a real post the demo key is not trusted at all
    assert interpret(forged, trust=TrustList()).signature == "unknown_key"
    # 4. a demo signature presented as a real one (context swapped) fails too
    assert sp.verify_slip_text(stripped, lookup(demo_keys, demo=False)).signature == "invalid"


def test_a_real_post_refuses_demo_keys(demo_store, demo_keys, home, tmp_path):
    store, _keys = demo_store
    public = store.public_keys()
    real = TrustList()
    with pytest.raises(InvalidInput):
        real.add_public_keys(public, "Démo")
    with pytest.raises(InvalidInput):
        real.add_post_key(public.signing_key_id, public.signing_public_key, "Démo", demo=True)
    with pytest.raises(InvalidInput):
        TrustList.from_json(public.to_json())
    demo_trust = TrustList(allow_demo=True)
    demo_trust.add_public_keys(public, "Démo")
    with pytest.raises(InvalidInput):
        TrustList.from_json(demo_trust.to_json())            # the trust list file keeps the mark
    assert TrustList.from_json(demo_trust.to_json(), allow_demo=True).post_key(public.signing_key_id).demo
    assert not real.add_keystore(store.path)                 # a demo keystore on a real post: not trusted

    # a real post's trust folder with the demo key: skipped; the demo slip is not genuine there
    profile = paths.profile().ensure()
    (profile.root / "trust").mkdir()
    (profile.root / "trust" / "demo.json").write_text(json.dumps(public.to_json()))
    text = sp.sign_slip(payload(), demo_keys)
    result = interpret(text, trust=load_post_trust(profile))
    assert result.signature == "unknown_key" and not result.genuine_and_valid and result.demo
    assert "DÉMO" in result.summary_lines()[0]


def test_v1_slips_still_verify_and_a_demo_key_shows_demo(real_keys, demo_keys):
    v1 = sp.new_payload(record_id="00000000-0000-4000-8000-000000000001", post_id="p", name="ABDOU Moussa",
                        birth_date="1990", document=("passport", NUMBER), kind="registration", outcome=None,
                        serial="R1", issued_at=ISSUED, version=1)
    text = sp.sign_slip(v1, real_keys)
    assert text.startswith("HHBM1:")
    trust = TrustList()
    trust.add_post_key(real_keys.signing_key_id, real_keys.signing_public_key, "Makalondi")
    result = interpret(text, trust=trust)
    assert result.signature == "valid" and result.genuine_and_valid and result.issuer == "Makalondi"
    assert result.entries[0]["document_number"] == NUMBER
    demo_text = sp.sign_slip(v1, demo_keys)
    demo_trust = TrustList(allow_demo=True)
    demo_trust.add_post_key(demo_keys.signing_key_id, demo_keys.signing_public_key, "Démo", demo=True)
    result = interpret(demo_text, trust=demo_trust)
    assert result.signature == "valid" and result.demo and not result.genuine_and_valid


# ---------------------------------------------------------------------------- readable summary

RAW = re.compile(r"\w+: (None|True|False)|record_id|identity_declared|_id\b|\bNone\b")


def test_slip_summary_is_readable(real_keys, home):
    trust = TrustList()
    assert trust.add_keystore(real_keys_path(real_keys))   # the post's own keys: no name in the keystore
    result = interpret(sp.sign_slip(payload(), real_keys), trust=trust)
    lines = result.summary_lines("en")
    text = "\n".join(lines)
    assert not RAW.search(text), text
    assert "ABDOULAYE MAHAMADOU Françoise Élodie" in text and "12/03/1985" in text
    assert "female" in text and "birth date: 12/03/1985" in text
    assert "Referral to a health facility" in text
    assert "12/03/2026 10:30" in text                    # post time, DD/MM/YYYY
    assert "Poste frontière de Makalondi" in text         # the post by name, not its id
    assert "real-post" not in text and real_keys.signing_key_id not in text
    assert "GENUINE" in text and "DÉMO" not in text
    french = "\n".join(result.summary_lines("fr"))
    assert "Orientation" in french or "orientation" in french
    assert "Traveller" not in french and "Health screening" not in french


def test_certificate_entries_are_never_dumped_raw():
    from border_app.certificates.result import CertificateResult

    result = CertificateResult(kind="eu-dcc", entries=[{"type": "weird", "key": "value", "other": None}])
    text = "\n".join(result.summary_lines("en"))
    assert "key: value" not in text and "None" not in text


def real_keys_path(keys):
    return _PATHS[keys.signing_key_id]


_PATHS: dict[str, object] = {}


def _trust(keys, name):
    trust = TrustList()
    trust.add_post_key(keys.signing_key_id, keys.signing_public_key, name)
    return trust
