"""The keystore: slots, encrypted keys, tamper detection, signatures, sealing, rotation, QR."""

from __future__ import annotations

import base64
import json
import os
import pickle
import stat
import unicodedata

import pytest

from border_app import keys as K
from border_app.errors import InvalidInput, KeyStoreError, StorageError
from border_app.i18n import gettext
from border_app.keys import KdfParams, Keystore, PublicKeys, UnlockedKeys, key_id, seal, verify

FAST = KdfParams(1, 1024, 1)   # even cheaper than TEST, for the exhaustive tamper loops
UNLOCK_FAILED_FR = gettext("The key slot could not be unlocked.", "fr")


def make(tmp_path, name="keystore.json", *, coordination=False, kdf=KdfParams.TEST, slots=(("admin", "s3cret pass"),),
         post_id="NE-POST-1"):
    path = tmp_path / name
    first, *rest = slots
    store, keys = Keystore.create(path, post_id=post_id, coordination=coordination, kdf=kdf, first_slot=first)
    for slot_id, password in rest:
        store.add_slot(slot_id, password, keys)
    return path, store, keys


def raw_private(keys: UnlockedKeys) -> list[bytes]:
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    secrets_ = [k.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()) for k in keys._private.values()]
    secrets_ += [k.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
                 for k in keys._retired_encryption.values()]
    return secrets_ + [bytes(keys._master)]


# ----------------------------------------------------------------------------- round trips

def test_create_load_unlock_round_trip(tmp_path):
    path, _store, keys = make(tmp_path)
    loaded = Keystore.load(path)
    assert loaded.post_id == "NE-POST-1"
    assert loaded.has_slot("admin") and not loaded.has_slot("someone")
    unlocked = loaded.unlock("admin", "s3cret pass")
    assert unlocked.post_id == "NE-POST-1"
    assert unlocked.signing_public_key == keys.signing_public_key
    assert unlocked.encryption_public_key == keys.encryption_public_key
    assert unlocked.signing_key_id == key_id(keys.signing_public_key) == loaded.public_keys().signing_key_id
    assert len(unlocked.signing_key_id) == 16 and int(unlocked.signing_key_id, 16) >= 0
    assert verify(keys.signing_public_key, b"slip", unlocked.sign(b"slip"))
    assert unlocked.open_sealed(seal(keys.encryption_public_key, b"bundle")) == b"bundle"
    assert not unlocked.has_coordination
    assert loaded.public_keys() == unlocked.public_keys()


def test_key_id_is_first_8_bytes_of_sha256():
    import hashlib

    pk = bytes(range(32))
    assert key_id(pk) == hashlib.sha256(pk).hexdigest()[:16]


def test_create_refuses_existing_file(tmp_path):
    path, _store, _keys = make(tmp_path)
    before = path.read_bytes()
    with pytest.raises(KeyStoreError) as err:
        Keystore.create(path, post_id="NE-POST-1", kdf=KdfParams.TEST)
    assert "keys rotate" in err.value.message
    assert path.read_bytes() == before


def test_wrong_password_and_missing_slot_give_the_same_message(tmp_path):
    path, _store, _keys = make(tmp_path)
    store = Keystore.load(path)
    with pytest.raises(KeyStoreError) as wrong:
        store.unlock("admin", "s3cret pasS")
    with pytest.raises(KeyStoreError) as missing:
        store.unlock("nobody", "s3cret pass")
    assert wrong.value.message == missing.value.message == UNLOCK_FAILED_FR


def test_missing_slot_still_runs_the_key_derivation(tmp_path, monkeypatch):
    path, _store, _keys = make(tmp_path)
    store = Keystore.load(path)
    calls = []
    real = KdfParams.derive
    monkeypatch.setattr(KdfParams, "derive", lambda self, pw, salt: calls.append(self) or real(self, pw, salt))
    with pytest.raises(KeyStoreError):
        store.unlock("nobody", "x")
    with pytest.raises(KeyStoreError):
        store.unlock("admin", "x")
    assert calls == [KdfParams.TEST, KdfParams.TEST]


