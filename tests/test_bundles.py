"""Bundles ``hhbm-bundle/1``: round trip of every entity, the whitelist, tamper, truncation,
too large, wrong key, forged signature, lying counts, demo mark, retired coordination keys."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import struct
import time

import pytest

from border_app.bundles import (COUNT_KEYS, ENTITIES, WHITELIST, BundleError, bundle_file_name, check_written,
                                open_bundle, peek_recipient, write_bundle)
from border_app.bundles import sealing, writer
from border_app.bundles.manifest import Manifest
from border_app.keys import KdfParams, Keystore, key_id

FAST = KdfParams(1, 1024, 1)


def _store(tmp_path, name, *, coordination=False, demo=False):
    return Keystore.create(tmp_path / name, post_id=f"post-{name}", coordination=coordination, kdf=FAST,
                           first_slot=("admin", "pw"), demo=demo)


@pytest.fixture
def post(tmp_path):
    return _store(tmp_path, "post.json")[1]


@pytest.fixture
def coord(tmp_path):
    return _store(tmp_path, "coord.json", coordination=True)[1]


def sample_records(n: int = 3) -> dict[str, list[dict]]:
    at = dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.timezone.utc)
    recs: dict[str, list[dict]] = {e: [] for e in ENTITIES}
    for i in range(n):
        pid, did, cid, sid = (f"{k}-{i:04d}" for k in "pdcs")
        recs["persons"].append({"id": pid, "change_seq": 4 * i + 1, "surname": "ADAMOU é", "given_names": "Issa",
                                "sex": "M", "birth_date": dt.date(1990, 1, 2), "birth_date_approximate": False,
                                "nationality": "NER", "identity_declared": False, "created_at": at,
                                "photo_ref": "secret.jpg", "phone": "+227 00"})
        recs["documents"].append({"id": did, "change_seq": 4 * i + 2, "person_id": pid, "doc_type": "passport",
                                  "document_code": "P", "number": f"AB{i}", "issuing_state": "NER",
                                  "expiry_date": "2030-01-01", "mrz_format": "TD3", "mrz_valid": True,
                                  "mrz_raw": "P<NER..."})
        recs["crossings"].append({"id": cid, "change_seq": 4 * i + 3, "person_id": pid, "document_id": did,
                                  "direction": "entry", "crossed_at": at, "transport_mode": "road",
                                  "origin": "NGA", "destination": "NER", "reason": "trade", "group_size": 1,
                                  "recorded_at": at, "voided": i == 1, "void_reason": "typo" if i == 1 else None,
                                  "confirmed_invalid": False, "confirmed_expired": False, "notes": "free text"})
        recs["screenings"].append({"id": sid, "change_seq": 4 * i + 4, "person_id": pid, "crossing_id": cid,
                                   "screened_at": at, "outcome": "cleared", "protocol_versions": {"ebola": "1"},
                                   "voided": False})
        recs["health"].append({"id": sid, "answers": {"fever": False}, "temperature_c": 36.6,
                               "temperature_method": "infrared", "fired": [], "actions": [],
                               "referral_destination": None, "referral_notes": None, "certificate": None})
        recs["slips"].append({"id": f"slip-{i}", "change_seq": 100 + i, "serial": f"S-{i}", "crossing_id": cid,
                              "screening_id": sid, "kind": "attestation", "size": "80mm", "issued_at": at,
                              "duplicate": False, "original_id": None, "copy_no": 0})
        recs["audit"].append({"id": f"a-{i}", "seq": i + 1, "at": at, "user_id": "u-1", "action": "create",
                              "entity": "crossing", "entity_id": cid})
    recs["tombstones"].append({"id": "t-1", "change_seq": 200, "entity": "crossing", "entity_id": "x",
                               "deleted_at": at})
    return recs


def fields(**over):
    base = {"schema_version": "0006", "post_id": "post-post.json", "post_name": "Makalondi", "pcode": "NE003",
            "from_seq": 0, "to_seq": 200, "full": True, "created_at": "2026-03-01T08:31:00Z",
            "audit_head": {"seq": 3, "id": "a-2"}}
    base.update(over)
    return base


def make_bundle(post, coord, records=None, **over) -> bytes:
    pub = coord.coordination_encryption_public_key
    return write_bundle(records if records is not None else sample_records(), fields(**over), post, pub, key_id(pub))


def open_(blob, post, coord, **kw):
    return open_bundle(blob, coordination_private_keys=coord.coordination_private_keys(),
                       post_signing_keys={post.signing_key_id: post.signing_public_key}, **kw)


def test_round_trip_every_entity_whitelisted(post, coord):
    recs = sample_records()
    blob = make_bundle(post, coord, recs)
    assert blob.startswith(b"HHBM-BUNDLE/1\n")
    with open_(blob, post, coord) as opened:
        m = opened.manifest
        assert (m.format, m.post_id, m.pcode, m.post_name, m.from_seq, m.to_seq, m.full, m.demo) == (
            "hhbm-bundle/1", "post-post.json", "NE003", "Makalondi", 0, 200, True, False)
        assert m.counts == {"persons": 3, "documents": 3, "crossings": 3, "screenings": 3, "slips": 3,
                            "tombstones": 1, "audit": 3}
        assert set(m.counts) == set(COUNT_KEYS) and m.parts["health"]["records"] == 3
        assert opened.signed_by == post.signing_key_id
        for entity in ENTITIES:
            got = list(opened.records(entity))
            assert len(got) == len(recs[entity])
            for g, r in zip(got, recs[entity], strict=True):
                assert tuple(g) == WHITELIST[entity]
                for f in WHITELIST[entity]:
                    v = r[f]
                    if isinstance(v, dt.datetime):
                        v = v.isoformat().replace("+00:00", "Z")
                    elif isinstance(v, dt.date):
                        v = v.isoformat()
                    assert g[f] == v, (entity, f)
        persons = list(opened.records("persons"))
        assert "photo_ref" not in persons[0] and "phone" not in persons[0]
        assert "notes" not in list(opened.records("crossings"))[0]
        assert "mrz_raw" not in list(opened.records("documents"))[0]
    assert b"ADAMOU" not in blob and b"Makalondi" not in blob   # encrypted


def test_empty_bundle_and_multi_chunk(post, coord):
    empty = make_bundle(post, coord, {}, full=False, from_seq=5, to_seq=5)
    with open_(empty, post, coord) as opened:
        assert all(v == 0 for v in opened.manifest.counts.values())
        assert list(opened.records("persons")) == []
    # small chunks: many frames, and a payload of exactly a multiple of the chunk
    recs = sample_records(200)
    pub = coord.coordination_encryption_public_key
    blob = write_bundle(recs, fields(), post, pub, key_id(pub), chunk=4096)
    assert len(blob) == sealing.encrypted_size(struct.unpack(">Q", blob[14:22])[0], 4096)
    with open_(blob, post, coord) as opened:
        assert len(list(opened.records("crossings"))) == 200


def test_file_name():
    assert bundle_file_name("NE003", "0f1e2d3c-aaaa-bbbb", 10, 42) == "NE003-0f1e2d3c-10-42.hhbm"
    assert bundle_file_name("../x y", "ab/cd", 0, 1) == "x_y-ab_cd-0-1.hhbm"


def test_peek_and_check_written(post, coord, tmp_path):
    blob = make_bundle(post, coord)
    kid = key_id(coord.coordination_encryption_public_key)
    assert peek_recipient(blob) == kid
    path = tmp_path / "b.hhbm"
    path.write_bytes(blob)
    assert peek_recipient(path) == kid
    assert peek_recipient(b"nope") is None
    check_written(path, expected_sha256=hashlib.sha256(blob).hexdigest(), expected_size=len(blob),
                  recipient_key_id=kid)
    path.write_bytes(blob[:-1])
    with pytest.raises(BundleError):
        check_written(path, expected_sha256=hashlib.sha256(blob).hexdigest(), expected_size=len(blob),
                      recipient_key_id=kid)


def test_bit_flips_refused(post, coord):
    blob = make_bundle(post, coord)
    rng = random.Random(20)
    for pos in rng.sample(range(len(blob)), 150) + list(range(30)):
        bad = bytearray(blob)
        bad[pos] ^= 1 << rng.randrange(8)
        with pytest.raises(BundleError) as e:
            open_(bytes(bad), post, coord)
        assert e.value.reason_code in ("not_a_bundle", "wrong_format", "truncated", "too_large", "foreign_key",
                                       "decrypt_failed"), pos


def test_truncation_refused(post, coord, tmp_path):
    blob = make_bundle(post, coord, sample_records(50))
    rng = random.Random(21)
    offsets = sorted(set(rng.sample(range(len(blob)), 100) + [0, 1, 13, 14, 26, 117, 118, len(blob) - 1]))
    for cut in offsets:
        with pytest.raises(BundleError) as e:
            open_(blob[:cut], post, coord)
        assert e.value.reason_code in ("truncated", "not_a_bundle"), cut
        if cut >= 118:
            assert e.value.reason_code == "truncated"
    with pytest.raises(BundleError) as e:
        open_(b"", post, coord)
    assert e.value.reason_code == "not_a_bundle"


def test_two_gigabytes_of_zeros_refused_fast(post, coord, tmp_path):
    path = tmp_path / "zeros.hhbm"
    with open(path, "wb") as fh:       # sparse: nothing is written
        fh.truncate(2 * 1024 ** 3)
    start = time.perf_counter()
    with pytest.raises(BundleError) as e:
        open_(path, post, coord)
    assert e.value.reason_code == "too_large"
    with pytest.raises(BundleError) as e:        # even allowed in size: refused at the magic
        open_(path, post, coord, max_bytes=4 * 1024 ** 3)
    assert e.value.reason_code == "not_a_bundle"
    assert time.perf_counter() - start < 1.0


def test_foreign_coordination_key_and_retired_key(tmp_path, post, coord):
    other = _store(tmp_path, "other.json", coordination=True)[1]
    blob = make_bundle(post, coord)
    with pytest.raises(BundleError) as e:
        open_(blob, post, other)
    assert e.value.reason_code == "foreign_key"
    # a key id that matches but the wrong private key: decryption fails
    fake = {key_id(coord.coordination_encryption_public_key): next(iter(other.coordination_private_keys().values()))}
    with pytest.raises(BundleError) as e:
        open_bundle(blob, coordination_private_keys=fake,
                    post_signing_keys={post.signing_key_id: post.signing_public_key})
    assert e.value.reason_code == "decrypt_failed"
    # rotating the coordination's keys keeps the retired private key: bundles in transit still open
    rotated = Keystore.load(tmp_path / "coord.json").rotate(coord, coordination=True)
    assert len(rotated.coordination_private_keys()) == 2
    with open_(blob, post, rotated) as opened:
        assert opened.manifest.counts["crossings"] == 3
    again = Keystore.load(tmp_path / "coord.json").unlock("admin", "pw")
    assert set(again.coordination_private_keys()) == set(rotated.coordination_private_keys())


def test_unknown_key_and_forged_signature(tmp_path, post, coord):
    blob = make_bundle(post, coord)
    with pytest.raises(BundleError) as e:
        open_bundle(blob, coordination_private_keys=coord.coordination_private_keys(), post_signing_keys={})
    assert e.value.reason_code == "unknown_key"
    intruder = _store(tmp_path, "intruder.json")[1]
    with pytest.raises(BundleError) as e:    # registered key id, signed by another key
        open_bundle(blob, coordination_private_keys=coord.coordination_private_keys(),
                    post_signing_keys=lambda kid: intruder.signing_public_key)
    assert e.value.reason_code == "bad_signature"


class _Signer:
    """Signs with a real key but lets a test change the manifest before it is signed."""

    def __init__(self, keys, tweak):
        self.keys, self.tweak = keys, tweak
        self.signing_key_id = keys.signing_key_id
        self.demo = keys.demo

    def sign(self, data):
        return self.keys.sign(data)


def test_lying_counts_and_hashes_refused(post, coord, monkeypatch):
    real_build = writer.build_part

    def lying(entity, records):
        data, entry = real_build(entity, records)
        if entity == "crossings":
            entry = dict(entry, records=entry["records"] + 1)
        return data, entry

    monkeypatch.setattr(writer, "build_part", lying)
    blob = make_bundle(post, coord)
    with pytest.raises(BundleError) as e:
        open_(blob, post, coord)
    assert e.value.reason_code == "count_mismatch"

    def bad_hash(entity, records):
        data, entry = real_build(entity, records)
        if entity == "persons":
            entry = dict(entry, sha256="0" * 64)
        return data, entry

    monkeypatch.setattr(writer, "build_part", bad_hash)
    with pytest.raises(BundleError) as e:
        open_(make_bundle(post, coord), post, coord)
    assert e.value.reason_code == "hash_mismatch"


def test_record_outside_whitelist_refused(post, coord, monkeypatch):
    from border_app.bundles import records as R

    real = R.encode_record
    monkeypatch.setattr(writer, "encode_record",
                        lambda e, r: real(e, r)[:-2] + b',"photo_ref":"x"}\n' if e == "persons" else real(e, r))
    blob = make_bundle(post, coord)
    with open_(blob, post, coord) as opened:
        with pytest.raises(BundleError) as e:
            list(opened.records("persons"))
    assert e.value.reason_code == "bad_record"


def test_demo_mark(tmp_path, coord):
    demo = _store(tmp_path, "demo.json", demo=True)[1]
    blob = make_bundle(demo, coord, post_id="post-demo.json")
    with open_(blob, demo, coord) as opened:
        assert opened.manifest.demo is True
    real = _store(tmp_path, "real.json")[1]
    with pytest.raises(ValueError):
        make_bundle(real, coord, demo=True)
    with pytest.raises(ValueError):
        make_bundle(demo, coord, demo=False)


def test_manifest_shape_and_wrong_format():
    with pytest.raises(BundleError) as e:
        Manifest.from_json_bytes(b'{"format":"hhbm-bundle/2"}')
    assert e.value.reason_code == "wrong_format"
    with pytest.raises(BundleError) as e:
        Manifest.from_json_bytes(b"[1]")
    assert e.value.reason_code == "not_a_bundle"


def test_wrong_schema(post, coord):
    blob = make_bundle(post, coord)
    with pytest.raises(BundleError) as e:
        open_(blob, post, coord, accepted_schemas={"0007"})
    assert e.value.reason_code == "wrong_schema"


def test_messages_translated(post, coord):
    from border_app.i18n import set_language

    set_language("en")
    with pytest.raises(BundleError) as e:
        open_(b"garbage", post, coord)
    assert "not an HHBM data bundle" in e.value.message
    assert e.value.exit_code == 2
