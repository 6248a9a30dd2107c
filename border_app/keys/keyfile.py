"""The keystore file's document (format ``hhbm-keystore/1``, described in
:mod:`border_app.keys`): its structural validation, the associated data and MAC that bind
its parts, the encryption of private keys under the master key, the wrapping of the master
key in a slot, and the translated errors about the file. :mod:`.keystore` reads and writes
the file with these."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..errors import InvalidInput, KeyStoreError
from ..i18n import _
from .encoding import b64d, b64e, canonical, check_text, now
from .kdf import KdfParams
from .primitives import (COORD_ENCRYPTION, COORD_SIGNING, POST_ENCRYPTION, POST_SIGNING, PURPOSES, TAG_LEN,
                         hkdf, key_id, private_from_raw, raw_private, raw_public)
from .public import MAX_POST_ID, PublicKeys

FORMAT = "hhbm-keystore/1"
CIPHER = "AES-256-GCM"
MAC_ALGORITHM = "HMAC-SHA256"

MAX_FILE_BYTES = 1 << 20          # a keystore is a few KiB; 1 MiB is thousands of slots
MAX_SLOT_ID = 128
MASTER_KEY_LEN = 32
SALT_LEN = 16
NONCE_LEN = 12


# --------------------------------------------------------------------------- errors

def missing_error(path: Path) -> KeyStoreError:
    return KeyStoreError(
        _("No key file at {path}. An administrator must first create the post's keys (border-app keys init).")
        .format(path=path))


def damaged_error(path: Path, reason: str) -> KeyStoreError:
    return KeyStoreError(
        _("The key file {path} is damaged or is not a key file of this application.").format(path=path),
        detail=reason)


def unlock_error() -> KeyStoreError:
    return KeyStoreError(_("The key slot could not be unlocked."))


def tampered_error() -> KeyStoreError:
    return KeyStoreError(_("The key file was altered or damaged: its keys cannot be trusted. "
                           "Restore it from a backup."))


def check_slot_id(slot_id: Any) -> str:
    if not isinstance(slot_id, str) or not 0 < len(slot_id) <= MAX_SLOT_ID or not slot_id.isprintable():
        raise InvalidInput(_("Invalid key slot name."))
    return slot_id


def reject_duplicates(pairs):
    """``object_pairs_hook`` for :func:`json.loads`: a field given twice is an error."""
    d = {}
    for k, v in pairs:
        if k in d:
            raise ValueError(f"duplicate field {k!r}")
        d[k] = v
    return d


# --------------------------------------------------------------------------- binding and encryption

def private_aad(doc: dict, purpose: str, entry: dict) -> bytes:
    return canonical({"format": FORMAT, "post_id": doc["post_id"], "purpose": purpose,
                      "key_id": entry["key_id"], "public_key": entry["public_key"],
                      "created_at": entry["created_at"]})


def slot_aad(doc: dict, slot_id: str, slot: dict) -> bytes:
    return canonical({"format": FORMAT, "post_id": doc["post_id"], "slot_id": slot_id,
                      "kdf": slot["kdf"], "created_at": slot["created_at"]})


def mac(doc: dict, master: bytes) -> bytes:
    """The HMAC over the document minus its slots and its integrity field."""
    body = {k: v for k, v in doc.items() if k not in ("slots", "integrity")}
    return hmac.new(hkdf(master, b"hhbm-keystore/1 integrity"), canonical(body), hashlib.sha256).digest()


def mac_matches(doc: dict, master: bytes) -> bool:
    return hmac.compare_digest(mac(doc, master), b64d(doc["integrity"]["mac"]))


def aead(master: bytes) -> AESGCM:
    return AESGCM(hkdf(master, b"hhbm-keystore/1 private-keys"))


def encrypt_private(doc: dict, purpose: str, private_key, master: bytes, created_at: str) -> dict:
    """The file entry of ``private_key`` (public half in clear, private half encrypted)."""
    public = raw_public(private_key)
    entry = {"algorithm": PURPOSES[purpose], "key_id": key_id(public), "public_key": b64e(public),
             "created_at": created_at}
    nonce = secrets.token_bytes(NONCE_LEN)
    raw = raw_private(private_key)
    entry["nonce"] = b64e(nonce)
    entry["encrypted_private_key"] = b64e(aead(master).encrypt(nonce, raw, private_aad(doc, purpose, entry)))
    return entry


def decrypt_private(doc: dict, purpose: str, entry: dict, cipher: AESGCM) -> Any:
    try:
        raw = cipher.decrypt(b64d(entry["nonce"]), b64d(entry["encrypted_private_key"]),
                             private_aad(doc, purpose, entry))
    except InvalidTag as exc:
        raise tampered_error() from exc
    key = private_from_raw(purpose, raw)
    if b64e(raw_public(key)) != entry["public_key"]:
        raise tampered_error()
    return key


def make_slot(doc: dict, slot_id: str, password: str, master: bytes, params: KdfParams) -> dict:
    """A slot wrapping ``master`` under a key derived from ``password``."""
    if not isinstance(password, str) or not password:
        raise InvalidInput(_("An empty password cannot protect a key slot."))
    salt = secrets.token_bytes(SALT_LEN)
    slot: dict[str, Any] = {"kdf": {**params.to_json(), "salt": b64e(salt)}, "created_at": now()}
    nonce = secrets.token_bytes(NONCE_LEN)
    wrapped = AESGCM(params.derive(password, salt)).encrypt(nonce, master, slot_aad(doc, slot_id, slot))
    slot["nonce"] = b64e(nonce)
    slot["wrapped_master_key"] = b64e(wrapped)
    return slot


def unwrap_slot(doc: dict, slot_id: str, slot: dict, password: str) -> bytes:
    """The master key from ``slot``; :func:`unlock_error` for a wrong password."""
    params = KdfParams.from_json(slot["kdf"])
    wrapping_key = params.derive(str(password), b64d(slot["kdf"]["salt"]))
    try:
        return AESGCM(wrapping_key).decrypt(b64d(slot["nonce"]), b64d(slot["wrapped_master_key"]),
                                            slot_aad(doc, slot_id, slot))
    except InvalidTag as exc:
        raise unlock_error() from exc


def public_from_doc(doc: dict) -> PublicKeys:
    keys = doc["keys"]
    coord = COORD_SIGNING in keys
    return PublicKeys(
        post_id=doc["post_id"],
        signing_key_id=keys[POST_SIGNING]["key_id"],
        signing_public_key=b64d(keys[POST_SIGNING]["public_key"]),
        encryption_public_key=b64d(keys[POST_ENCRYPTION]["public_key"]),
        created_at=keys[POST_SIGNING]["created_at"],
        retired=[{"purpose": r["purpose"], "key_id": r["key_id"], "public_key": b64d(r["public_key"]),
                  "created_at": r["created_at"], "retired_at": r["retired_at"]} for r in doc["retired"]
                 if r["purpose"] in (POST_SIGNING, POST_ENCRYPTION)],   # the coordination's: see keys.coordination
        coordination_signing_public_key=b64d(keys[COORD_SIGNING]["public_key"]) if coord else None,
        coordination_encryption_public_key=b64d(keys[COORD_ENCRYPTION]["public_key"]) if coord else None,
        demo=bool(doc.get("demo", False)),
    )


# --------------------------------------------------------------------------- validation

def validate(doc: Any) -> dict:
    """Structural validation of a parsed keystore; ValueError with a reason."""
    if not isinstance(doc, dict):
        raise ValueError("not a JSON object")
    if doc.get("format") != FORMAT:
        raise ValueError(f"unknown format {str(doc.get('format'))[:40]!r}")
    check_text(doc.get("post_id"), MAX_POST_ID)
    check_text(doc.get("created_at"), 40)
    if doc.get("cipher") != CIPHER:
        raise ValueError("unknown cipher")
    if "demo" in doc and type(doc["demo"]) is not bool:
        raise ValueError("demo flag")
    KdfParams.from_json(doc.get("kdf_default"))
    keys = doc.get("keys")
    if not isinstance(keys, dict) or not {POST_SIGNING, POST_ENCRYPTION} <= set(keys) <= set(PURPOSES):
        raise ValueError("keys")
    if (COORD_SIGNING in keys) != (COORD_ENCRYPTION in keys):
        raise ValueError("coordination keys come in pairs")
    for purpose, entry in keys.items():
        _validate_key_entry(entry, purpose, private=True)
    retired = doc.get("retired")
    if not isinstance(retired, list):
        raise ValueError("retired")
    for entry in retired:
        if not isinstance(entry, dict) or entry.get("purpose") not in PURPOSES:
            raise ValueError("retired entry")
        check_text(entry.get("retired_at"), 40)
        _validate_key_entry(entry, entry["purpose"], private=entry["purpose"] in (POST_ENCRYPTION, COORD_ENCRYPTION))
    if "pinned_coordination" in doc:
        from .coordination import CoordinationPublicKeys

        pinned = doc["pinned_coordination"]
        if not isinstance(pinned, dict):
            raise ValueError("pinned coordination keys")
        check_text(pinned.get("pinned_at"), 40)
        try:
            CoordinationPublicKeys.from_pinned(pinned)
        except InvalidInput as exc:
            raise ValueError("pinned coordination keys") from exc
    integrity = doc.get("integrity")
    if not isinstance(integrity, dict) or integrity.get("algorithm") != MAC_ALGORITHM:
        raise ValueError("integrity")
    b64d(integrity.get("mac"), length=32)
    slots = doc.get("slots")
    if not isinstance(slots, dict):
        raise ValueError("slots")
    for slot_id, slot in slots.items():
        if not isinstance(slot_id, str) or not 0 < len(slot_id) <= MAX_SLOT_ID or not isinstance(slot, dict):
            raise ValueError("slot")
        KdfParams.from_json(slot.get("kdf"))
        b64d(slot["kdf"].get("salt"), min_len=SALT_LEN, max_len=64)
        check_text(slot.get("created_at"), 40)
        b64d(slot.get("nonce"), length=NONCE_LEN)
        b64d(slot.get("wrapped_master_key"), length=MASTER_KEY_LEN + TAG_LEN)
    return doc


def _validate_key_entry(entry: Any, purpose: str, *, private: bool) -> None:
    if not isinstance(entry, dict) or entry.get("algorithm") != PURPOSES[purpose]:
        raise ValueError(f"{purpose}: algorithm")
    public = b64d(entry.get("public_key"), length=32)
    if entry.get("key_id") != key_id(public):
        raise ValueError(f"{purpose}: key id does not match the public key")
    check_text(entry.get("created_at"), 40)
    if private:
        b64d(entry.get("nonce"), length=NONCE_LEN)
        b64d(entry.get("encrypted_private_key"), length=32 + TAG_LEN)