def test_two_slots_unlock_the_same_keys(tmp_path):
    path, _store, keys = make(tmp_path, slots=(("admin", "one"), ("user-2", "two")))
    store = Keystore.load(path)
    a = store.unlock("admin", "one")
    b = store.unlock("user-2", "two")
    assert a.signing_public_key == b.signing_public_key == keys.signing_public_key
    assert verify(b.signing_public_key, b"x", a.sign(b"x"))
    assert b.open_sealed(seal(a.encryption_public_key, b"for the post")) == b"for the post"
    assert bytes(a._master) == bytes(b._master)
    with pytest.raises(KeyStoreError):
        store.unlock("user-2", "one")    # a password opens its own slot only


def test_remove_slot(tmp_path):
    path, store, _keys = make(tmp_path, slots=(("admin", "one"), ("user-2", "two")))
    store.remove_slot("user-2")
    assert not store.has_slot("user-2")
    reloaded = Keystore.load(path)
    assert reloaded.slot_ids() == ["admin"]
    with pytest.raises(KeyStoreError):
        reloaded.unlock("user-2", "two")
    reloaded.unlock("admin", "one")
    reloaded.remove_slot("not-there")           # nothing to do, no error
    with pytest.raises(KeyStoreError):          # the last slot is never removed
        reloaded.remove_slot("admin")
    Keystore.load(path).unlock("admin", "one")


def test_changing_a_password_rewraps_the_slot(tmp_path):
    path, store, keys = make(tmp_path)
    store.add_slot("admin", "new password", keys)
    store = Keystore.load(path)
    with pytest.raises(KeyStoreError):
        store.unlock("admin", "s3cret pass")
    assert store.unlock("admin", "new password").signing_key_id == keys.signing_key_id


def test_add_slot_sees_changes_made_by_another_program(tmp_path):
    path, store_a, keys = make(tmp_path)
    store_b = Keystore.load(path)
    store_b.add_slot("user-b", "bb", keys)
    store_a.add_slot("user-a", "aa", keys)        # store_a's copy was older: must not drop user-b
    assert Keystore.load(path).slot_ids() == ["admin", "user-a", "user-b"]


def test_add_slot_refuses_keys_of_another_keystore(tmp_path):
    _p1, store1, _k1 = make(tmp_path, "one.json")
    _p2, _store2, keys2 = make(tmp_path, "two.json")
    with pytest.raises(KeyStoreError):
        store1.add_slot("intruder", "pw", keys2)
    assert not Keystore.load(store1.path).has_slot("intruder")


def test_empty_password_or_bad_slot_name_refused(tmp_path):
    _path, store, keys = make(tmp_path)
    with pytest.raises(InvalidInput):
        store.add_slot("u", "", keys)
    with pytest.raises(InvalidInput):
        store.add_slot("", "pw", keys)
    with pytest.raises(InvalidInput):
        store.add_slot("x" * 500, "pw", keys)


def test_password_is_unicode_normalised(tmp_path):
    composed = unicodedata.normalize("NFC", "Mot-de-passe-élève")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    path, _store, _keys = make(tmp_path, slots=(("u", composed),))
    Keystore.load(path).unlock("u", decomposed)


def test_default_parameters_unlock(tmp_path):
    import time

    path, _store, keys = make(tmp_path, kdf=None)
    store = Keystore.load(path)
    assert store.kdf_default == KdfParams.DEFAULT
    start = time.perf_counter()
    unlocked = store.unlock("admin", "s3cret pass")
    elapsed = time.perf_counter() - start
    assert unlocked.signing_key_id == keys.signing_key_id
    assert elapsed < 30   # sanity only: real figures come from the benchmark


# ----------------------------------------------------------------------------- the file

def test_file_is_private_and_has_no_private_key_in_clear(tmp_path):
    path, store, keys = make(tmp_path, coordination=True, slots=(("admin", "one"), ("u2", "two")))
    keys = store.rotate(keys)     # retired encryption key is stored too
    data = path.read_bytes()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    secrets_ = raw_private(keys)
    assert len(secrets_) == 4 + 1 + 1       # 4 current, 1 retired X25519, master key
    for secret in secrets_:
        for form in (secret, base64.b64encode(secret), base64.urlsafe_b64encode(secret),
                     base64.b64encode(secret).rstrip(b"="), base64.urlsafe_b64encode(secret).rstrip(b"="),
                     secret.hex().encode(), secret.hex().upper().encode()):
            assert form not in data
    doc = json.loads(data)
    assert doc["format"] == "hhbm-keystore/1"
    assert "private" not in json.dumps(doc).replace("encrypted_private_key", "")


