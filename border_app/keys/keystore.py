"""The post's keystore file (:class:`Keystore`): reading it with its limits, creating the
keys, adding and removing slots, unlocking a slot, rotating the keys, and writing the file
atomically (mode 0600). The file's format is described in :mod:`border_app.keys`; its parts
are built and checked in :mod:`.keyfile`.

Concurrency: every change re-reads the file before writing it, so two programs adding
slots one after the other do not undo each other (there is no lock for truly
simultaneous writes; the app has one writer at a time).
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from ..atomic import atomic_write, make_private_dir
from ..errors import InvalidInput, KeyStoreError
from ..i18n import _
from .encoding import b64e, check_text, now
from .coordination import CoordinationPublicKeys
from .encoding import b64d
from .kdf import KdfParams
from .keyfile import (CIPHER, FORMAT, MAC_ALGORITHM, MASTER_KEY_LEN, MAX_FILE_BYTES, SALT_LEN, aead,
                      check_slot_id, damaged_error, decrypt_private, encrypt_private, mac, mac_matches,
                      make_slot, missing_error, public_from_doc, reject_duplicates, tampered_error,
                      unlock_error, unwrap_slot, validate)
from .primitives import COORD_ENCRYPTION, COORD_SIGNING, POST_ENCRYPTION, POST_SIGNING, generate
from .public import MAX_POST_ID, PublicKeys
from .unlocked import UnlockedKeys


def _not_these_keys() -> KeyStoreError:
    return KeyStoreError(_("These keys do not belong to this key file, or the file changed since you "
                           "signed in: sign in again."))


class Keystore:
    """The post's keystore file (format in :mod:`border_app.keys`)."""

    def __init__(self, path: Path, doc: dict | None = None):
        """``Keystore(path)`` is the same as ``Keystore.load(path)``."""
        self.path = Path(path)
        self._doc = doc if doc is not None else self._read(self.path)

    def __repr__(self) -> str:
        return f"<Keystore {self.path} post={self.post_id!r} slots={len(self._doc['slots'])}>"

    # ---------------------------------------------------------------- reading
    @staticmethod
    def exists(path: Path) -> bool:
        return Path(path).is_file()

    @classmethod
    def load(cls, path: Path) -> "Keystore":
        """Read and validate the file (no password needed). :class:`KeyStoreError` if it
        is missing, unreadable or damaged."""
        path = Path(path)
        return cls(path, cls._read(path))

    @staticmethod
    def _read(path: Path) -> dict:
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError as exc:
            raise missing_error(path) from exc
        except IsADirectoryError as exc:
            raise damaged_error(path, "is a directory") from exc
        except OSError as exc:
            raise KeyStoreError(_("The key file {path} cannot be read: {reason}").format(
                path=path, reason=exc.strerror or exc)) from exc
        if len(data) > MAX_FILE_BYTES:
            raise damaged_error(path, "too large")
        try:
            doc = json.loads(data.decode("utf-8"), object_pairs_hook=reject_duplicates)
            return validate(doc)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            raise damaged_error(path, str(exc)[:200]) from exc

    @property
    def post_id(self) -> str:
        return self._doc["post_id"]

    @property
    def created_at(self) -> str:
        return self._doc["created_at"]

    @property
    def demo(self) -> bool:
        """The demo post's keystore (``"demo": true``, covered by the MAC)."""
        return bool(self._doc.get("demo", False))

    @property
    def kdf_default(self) -> KdfParams:
        return KdfParams.from_json(self._doc["kdf_default"])

    def slot_ids(self) -> list[str]:
        return sorted(self._doc["slots"])

    def has_slot(self, slot_id: str) -> bool:
        return slot_id in self._doc["slots"]

    def public_keys(self) -> PublicKeys:
        """The public keys as written in the file. Not authenticated without the master
        key: after sign-in prefer ``UnlockedKeys.public_keys()`` (checked by the MAC)."""
        return public_from_doc(self._doc)

    # ---------------------------------------------------------------- creating
    @classmethod
    def create(cls, path: Path, *, post_id: str, coordination: bool = False, kdf: KdfParams | None = None,
               first_slot: tuple[str, str] | None = None, demo: bool = False) -> tuple["Keystore", UnlockedKeys]:
        """Generate the post's keys (and the coordination's with ``coordination=True``)
        under a fresh master key and write the file. ``kdf`` sets the Argon2id
        parameters of every slot added later. ``first_slot=(slot_id, password)`` adds
        the first slot in the same write (recommended: a file without slots can never
        be unlocked). ``demo=True``: the demo post's keys, marked demo for good (see the
        package docstring). Refuses if the file exists."""
        path = Path(path)
        try:
            check_text(post_id, MAX_POST_ID)
        except ValueError as exc:
            raise InvalidInput(_("Invalid post identifier.")) from exc
        if path.exists():
            raise KeyStoreError(_("The keys are already initialised ({path}); use keys rotate to replace them.")
                                .format(path=path))
        kdf = kdf or KdfParams.DEFAULT
        kdf.check()
        master = secrets.token_bytes(MASTER_KEY_LEN)
        created = now()
        doc: dict[str, Any] = {"format": FORMAT, "post_id": post_id, "created_at": created, "cipher": CIPHER,
                               "kdf_default": kdf.to_json(), "keys": {}, "retired": [], "slots": {}}
        if demo:
            doc["demo"] = True
        private = {}
        purposes = [POST_SIGNING, POST_ENCRYPTION] + ([COORD_SIGNING, COORD_ENCRYPTION] if coordination else [])
        for purpose in purposes:
            private[purpose] = generate(purpose)
            doc["keys"][purpose] = encrypt_private(doc, purpose, private[purpose], master, created)
        doc["integrity"] = {"algorithm": MAC_ALGORITHM, "mac": b64e(mac(doc, master))}
        if first_slot is not None:
            slot_id, password = first_slot
            doc["slots"][check_slot_id(slot_id)] = make_slot(doc, slot_id, password, master, kdf)
        validate(doc)
        store = cls(path, doc)
        if path.parent != path and not path.parent.exists():
            make_private_dir(path.parent)
        store._write(doc)
        keys = UnlockedKeys(post_id=post_id, master_key=master, private=private, retired_encryption={},
                            public=public_from_doc(doc), pinned_coordination=_pinned(doc))
        return store, keys

    # ---------------------------------------------------------------- slots
    def add_slot(self, slot_id: str, password: str, keys: UnlockedKeys, *, kdf: KdfParams | None = None) -> None:
        """Give ``slot_id`` (a user id) access to the keys with ``password``; replaces
        an existing slot of that id (password change). ``keys`` must be unlocked keys
        of this very keystore (checked with the MAC)."""
        check_slot_id(slot_id)
        master = keys._master_key()
        doc = self._fresh()
        if not mac_matches(doc, master):
            raise _not_these_keys()
        params = kdf or KdfParams.from_json(doc["kdf_default"])
        params.check()
        doc["slots"][slot_id] = make_slot(doc, slot_id, password, master, params)
        self._write(doc)

    def remove_slot(self, slot_id: str) -> None:
        """Remove a user's slot (deactivated user). Nothing happens if there is none.
        Refuses to remove the last slot: nobody could unlock the keys any more."""
        doc = self._fresh()
        if slot_id not in doc["slots"]:
            return
        if len(doc["slots"]) == 1:
            raise KeyStoreError(_("This is the last key slot: removing it would make the post's keys "
                                  "unusable. Give another administrator a slot first."))
        del doc["slots"][slot_id]
        self._write(doc)

    def unlock(self, slot_id: str, password: str) -> UnlockedKeys:
        """Unwrap ``slot_id`` with ``password`` and decrypt the keys.

        Wrong password and unknown slot give the same message and take about the same
        time (the key derivation runs in both cases)."""
        doc = self._doc
        slot = doc["slots"].get(slot_id) if isinstance(slot_id, str) else None
        if slot is None:
            KdfParams.from_json(doc["kdf_default"]).derive(str(password), secrets.token_bytes(SALT_LEN))
            raise unlock_error()
        master = unwrap_slot(doc, slot_id, slot, password)
        if not mac_matches(doc, master):
            raise tampered_error()
        cipher = aead(master)
        private = {purpose: decrypt_private(doc, purpose, entry, cipher) for purpose, entry in doc["keys"].items()}
        retired_enc = {entry["key_id"]: decrypt_private(doc, POST_ENCRYPTION, entry, cipher)
                       for entry in doc["retired"] if entry["purpose"] == POST_ENCRYPTION}
        retired_coord = {entry["key_id"]: decrypt_private(doc, COORD_ENCRYPTION, entry, cipher)
                         for entry in doc["retired"] if entry["purpose"] == COORD_ENCRYPTION}
        return UnlockedKeys(post_id=doc["post_id"], master_key=master, private=private,
                            retired_encryption=retired_enc, public=public_from_doc(doc),
                            retired_coordination=retired_coord, pinned_coordination=_pinned(doc))

    # ---------------------------------------------------------------- coordination keys
    def add_coordination_keys(self, keys: UnlockedKeys) -> UnlockedKeys:
        """Add the coordination's Ed25519 and X25519 keys to this keystore (made by
        ``setup`` like any post's): ``border-app coordination keys init``. Refuses if it
        already has them (rotate instead). Returns the new key ring (same master key)."""
        master = keys._master_key()
        doc = self._fresh()
        if not mac_matches(doc, master) or doc["keys"][POST_SIGNING]["key_id"] != keys.signing_key_id:
            raise _not_these_keys()
        if COORD_SIGNING in doc["keys"]:
            raise KeyStoreError(_("This computer already has the coordination's keys; rotate them to replace them."))
        created = now()
        private = dict(keys._private)
        for purpose in (COORD_SIGNING, COORD_ENCRYPTION):
            private[purpose] = generate(purpose)
            doc["keys"][purpose] = encrypt_private(doc, purpose, private[purpose], master, created)
        doc["integrity"] = {"algorithm": MAC_ALGORITHM, "mac": b64e(mac(doc, master))}
        validate(doc)
        self._write(doc)
        return UnlockedKeys(post_id=doc["post_id"], master_key=master, private=private,
                            retired_encryption=dict(keys._retired_encryption), public=public_from_doc(doc),
                            retired_coordination=dict(keys._retired_coordination),
                            pinned_coordination=_pinned(doc))

    def coordination_public_keys(self) -> CoordinationPublicKeys:
        """The coordination's public keys (and its retired ones) held by this keystore, for
        ``coordination keys export-public``. :class:`KeyStoreError` if it has none."""
        doc = self._doc
        if COORD_SIGNING not in doc["keys"]:
            raise KeyStoreError(_("This computer has no coordination keys: create them first "
                                  "(border-app coordination keys init)."))
        retired = [{"purpose": r["purpose"], "key_id": r["key_id"], "public_key": b64d(r["public_key"]),
                    "created_at": r["created_at"], "retired_at": r["retired_at"]}
                   for r in doc["retired"] if r["purpose"] in (COORD_SIGNING, COORD_ENCRYPTION)]
        return CoordinationPublicKeys(signing_public_key=b64d(doc["keys"][COORD_SIGNING]["public_key"]),
                                      encryption_public_key=b64d(doc["keys"][COORD_ENCRYPTION]["public_key"]),
                                      created_at=doc["keys"][COORD_SIGNING]["created_at"], retired=retired,
                                      demo=bool(doc.get("demo", False)))

    def pinned_coordination(self) -> CoordinationPublicKeys | None:
        """The pinned coordination keys as written (not authenticated without the master
        key: after sign-in prefer ``UnlockedKeys.pinned_coordination``)."""
        return _pinned(self._doc)

    def pin_coordination(self, public: CoordinationPublicKeys, keys: UnlockedKeys) -> UnlockedKeys:
        """Store the coordination's public keys in this keystore, covered by its MAC
        (``border-app keys pin-coordination``); replaces earlier pinned keys."""
        master = keys._master_key()
        doc = self._fresh()
        if not mac_matches(doc, master) or doc["keys"][POST_SIGNING]["key_id"] != keys.signing_key_id:
            raise _not_these_keys()
        doc["pinned_coordination"] = public.to_pinned(now())
        doc["integrity"] = {"algorithm": MAC_ALGORITHM, "mac": b64e(mac(doc, master))}
        validate(doc)
        self._write(doc)
        return UnlockedKeys(post_id=doc["post_id"], master_key=master, private=dict(keys._private),
                            retired_encryption=dict(keys._retired_encryption), public=public_from_doc(doc),
                            retired_coordination=dict(keys._retired_coordination),
                            pinned_coordination=_pinned(doc))

    def coordination_retired(self) -> list[dict]:
        """The coordination's retired keys (public halves), oldest first."""
        return [dict(r) for r in self._doc["retired"] if r["purpose"] in (COORD_SIGNING, COORD_ENCRYPTION)]

    # ---------------------------------------------------------------- rotation
    def rotate(self, keys: UnlockedKeys, *, coordination: bool = False) -> UnlockedKeys:
        """Replace the post's signing and encryption keys (and the coordination's with
        ``coordination=True``). Old public keys stay listed as retired, so old
        signatures still verify by key id; old encryption private keys are kept
        (encrypted) so data sealed to them can still be opened. Returns the new key
        ring (same master key, so slots are unchanged); the old one keeps working for
        this session but should be replaced."""
        master = keys._master_key()
        doc = self._fresh()
        if not mac_matches(doc, master) or doc["keys"][POST_SIGNING]["key_id"] != keys.signing_key_id:
            raise _not_these_keys()
        if coordination and COORD_SIGNING not in doc["keys"]:
            raise KeyStoreError(_("This post has no coordination keys."))
        rotated_at = now()
        private = dict(keys._private)
        retired_enc = dict(keys._retired_encryption)
        retired_coord = dict(keys._retired_coordination)
        for purpose in (POST_SIGNING, POST_ENCRYPTION) + ((COORD_SIGNING, COORD_ENCRYPTION) if coordination else ()):
            old = dict(doc["keys"][purpose])
            old["purpose"] = purpose
            old["retired_at"] = rotated_at
            if purpose in (POST_SIGNING, COORD_SIGNING):   # an old signing key is never needed again
                old.pop("nonce")
                old.pop("encrypted_private_key")
            elif purpose == POST_ENCRYPTION:
                retired_enc[old["key_id"]] = private[purpose]
            else:   # the coordination's: bundles sealed to it while in transit still open
                retired_coord[old["key_id"]] = private[purpose]
            doc["retired"].append(old)
        for purpose in [POST_SIGNING, POST_ENCRYPTION] + ([COORD_SIGNING, COORD_ENCRYPTION] if coordination else []):
            private[purpose] = generate(purpose)
            doc["keys"][purpose] = encrypt_private(doc, purpose, private[purpose], master, rotated_at)
        doc["integrity"] = {"algorithm": MAC_ALGORITHM, "mac": b64e(mac(doc, master))}
        validate(doc)
        self._write(doc)
        return UnlockedKeys(post_id=doc["post_id"], master_key=master, private=private,
                            retired_encryption=retired_enc, public=public_from_doc(doc),
                            retired_coordination=retired_coord, pinned_coordination=_pinned(doc))

    # ---------------------------------------------------------------- writing
    def _fresh(self) -> dict:
        """The document as it is on disk now (another program may have changed it)."""
        return self._read(self.path)

    def _write(self, doc: dict) -> None:
        data = json.dumps(doc, indent=2, sort_keys=False, ensure_ascii=False).encode("utf-8") + b"\n"
        atomic_write(self.path, data, mode=0o600)   # StorageError (translated) on failure
        self._doc = doc


def _pinned(doc: dict) -> CoordinationPublicKeys | None:
    pinned = doc.get("pinned_coordination")
    return None if pinned is None else CoordinationPublicKeys.from_pinned(pinned)


def init_keystore(path: Path, post_id: str, slot_id: str, password: str, *, coordination: bool = False,
                  kdf: KdfParams | None = None) -> tuple[Keystore, UnlockedKeys]:
    """What ``border-app keys init`` does: create the keystore with a first slot for the
    signed-in administrator, in one atomic write."""
    return Keystore.create(path, post_id=post_id, coordination=coordination, kdf=kdf,
                           first_slot=(slot_id, password))


def rotate_keystore(path: Path, keys: UnlockedKeys, *, coordination: bool = False) -> UnlockedKeys:
    """What ``border-app keys rotate`` does."""
    return Keystore.load(path).rotate(keys, coordination=coordination)