def _string_leaves(obj, path=()):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _string_leaves(v, path + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _string_leaves(v, path + (i,))
    else:
        yield path, obj


def _set(doc, path, value):
    for p in path[:-1]:
        doc = doc[p]
    doc[path[-1]] = value


def _flip_b64(text: str, position: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    c = text[position]
    return text[:position] + alphabet[(alphabet.index(c) + 1) % 64] + text[position + 1:]


def _must_fail(path, slot="admin", password="s3cret pass"):
    with pytest.raises(KeyStoreError):
        Keystore.load(path).unlock(slot, password)


def test_tampering_any_field_fails(tmp_path):
    path, store, keys = make(tmp_path, coordination=True, kdf=FAST)
    store.rotate(keys)
    Keystore.load(path).unlock("admin", "s3cret pass")    # intact: fine
    original = json.loads(path.read_text())
    checked = 0
    for leaf, value in _string_leaves(original):
        candidates = []
        if isinstance(value, str):
            try:
                raw = base64.b64decode(value, validate=True)
                is_b64 = len(value) % 4 == 0 and len(raw) >= 12
            except ValueError:
                is_b64 = False
            if is_b64:
                # first, middle and last data characters (the last one holds padding bits)
                data_len = len(value.rstrip("="))
                candidates = [_flip_b64(value, i) for i in (0, data_len // 2, data_len - 1)]
            else:
                candidates = [value[:-1] + chr(ord(value[-1]) ^ 1)]
        elif isinstance(value, int) and not isinstance(value, bool):
            candidates = [value + 1]
        for tampered in candidates:
            doc = json.loads(json.dumps(original))
            _set(doc, leaf, tampered)
            path.write_text(json.dumps(doc))
            _must_fail(path)
            checked += 1
    assert checked > 60


def test_flipping_any_byte_of_the_file_fails(tmp_path):
    path, _store, _keys = make(tmp_path, kdf=FAST)
    original = path.read_bytes()
    for i in range(len(original)):
        tampered = bytearray(original)
        tampered[i] ^= 0x01
        path.write_bytes(bytes(tampered))
        try:
            Keystore.load(path).unlock("admin", "s3cret pass")
        except KeyStoreError:
            continue
        pytest.fail(f"byte {i} ({original[i:i + 1]!r}) changed without detection")
    path.write_bytes(original)
    Keystore.load(path).unlock("admin", "s3cret pass")


def test_swapping_encrypted_keys_between_purposes_fails(tmp_path):
    path, _store, _keys = make(tmp_path, coordination=True)
    doc = json.loads(path.read_text())
    k = doc["keys"]
    for field in ("nonce", "encrypted_private_key"):
        post, coordination = k["post_signing"], k["coordination_signing"]
        post[field], coordination[field] = coordination[field], post[field]
    path.write_text(json.dumps(doc))
    _must_fail(path)


def test_slot_moved_to_another_user_fails(tmp_path):
    path, _store, _keys = make(tmp_path)
    doc = json.loads(path.read_text())
    doc["slots"]["mallory"] = doc["slots"].pop("admin")
    path.write_text(json.dumps(doc))
    with pytest.raises(KeyStoreError):
        Keystore.load(path).unlock("mallory", "s3cret pass")


def test_load_errors_are_clear(tmp_path):
    missing = tmp_path / "none.json"
    with pytest.raises(KeyStoreError) as err:
        Keystore.load(missing)
    assert "keys init" in err.value.message
    assert not Keystore.exists(missing)

    bad = tmp_path / "bad.json"
    for content in (b"", b"not json", b"[]", b'{"format": "hhbm-keystore/99"}', b"\xff\xfe",
                    b'{"a": 1, "a": 2}', b"[" * 100_000):
        bad.write_bytes(content)
        with pytest.raises(KeyStoreError) as err:
            Keystore.load(bad)
        assert "endommagé" in err.value.message

    big = tmp_path / "big.json"
    big.write_bytes(b" " * (K.MAX_FILE_BYTES + 10))
    with pytest.raises(KeyStoreError):
        Keystore.load(big)


def test_hostile_kdf_parameters_are_refused_at_load(tmp_path):
    path, _store, _keys = make(tmp_path)
    doc = json.loads(path.read_text())
    doc["slots"]["admin"]["kdf"]["memory_cost_kib"] = 64 * 1024 * 1024    # 64 GiB
    path.write_text(json.dumps(doc))
    with pytest.raises(KeyStoreError):
        Keystore.load(path)
    doc["slots"]["admin"]["kdf"]["memory_cost_kib"] = 8192
    doc["slots"]["admin"]["kdf"]["time_cost"] = 10_000
    path.write_text(json.dumps(doc))
    with pytest.raises(KeyStoreError):
        Keystore.load(path)


def test_failed_write_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path, store, keys = make(tmp_path)
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(StorageError):
        store.add_slot("new-user", "pw", keys)
    with pytest.raises(StorageError):
        store.rotate(keys)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert not store.has_slot("new-user")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keystore.json"]    # no temp file left
    assert Keystore.load(path).unlock("admin", "s3cret pass").signing_key_id == keys.signing_key_id
    store.add_slot("new-user", "pw", keys)                  # and the store still works afterwards
    assert Keystore.load(path).has_slot("new-user")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_folder_gives_storage_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    path, store, keys = make(folder)
    before = path.read_bytes()
    folder.chmod(0o500)
    try:
        with pytest.raises(StorageError):
            store.add_slot("u", "pw", keys)
    finally:
        folder.chmod(0o700)
    assert path.read_bytes() == before


# ----------------------------------------------------------------------------- signatures and sealing

def test_sign_and_verify(tmp_path):
    _path, _store, keys = make(tmp_path)
    data = b"slip 2025-01-31 NE-POST-1 #42"
    sig = keys.sign(data)
    assert len(sig) == 64
    assert verify(keys.signing_public_key, data, sig)
    for i in range(len(data)):
        changed = bytearray(data)
        changed[i] ^= 0x01
        assert not verify(keys.signing_public_key, bytes(changed), sig)
    for i in (0, 31, 63):
        bad = bytearray(sig)
        bad[i] ^= 0x80
        assert not verify(keys.signing_public_key, data, bytes(bad))
    assert not verify(keys.encryption_public_key, data, sig)
    assert not verify(b"short", data, sig)
    assert not verify(keys.signing_public_key, data, sig[:-1])
    assert not verify(keys.signing_public_key, data, b"")


def test_seal_and_open(tmp_path):
    _p1, _s1, post = make(tmp_path, "one.json")
    _p2, _s2, other = make(tmp_path, "two.json")
    blob = seal(post.encryption_public_key, b"names and dates", aad=b"bundle-7")
    assert b"names and dates" not in blob
    assert K.sealed_recipient(blob) == post.encryption_key_id
    assert post.open_sealed(blob, aad=b"bundle-7") == b"names and dates"
    assert seal(post.encryption_public_key, b"x") != seal(post.encryption_public_key, b"x")   # ephemeral keys
    assert post.open_sealed(seal(post.encryption_public_key, b"")) == b""
    with pytest.raises(KeyStoreError):
        other.open_sealed(blob, aad=b"bundle-7")         # wrong recipient
    with pytest.raises(KeyStoreError):
        post.open_sealed(blob, aad=b"bundle-8")          # wrong associated data
    with pytest.raises(KeyStoreError):
        post.open_sealed(blob[:-1], aad=b"bundle-7")
    with pytest.raises(KeyStoreError):
        post.open_sealed(b"garbage")
    for i in range(len(blob)):
        tampered = bytearray(blob)
        tampered[i] ^= 0x04
        with pytest.raises(KeyStoreError):
            post.open_sealed(bytes(tampered), aad=b"bundle-7")


def test_seal_rejects_unusable_public_keys():
    with pytest.raises(ValueError):
        seal(b"\x01" * 31, b"x")
    with pytest.raises(ValueError):
        seal(bytes(32), b"x")          # low-order point


def test_coordination_keys(tmp_path):
    path, _store, keys = make(tmp_path, coordination=True)
    assert keys.has_coordination
    public = Keystore.load(path).public_keys()
    assert public.coordination_signing_public_key == keys.coordination_signing_public_key
    assert verify(public.coordination_signing_public_key, b"ack", keys.coordination_sign(b"ack"))
    assert not verify(public.signing_public_key, b"ack", keys.coordination_sign(b"ack"))
    blob = seal(public.coordination_encryption_public_key, b"to coordination", aad=b"a")
    assert keys.coordination_open_sealed(blob, aad=b"a") == b"to coordination"
    with pytest.raises(KeyStoreError):
        keys.open_sealed(blob, aad=b"a")          # the post key cannot open it
    with pytest.raises(KeyStoreError):
        keys.coordination_open_sealed(seal(public.encryption_public_key, b"p"))

    _p, _s, plain = make(tmp_path, "plain.json")
    assert not plain.has_coordination
    with pytest.raises(KeyStoreError):
        plain.coordination_sign(b"x")


def test_lock_forgets_the_keys(tmp_path):
    _path, _store, keys = make(tmp_path)
    master = keys._master
    keys.lock()
    assert keys.locked
    assert not any(master)
    with pytest.raises(KeyStoreError):
        keys.sign(b"x")
    with pytest.raises(KeyStoreError):
        keys.open_sealed(seal(keys.encryption_public_key, b"x"))


def test_unlocked_keys_are_never_serialised(tmp_path):
    import copy

    _path, _store, keys = make(tmp_path)
    with pytest.raises(TypeError):
        pickle.dumps(keys)
    with pytest.raises(TypeError):
        copy.deepcopy(keys)
    text = repr(keys)
    assert keys.signing_key_id in text
    for secret in raw_private(keys):
        assert secret.hex() not in text and base64.b64encode(secret).decode() not in text


# ----------------------------------------------------------------------------- rotation

def test_rotate_keeps_old_public_keys_and_old_sealed_data(tmp_path):
    path, store, keys = make(tmp_path, slots=(("admin", "one"), ("u2", "two")))
    old_sig = keys.sign(b"old slip")
    old_kid = keys.signing_key_id
    old_blob = seal(keys.encryption_public_key, b"sealed before rotation")
    new = store.rotate(keys)
    assert new.signing_key_id != old_kid
    assert new.encryption_public_key != keys.encryption_public_key
    public = Keystore.load(path).public_keys()
    assert public.signing_key_id == new.signing_key_id
    assert [r["purpose"] for r in public.retired] == ["post_signing", "post_encryption"]
    assert public.retired[0]["key_id"] == old_kid
    assert public.signing_key_for(old_kid) == keys.signing_public_key
    assert public.verify(old_kid, b"old slip", old_sig)
    assert not public.verify(new.signing_key_id, b"old slip", old_sig)
    assert public.verify(new.signing_key_id, b"new slip", new.sign(b"new slip"))
    assert public.signing_key_for("0000000000000000") is None
    # every slot still opens, with the new keys, and old sealed data still opens
    for slot, pw in (("admin", "one"), ("u2", "two")):
        again = Keystore.load(path).unlock(slot, pw)
        assert again.signing_key_id == new.signing_key_id
        assert again.open_sealed(old_blob) == b"sealed before rotation"
        assert again.open_sealed(seal(new.encryption_public_key, b"n")) == b"n"
    # a second rotation keeps the whole history
    newer = Keystore.load(path).rotate(new)
    history = Keystore.load(path).public_keys()
    assert [r["key_id"] for r in history.retired if r["purpose"] == "post_signing"] == [old_kid, new.signing_key_id]
    assert history.verify(old_kid, b"old slip", old_sig)
    assert newer.open_sealed(old_blob) == b"sealed before rotation"


def test_rotate_refuses_stale_keys(tmp_path):
    path, store, keys = make(tmp_path)
    store.rotate(keys)
    with pytest.raises(KeyStoreError):
        Keystore.load(path).rotate(keys)      # keys from before the rotation


def test_rotate_coordination(tmp_path):
    path, store, keys = make(tmp_path, coordination=True)
    new = store.rotate(keys, coordination=True)
    assert new.coordination_signing_public_key != keys.coordination_signing_public_key
    assert Keystore.load(path).unlock("admin", "s3cret pass").coordination_signing_public_key == \
        new.coordination_signing_public_key
    _p, plain_store, plain = make(tmp_path, "plain.json")
    with pytest.raises(KeyStoreError):
        plain_store.rotate(plain, coordination=True)


# ----------------------------------------------------------------------------- public keys, QR

def test_public_keys_json_round_trip(tmp_path):
    path, store, keys = make(tmp_path, coordination=True)
    store.rotate(keys)
    public = Keystore.load(path).public_keys()
    data = json.loads(json.dumps(public.to_json()))
    assert PublicKeys.from_json(data) == public
    assert data["signing_key_id"] == public.signing_key_id
    for field, value in (("signing_key_id", "0" * 16), ("signing_public_key", "AAAA"), ("format", "x"),
                         ("post_id", ""), ("encryption_public_key", None)):
        broken = dict(data, **{field: value})
        with pytest.raises(InvalidInput):
            PublicKeys.from_json(broken)
    with pytest.raises(InvalidInput):
        PublicKeys.from_json([1, 2])
    broken = json.loads(json.dumps(data))
    broken["retired"][0]["key_id"] = "f" * 16
    with pytest.raises(InvalidInput):
        PublicKeys.from_json(broken)


@pytest.mark.parametrize("coordination", [False, True])
def test_qr_png_decodes_to_the_same_public_keys(tmp_path, coordination):
    import cv2
    import zxingcpp
    path, store, keys = make(tmp_path, coordination=coordination)
    store.rotate(keys)
    public = Keystore.load(path).public_keys()
    png = K.export_public_qr(public, tmp_path / "post.png")
    image = cv2.imread(str(png), cv2.IMREAD_GRAYSCALE)
    assert image is not None
    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1 and results[0].format == zxingcpp.BarcodeFormat.QRCode
    assert PublicKeys.from_qr_text(results[0].text) == public


def test_qr_svg_and_bad_suffix(tmp_path):
    _path, _store, keys = make(tmp_path)
    public = keys.public_keys()
    svg = K.export_public_qr(public, tmp_path / "post.svg")
    assert b"<svg" in svg.read_bytes()[:400]
    with pytest.raises(InvalidInput):
        K.export_public_qr(public, tmp_path / "post.gif")
    assert not (tmp_path / "post.gif").exists()


def test_qr_text_parsing_rejects_garbage(tmp_path):
    _path, _store, keys = make(tmp_path)
    text = keys.public_keys().to_qr_text()
    assert PublicKeys.from_qr_text(text) == keys.public_keys()
    for bad in ("", "hello", "HHBM-PK1:", "HHBM-PK1:[]", "HHBM-PK1:{}", text.replace('"s":"', '"s":"A'),
                text[:-5], "HHBM-PK1:" + "[" * 5000, "HHBM-PK1:" + "x" * 100_000, text + "x"):
        with pytest.raises(InvalidInput):
            PublicKeys.from_qr_text(bad)


def test_constructor_with_a_path_loads_the_file(tmp_path):
    path, _store, keys = make(tmp_path)
    assert Keystore(path).public_keys() == keys.public_keys()
    with pytest.raises(KeyStoreError):
        Keystore(tmp_path / "absent.json")


def test_the_key_module_is_a_package_of_small_modules_one_per_level():
    """``border_app.keys`` is a package (primitives, KDF, public keys, unlocked keys, the
    keystore file), each module small, with the names other code uses re-exported."""
    from pathlib import Path

    package = Path(K.__file__)
    assert package.name == "__init__.py"
    for module in ("primitives", "kdf", "public", "unlocked", "keystore"):
        assert (package.parent / f"{module}.py").is_file(), module
    for path in package.parent.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 600, path.name
    for name in ("KdfParams", "Keystore", "PublicKeys", "UnlockedKeys", "MAX_FILE_BYTES", "POST_SIGNING",
                 "export_public_qr", "init_keystore", "rotate_keystore", "key_id", "seal", "sealed_recipient",
                 "verify"):
        assert hasattr(K, name), name
