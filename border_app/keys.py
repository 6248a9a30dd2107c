"""All key material of a post, in one keystore file (LUKS-style key slots).

What is in it
-------------
* the post's **Ed25519 signing key** (slips, bundles, audit anchors) and **X25519
  encryption key** (data sealed *for* this post);
* on the coordination's machine only, the coordination's Ed25519 + X25519 pair;
* the public halves of *retired* keys (after ``keys rotate``), so that old slips still
  verify; retired X25519 private keys are kept (encrypted) so that data sealed to an old
  key can still be opened: nothing is lost by rotating.

How it is protected
-------------------
Private keys are never written in clear. Each is encrypted with AES-256-GCM under a
sub-key of a random 32-byte **master key** (HKDF-SHA256, ``info=b"hhbm-keystore/1
private-keys"``); the associated data binds the format, the post id, the key's purpose,
its key id, public key and creation time, so an encrypted key cannot be moved to another
post, purpose or public key. The master key is stored only *wrapped* in **slots**, one per
user account: AES-256-GCM under a key derived from the user's password (NFC-normalised,
UTF-8) with Argon2id (random 16-byte salt and parameters stored in the slot, also bound
as associated data). Signing in unwraps the user's slot; the session then holds the
master key in memory (:class:`UnlockedKeys`). Everything except the slots is also
covered by an HMAC-SHA256 (key: HKDF of the master key, ``info=b"hhbm-keystore/1
integrity"``) over its canonical JSON, checked at every unlock: a changed public key,
retired-key list or date is detected. Slots authenticate themselves (AEAD), which lets an
administrator remove a slot without the master key. Any changed byte of a wrapped key or
slot makes the AEAD fail: it never yields garbage.

File format ``hhbm-keystore/1`` (JSON, UTF-8, mode 0600, written only through
:func:`border_app.atomic.atomic_write`; byte strings are canonical standard base64)::

    {
      "format": "hhbm-keystore/1",
      "post_id": "<post id>",
      "created_at": "2025-01-31T08:00:00Z",
      "cipher": "AES-256-GCM",
      "kdf_default": {"name": "argon2id", "time_cost": 2, "memory_cost_kib": 65536,
                      "parallelism": 1},                # parameters for new slots
      "keys": {                                        # current keys, by purpose
        "post_signing":    {"algorithm": "Ed25519", "key_id": "<16 hex>",
                            "public_key": "<b64 32 bytes>", "created_at": "...",
                            "nonce": "<b64 12 bytes>",
                            "encrypted_private_key": "<b64 32+16 bytes>"},
        "post_encryption": {"algorithm": "X25519", ...},
        "coordination_signing": {...}, "coordination_encryption": {...}   # optional
      },
      "retired": [                                     # oldest first
        {"purpose": "post_signing", "algorithm": "Ed25519", "key_id": "...",
         "public_key": "...", "created_at": "...", "retired_at": "..."},
        {"purpose": "post_encryption", ..., "nonce": "...", "encrypted_private_key": "..."}
      ],
      "integrity": {"algorithm": "HMAC-SHA256", "mac": "<b64 32 bytes>"},
      "slots": {
        "<slot id = user id>": {
          "kdf": {"name": "argon2id", "time_cost": 2, "memory_cost_kib": 65536,
                  "parallelism": 1, "salt": "<b64 16 bytes>"},
          "created_at": "...", "nonce": "<b64 12 bytes>",
          "wrapped_master_key": "<b64 32+16 bytes>"}
      }
    }

Associated data (canonical JSON: sorted keys, no spaces, ASCII):
private key ``{"format", "post_id", "purpose", "key_id", "public_key", "created_at"}``;
slot ``{"format", "post_id", "slot_id", "kdf" (with salt), "created_at"}``.
The MAC covers the whole document minus ``"slots"`` and ``"integrity"``.

Sealed data (:func:`seal`): ``b"HHS\\x01"`` | recipient key id (8 bytes) | ephemeral
X25519 public key (32) | ChaCha20-Poly1305 ciphertext and tag. Key and nonce come from
HKDF-SHA256(shared secret, salt = ephemeral public | recipient public,
info = ``b"hhbm-seal/1"``, 44 bytes); the associated data is the 44-byte header followed
by the caller's ``aad``.

Key ids: lowercase hex of the first 8 bytes of SHA-256 of the raw public key.

Demo keys: the demo post's keystore is created with ``"demo": true`` at the top level
(covered by the MAC; kept by ``rotate``). Its public form says so too
(:attr:`PublicKeys.demo`: ``"demo": true`` in the JSON, ``"d": 1`` in the QR text), and
so does :attr:`UnlockedKeys.demo`. Slips signed by a demo key bind the mark into what is
signed (``border_app.slip_payload``, version 2), and a real post's trust list refuses demo
keys (``border_app.trust``).

Concurrency: every change re-reads the file before writing it, so two programs adding
slots one after the other do not undo each other (there is no lock for truly
simultaneous writes; the app has one writer at a time).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import io
import json
import secrets
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import clock
from .atomic import atomic_write
from .errors import InvalidInput, KeyStoreError
from .i18n import _

FORMAT = "hhbm-keystore/1"
PUBLIC_FORMAT = "hhbm-public-keys/1"
QR_PREFIX = "HHBM-PK1:"
CIPHER = "AES-256-GCM"
MAC_ALGORITHM = "HMAC-SHA256"
SEAL_MAGIC = b"HHS\x01"
SEAL_INFO = b"hhbm-seal/1"
SEAL_HEADER_LEN = len(SEAL_MAGIC) + 8 + 32

MAX_FILE_BYTES = 1 << 20          # a keystore is a few KiB; 1 MiB is thousands of slots
MAX_QR_TEXT = 8192
MAX_SLOT_ID = 128
MAX_POST_ID = 128
MASTER_KEY_LEN = 32
SALT_LEN = 16
NONCE_LEN = 12
TAG_LEN = 16

POST_SIGNING = "post_signing"
POST_ENCRYPTION = "post_encryption"
COORD_SIGNING = "coordination_signing"
COORD_ENCRYPTION = "coordination_encryption"
PURPOSES = {POST_SIGNING: "Ed25519", POST_ENCRYPTION: "X25519",
            COORD_SIGNING: "Ed25519", COORD_ENCRYPTION: "X25519"}

# Bounds for parameters read from a file: bounded time and memory on a hostile file.
KDF_MAX_TIME = 16
KDF_MIN_MEMORY_KIB = 1024
KDF_MAX_MEMORY_KIB = 1024 * 1024
KDF_MAX_PARALLELISM = 8


# --------------------------------------------------------------------------- helpers

def _now() -> str:
    return clock.utcnow().replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _b64e(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _b64d(text: Any, *, length: int | None = None, min_len: int = 0, max_len: int = 1 << 16) -> bytes:
    """Strict, canonical base64: re-encoding must give the same text (so that no two
    texts decode to the same bytes and no flipped padding bit goes unnoticed)."""
    if not isinstance(text, str) or len(text) > 4 * max_len // 3 + 4:
        raise ValueError("not a base64 string")
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError("bad base64") from exc
    if _b64e(raw) != text:
        raise ValueError("non-canonical base64")
    if length is not None and len(raw) != length:
        raise ValueError("wrong length")
    if not min_len <= len(raw) <= max_len:
        raise ValueError("wrong length")
    return raw


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _b64ud(text: Any, length: int) -> bytes:
    if not isinstance(text, str) or len(text) > 64:
        raise ValueError("not a base64 string")
    try:
        raw = base64.urlsafe_b64decode((text + "=" * (-len(text) % 4)).encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise ValueError("bad base64") from exc
    if len(raw) != length or _b64u(raw) != text:
        raise ValueError("wrong length")
    return raw


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def _hkdf(secret: bytes, info: bytes, length: int = 32, salt: bytes | None = None) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(secret)


def _normalise_password(password: str) -> bytes:
    return unicodedata.normalize("NFC", password).encode("utf-8")


def key_id(public_key: bytes) -> str:
    """Lowercase hex of the first 8 bytes of SHA-256 of the raw public key."""
    return hashlib.sha256(bytes(public_key)).digest()[:8].hex()


def verify(public_key: bytes, data: bytes, signature: bytes) -> bool:
    """Check an Ed25519 ``signature`` of ``data``; ``False`` on any failure."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        if len(public_key) != 32 or len(signature) != 64:
            return False
        Ed25519PublicKey.from_public_bytes(bytes(public_key)).verify(bytes(signature), bytes(data))
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False


def seal(recipient_public_key: bytes, plaintext: bytes, *, aad: bytes = b"") -> bytes:
    """Encrypt ``plaintext`` so that only the holder of the X25519 private key matching
    ``recipient_public_key`` can read it (ephemeral X25519, HKDF-SHA256,
    ChaCha20-Poly1305; format in the module docstring)."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    recipient_public_key = bytes(recipient_public_key)
    if len(recipient_public_key) != 32:
        raise ValueError("an X25519 public key is 32 bytes")
    ephemeral = X25519PrivateKey.generate()
    eph_pub = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    try:
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public_key))
    except ValueError as exc:  # low-order point: not a usable key
        raise ValueError("unusable X25519 public key") from exc
    okm = _hkdf(shared, SEAL_INFO, 44, salt=eph_pub + recipient_public_key)
    header = SEAL_MAGIC + bytes.fromhex(key_id(recipient_public_key)) + eph_pub
    return header + ChaCha20Poly1305(okm[:32]).encrypt(okm[32:], bytes(plaintext), header + bytes(aad))


def sealed_recipient(blob: bytes) -> str | None:
    """The key id a sealed blob is addressed to, or ``None`` if it is not sealed data."""
    if len(blob) < SEAL_HEADER_LEN + TAG_LEN or bytes(blob[:4]) != SEAL_MAGIC:
        return None
    return bytes(blob[4:12]).hex()


def _open_sealed_with(private_key, blob: bytes, aad: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    blob = bytes(blob)
    header, body = blob[:SEAL_HEADER_LEN], blob[SEAL_HEADER_LEN:]
    eph_pub = header[12:]
    own_pub = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    try:
        shared = private_key.exchange(X25519PublicKey.from_public_bytes(eph_pub))
        okm = _hkdf(shared, SEAL_INFO, 44, salt=eph_pub + own_pub)
        return ChaCha20Poly1305(okm[:32]).decrypt(okm[32:], body, header + bytes(aad))
    except (InvalidTag, ValueError) as exc:
        raise _sealed_error() from exc


def _sealed_error() -> KeyStoreError:
    return KeyStoreError(_("The sealed data could not be opened: it is damaged, or it was sealed for another key."))


# --------------------------------------------------------------------------- KDF

@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters of a key slot. ``DEFAULT`` (2 passes, 64 MiB, 1 lane) takes
    about 0.13-0.2 s on the 2-core development machine, so roughly 0.2-0.4 s on a
    low-spec laptop (sign-in also runs the account's password hash); ``TEST`` is for
    tests only. Parameters are stored in each slot: raising the default later only
    affects new or re-wrapped slots."""

    time_cost: int = 2
    memory_cost_kib: int = 64 * 1024
    parallelism: int = 1

    def to_json(self) -> dict:
        return {"name": "argon2id", "time_cost": self.time_cost,
                "memory_cost_kib": self.memory_cost_kib, "parallelism": self.parallelism}

    @classmethod
    def from_json(cls, d: Any) -> "KdfParams":
        if not isinstance(d, dict) or d.get("name") != "argon2id":
            raise ValueError("unknown key derivation")
        values = [d.get("time_cost"), d.get("memory_cost_kib"), d.get("parallelism")]
        if not all(type(v) is int for v in values):
            raise ValueError("bad key derivation parameters")
        params = cls(*values)
        params.check()
        return params

    def check(self) -> None:
        if not (1 <= self.time_cost <= KDF_MAX_TIME
                and 1 <= self.parallelism <= KDF_MAX_PARALLELISM
                and max(KDF_MIN_MEMORY_KIB, 8 * self.parallelism) <= self.memory_cost_kib <= KDF_MAX_MEMORY_KIB):
            raise ValueError("key derivation parameters out of bounds")

    def derive(self, password: str, salt: bytes) -> bytes:
        from argon2.low_level import Type, hash_secret_raw

        return hash_secret_raw(_normalise_password(password), salt, time_cost=self.time_cost,
                               memory_cost=self.memory_cost_kib, parallelism=self.parallelism,
                               hash_len=32, type=Type.ID)


KdfParams.DEFAULT = KdfParams()          # type: ignore[attr-defined]
KdfParams.TEST = KdfParams(1, 8 * 1024, 1)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- public keys

@dataclass(frozen=True)
class PublicKeys:
    """A post's public keys: what another post or the coordination needs to check its
    signatures and to seal data for it. ``retired`` holds dicts with ``purpose``
    (``"post_signing"``/``"post_encryption"``), ``key_id``, ``public_key`` (raw bytes),
    ``created_at`` and ``retired_at``, oldest first."""

    post_id: str
    signing_key_id: str
    signing_public_key: bytes
    encryption_public_key: bytes
    created_at: str
    retired: list = field(default_factory=list)
    coordination_signing_public_key: bytes | None = None
    coordination_encryption_public_key: bytes | None = None
    demo: bool = False                 # the demo post's keys: never trusted by a real post

    @property
    def encryption_key_id(self) -> str:
        return key_id(self.encryption_public_key)

    @property
    def coordination_signing_key_id(self) -> str | None:
        pk = self.coordination_signing_public_key
        return key_id(pk) if pk is not None else None

    def signing_key_for(self, kid: str) -> bytes | None:
        """The signing public key (current or retired) whose key id is ``kid``."""
        if kid == self.signing_key_id:
            return self.signing_public_key
        for entry in self.retired:
            if entry["purpose"] == POST_SIGNING and entry["key_id"] == kid:
                return entry["public_key"]
        return None

    def verify(self, kid: str, data: bytes, signature: bytes) -> bool:
        """Check a signature made by this post's key ``kid`` (current or retired)."""
        pk = self.signing_key_for(kid)
        return pk is not None and verify(pk, data, signature)

    # JSON ---------------------------------------------------------------
    def to_json(self) -> dict:
        return {
            "format": PUBLIC_FORMAT,
            "post_id": self.post_id,
            "created_at": self.created_at,
            "signing_key_id": self.signing_key_id,
            "signing_public_key": _b64e(self.signing_public_key),
            "encryption_key_id": self.encryption_key_id,
            "encryption_public_key": _b64e(self.encryption_public_key),
            "coordination_signing_public_key": (
                _b64e(self.coordination_signing_public_key) if self.coordination_signing_public_key else None),
            "coordination_encryption_public_key": (
                _b64e(self.coordination_encryption_public_key) if self.coordination_encryption_public_key else None),
            "retired": [
                {"purpose": r["purpose"], "key_id": r["key_id"], "public_key": _b64e(r["public_key"]),
                 "created_at": r["created_at"], "retired_at": r["retired_at"]}
                for r in self.retired
            ],
            **({"demo": True} if self.demo else {}),
        }

    @classmethod
    def from_json(cls, d: Any) -> "PublicKeys":
        """Parse :meth:`to_json` output; :class:`InvalidInput` (translated) if unusable."""
        try:
            if not isinstance(d, dict) or d.get("format") != PUBLIC_FORMAT:
                raise ValueError("format")
            coord_s = d.get("coordination_signing_public_key")
            coord_e = d.get("coordination_encryption_public_key")
            retired = d.get("retired", [])
            if not isinstance(retired, list) or len(retired) > 1000:
                raise ValueError("retired")
            keys = cls._build(
                post_id=d.get("post_id"), created_at=d.get("created_at"),
                signing=_b64d(d.get("signing_public_key"), length=32),
                encryption=_b64d(d.get("encryption_public_key"), length=32),
                coord_s=None if coord_s is None else _b64d(coord_s, length=32),
                coord_e=None if coord_e is None else _b64d(coord_e, length=32),
                retired=[(r.get("purpose"), _b64d(r.get("public_key"), length=32), r.get("created_at"),
                          r.get("retired_at")) if isinstance(r, dict) else None for r in retired],
                demo=_demo_flag(d.get("demo", False)),
            )
            for name, expected in (("signing_key_id", keys.signing_key_id),
                                   ("encryption_key_id", keys.encryption_key_id)):
                if name in d and d[name] != expected:
                    raise ValueError(name)
            for given, built in zip(retired, keys.retired):
                if "key_id" in given and given["key_id"] != built["key_id"]:
                    raise ValueError("retired key id")
        except (ValueError, TypeError, AttributeError) as exc:
            raise InvalidInput(_("These public keys are not valid (damaged, or not the public keys of a post)."),
                               detail=str(exc)) from exc
        return keys

    @classmethod
    def _build(cls, *, post_id, created_at, signing, encryption, coord_s, coord_e, retired,
               demo: bool = False) -> "PublicKeys":
        _check_text(post_id, MAX_POST_ID)
        _check_text(created_at, 40)
        if (coord_s is None) != (coord_e is None):
            raise ValueError("coordination keys come in pairs")
        entries = []
        for item in retired:
            if item is None:
                raise ValueError("retired entry")
            purpose, public, r_created, r_retired = item
            if purpose not in (POST_SIGNING, POST_ENCRYPTION):
                raise ValueError("retired purpose")
            _check_text(r_created, 40)
            _check_text(r_retired, 40)
            entries.append({"purpose": purpose, "key_id": key_id(public), "public_key": public,
                            "created_at": r_created, "retired_at": r_retired})
        return cls(post_id=post_id, signing_key_id=key_id(signing), signing_public_key=signing,
                   encryption_public_key=encryption, created_at=created_at, retired=entries,
                   coordination_signing_public_key=coord_s, coordination_encryption_public_key=coord_e,
                   demo=bool(demo))

    # QR -----------------------------------------------------------------
    def to_qr_text(self) -> str:
        """Compact text for a QR code: ``HHBM-PK1:`` + JSON with short names and
        unpadded URL-safe base64."""
        d: dict[str, Any] = {"p": self.post_id, "t": self.created_at,
                             "s": _b64u(self.signing_public_key), "e": _b64u(self.encryption_public_key)}
        if self.coordination_signing_public_key is not None:
            d["cs"] = _b64u(self.coordination_signing_public_key)
            d["ce"] = _b64u(self.coordination_encryption_public_key)
        if self.retired:
            d["r"] = [["s" if r["purpose"] == POST_SIGNING else "e", _b64u(r["public_key"]),
                       r["created_at"], r["retired_at"]] for r in self.retired]
        if self.demo:
            d["d"] = 1
        return QR_PREFIX + json.dumps(d, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_qr_text(cls, text: str) -> "PublicKeys":
        """Parse what :meth:`to_qr_text` wrote (e.g. scanned from another post's QR)."""
        try:
            if not isinstance(text, str) or len(text) > MAX_QR_TEXT or not text.startswith(QR_PREFIX):
                raise ValueError("not a public-key QR code")
            d = json.loads(text[len(QR_PREFIX):])
            if not isinstance(d, dict):
                raise ValueError("not an object")
            retired = d.get("r", [])
            if not isinstance(retired, list):
                raise ValueError("retired")
            items = []
            for r in retired:
                if not (isinstance(r, list) and len(r) == 4 and r[0] in ("s", "e")):
                    raise ValueError("retired entry")
                items.append((POST_SIGNING if r[0] == "s" else POST_ENCRYPTION, _b64ud(r[1], 32), r[2], r[3]))
            return cls._build(
                post_id=d.get("p"), created_at=d.get("t"),
                signing=_b64ud(d.get("s"), 32), encryption=_b64ud(d.get("e"), 32),
                coord_s=_b64ud(d["cs"], 32) if "cs" in d else None,
                coord_e=_b64ud(d["ce"], 32) if "ce" in d else None,
                retired=items,
                demo=_demo_flag(d.get("d", 0), qr=True),
            )
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            raise InvalidInput(_("This QR code does not hold the public keys of a post."), detail=str(exc)) from exc


def _demo_flag(value: Any, *, qr: bool = False) -> bool:
    """The demo mark as read from a file or QR text: a bool (JSON) or 0/1 (QR)."""
    if qr and type(value) is int and value in (0, 1):
        return bool(value)
    if type(value) is bool:
        return value
    raise ValueError("demo flag")


def _check_text(value: Any, max_len: int) -> None:
    if not isinstance(value, str) or not 0 < len(value) <= max_len or not value.isprintable():
        raise ValueError("bad text field")


def export_public_qr(public: PublicKeys, path: Path | str) -> Path:
    """Write ``public`` as a QR code image: PNG or SVG according to the suffix."""
    import segno

    path = Path(path)
    kind = path.suffix.lower().lstrip(".")
    if kind not in ("png", "svg"):
        raise InvalidInput(_("The QR code file must end in .png or .svg: {path}").format(path=path.name))
    try:
        qr = segno.make_qr(public.to_qr_text(), error="m")
    except segno.DataOverflowError as exc:
        raise InvalidInput(_("Too many keys for one QR code: export the public keys as a JSON file instead.")) from exc
    buf = io.BytesIO()
    qr.save(buf, kind=kind, scale=8, border=4)
    atomic_write(path, buf.getvalue(), mode=0o644)
    return path


# --------------------------------------------------------------------------- unlocked keys

class UnlockedKeys:
    """The key ring of a signed-in session. Never serialised; :meth:`lock` forgets it."""

    def __init__(self, *, post_id: str, master_key: bytes, private: dict[str, Any],
                 retired_encryption: dict[str, Any], public: PublicKeys):
        self.post_id = post_id
        self._master = bytearray(master_key)
        self._private = dict(private)
        self._retired_encryption = dict(retired_encryption)
        self._public = public
        self.signing_key_id = public.signing_key_id
        self.signing_public_key = public.signing_public_key
        self.encryption_public_key = public.encryption_public_key
        self.encryption_key_id = public.encryption_key_id
        self.coordination_signing_public_key = public.coordination_signing_public_key
        self.coordination_encryption_public_key = public.coordination_encryption_public_key
        self.demo = bool(public.demo)

    # No pickling, copying or printing of secrets.
    def __reduce_ex__(self, protocol):
        raise TypeError("UnlockedKeys cannot be serialised")

    def __repr__(self) -> str:
        state = "locked" if self.locked else "unlocked"
        return f"<UnlockedKeys post={self.post_id!r} signing={self.signing_key_id} {state}>"

    @property
    def locked(self) -> bool:
        return not self._private

    @property
    def has_coordination(self) -> bool:
        return COORD_SIGNING in self._private

    def public_keys(self) -> PublicKeys:
        """The public keys as checked (MAC) when these keys were unlocked."""
        return self._public

    def _key(self, purpose: str):
        key = self._private.get(purpose)
        if key is None:
            if self.locked:
                raise KeyStoreError(_("The keys are locked: sign in again."))
            raise KeyStoreError(_("This post has no coordination keys."))
        return key

    def _master_key(self) -> bytes:
        if self.locked:
            raise KeyStoreError(_("The keys are locked: sign in again."))
        return bytes(self._master)

    def sign(self, data: bytes) -> bytes:
        """Ed25519 signature of ``data`` with the post's current signing key."""
        return self._key(POST_SIGNING).sign(bytes(data))

    def open_sealed(self, blob: bytes, *, aad: bytes = b"") -> bytes:
        """Decrypt what :func:`seal` made for this post's current or a retired X25519 key."""
        kid = sealed_recipient(blob)
        if kid is None:
            raise _sealed_error()
        current = self._key(POST_ENCRYPTION)
        if kid == self.encryption_key_id:
            return _open_sealed_with(current, blob, aad)
        old = self._retired_encryption.get(kid)
        if old is None:
            raise _sealed_error()
        return _open_sealed_with(old, blob, aad)

    def coordination_sign(self, data: bytes) -> bytes:
        return self._key(COORD_SIGNING).sign(bytes(data))

    def coordination_open_sealed(self, blob: bytes, *, aad: bytes = b"") -> bytes:
        key = self._key(COORD_ENCRYPTION)
        if sealed_recipient(blob) != key_id(self.coordination_encryption_public_key or b""):
            raise _sealed_error()
        return _open_sealed_with(key, blob, aad)

    def lock(self) -> None:
        """Forget the private keys and wipe the master key (best effort in Python)."""
        for i in range(len(self._master)):
            self._master[i] = 0
        self._master = bytearray()
        self._private.clear()
        self._retired_encryption.clear()


# --------------------------------------------------------------------------- keystore

def _missing_error(path: Path) -> KeyStoreError:
    return KeyStoreError(
        _("No key file at {path}. An administrator must first create the post's keys (border-app keys init).")
        .format(path=path))


def _damaged_error(path: Path, reason: str) -> KeyStoreError:
    return KeyStoreError(
        _("The key file {path} is damaged or is not a key file of this application.").format(path=path),
        detail=reason)


def _unlock_error() -> KeyStoreError:
    return KeyStoreError(_("The key slot could not be unlocked."))


def _tampered_error() -> KeyStoreError:
    return KeyStoreError(_("The key file was altered or damaged: its keys cannot be trusted. Restore it from a backup."))


def _check_slot_id(slot_id: Any) -> str:
    if not isinstance(slot_id, str) or not 0 < len(slot_id) <= MAX_SLOT_ID or not slot_id.isprintable():
        raise InvalidInput(_("Invalid key slot name."))
    return slot_id


def _reject_duplicates(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise ValueError(f"duplicate field {k!r}")
        d[k] = v
    return d


def _private_aad(doc: dict, purpose: str, entry: dict) -> bytes:
    return _canonical({"format": FORMAT, "post_id": doc["post_id"], "purpose": purpose,
                       "key_id": entry["key_id"], "public_key": entry["public_key"],
                       "created_at": entry["created_at"]})


def _slot_aad(doc: dict, slot_id: str, slot: dict) -> bytes:
    return _canonical({"format": FORMAT, "post_id": doc["post_id"], "slot_id": slot_id,
                       "kdf": slot["kdf"], "created_at": slot["created_at"]})


def _mac(doc: dict, master: bytes) -> bytes:
    body = {k: v for k, v in doc.items() if k not in ("slots", "integrity")}
    return hmac.new(_hkdf(master, b"hhbm-keystore/1 integrity"), _canonical(body), hashlib.sha256).digest()


def _aead(master: bytes):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(_hkdf(master, b"hhbm-keystore/1 private-keys"))


def _generate(purpose: str):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    return (Ed25519PrivateKey if PURPOSES[purpose] == "Ed25519" else X25519PrivateKey).generate()


def _raw_public(private_key) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _encrypt_private(doc: dict, purpose: str, private_key, master: bytes, created_at: str) -> dict:
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    public = _raw_public(private_key)
    entry = {"algorithm": PURPOSES[purpose], "key_id": key_id(public), "public_key": _b64e(public),
             "created_at": created_at}
    nonce = secrets.token_bytes(NONCE_LEN)
    raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    entry["nonce"] = _b64e(nonce)
    entry["encrypted_private_key"] = _b64e(_aead(master).encrypt(nonce, raw, _private_aad(doc, purpose, entry)))
    return entry


def _decrypt_private(doc: dict, purpose: str, entry: dict, aead) -> Any:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    try:
        raw = aead.decrypt(_b64d(entry["nonce"]), _b64d(entry["encrypted_private_key"]),
                           _private_aad(doc, purpose, entry))
    except InvalidTag as exc:
        raise _tampered_error() from exc
    cls = Ed25519PrivateKey if PURPOSES[purpose] == "Ed25519" else X25519PrivateKey
    key = cls.from_private_bytes(raw)
    if _b64e(_raw_public(key)) != entry["public_key"]:
        raise _tampered_error()
    return key


def _validate(doc: Any) -> dict:
    """Structural validation of a parsed keystore; ValueError with a reason."""
    if not isinstance(doc, dict):
        raise ValueError("not a JSON object")
    if doc.get("format") != FORMAT:
        raise ValueError(f"unknown format {str(doc.get('format'))[:40]!r}")
    _check_text(doc.get("post_id"), MAX_POST_ID)
    _check_text(doc.get("created_at"), 40)
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
        if not isinstance(entry, dict) or entry.get("purpose") not in (POST_SIGNING, POST_ENCRYPTION):
            raise ValueError("retired entry")
        _check_text(entry.get("retired_at"), 40)
        _validate_key_entry(entry, entry["purpose"], private=entry["purpose"] == POST_ENCRYPTION)
    integrity = doc.get("integrity")
    if not isinstance(integrity, dict) or integrity.get("algorithm") != MAC_ALGORITHM:
        raise ValueError("integrity")
    _b64d(integrity.get("mac"), length=32)
    slots = doc.get("slots")
    if not isinstance(slots, dict):
        raise ValueError("slots")
    for slot_id, slot in slots.items():
        if not isinstance(slot_id, str) or not 0 < len(slot_id) <= MAX_SLOT_ID or not isinstance(slot, dict):
            raise ValueError("slot")
        KdfParams.from_json(slot.get("kdf"))
        _b64d(slot["kdf"].get("salt"), min_len=SALT_LEN, max_len=64)
        _check_text(slot.get("created_at"), 40)
        _b64d(slot.get("nonce"), length=NONCE_LEN)
        _b64d(slot.get("wrapped_master_key"), length=MASTER_KEY_LEN + TAG_LEN)
    return doc


def _validate_key_entry(entry: Any, purpose: str, *, private: bool) -> None:
    if not isinstance(entry, dict) or entry.get("algorithm") != PURPOSES[purpose]:
        raise ValueError(f"{purpose}: algorithm")
    public = _b64d(entry.get("public_key"), length=32)
    if entry.get("key_id") != key_id(public):
        raise ValueError(f"{purpose}: key id does not match the public key")
    _check_text(entry.get("created_at"), 40)
    if private:
        _b64d(entry.get("nonce"), length=NONCE_LEN)
        _b64d(entry.get("encrypted_private_key"), length=32 + TAG_LEN)


class Keystore:
    """The post's keystore file (format in the module docstring)."""

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
            raise _missing_error(path) from exc
        except IsADirectoryError as exc:
            raise _damaged_error(path, "is a directory") from exc
        except OSError as exc:
            raise KeyStoreError(_("The key file {path} cannot be read: {reason}").format(
                path=path, reason=exc.strerror or exc)) from exc
        if len(data) > MAX_FILE_BYTES:
            raise _damaged_error(path, "too large")
        try:
            doc = json.loads(data.decode("utf-8"), object_pairs_hook=_reject_duplicates)
            return _validate(doc)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            raise _damaged_error(path, str(exc)[:200]) from exc

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
        return _public_from_doc(self._doc)

    # ---------------------------------------------------------------- creating
    @classmethod
    def create(cls, path: Path, *, post_id: str, coordination: bool = False, kdf: KdfParams | None = None,
               first_slot: tuple[str, str] | None = None, demo: bool = False) -> tuple["Keystore", UnlockedKeys]:
        """Generate the post's keys (and the coordination's with ``coordination=True``)
        under a fresh master key and write the file. ``kdf`` sets the Argon2id
        parameters of every slot added later. ``first_slot=(slot_id, password)`` adds
        the first slot in the same write (recommended: a file without slots can never
        be unlocked). ``demo=True``: the demo post's keys, marked demo for good (see the
        module docstring). Refuses if the file exists."""
        path = Path(path)
        try:
            _check_text(post_id, MAX_POST_ID)
        except ValueError as exc:
            raise InvalidInput(_("Invalid post identifier.")) from exc
        if path.exists():
            raise KeyStoreError(_("The keys are already initialised ({path}); use keys rotate to replace them.")
                                .format(path=path))
        kdf = kdf or KdfParams.DEFAULT
        kdf.check()
        master = secrets.token_bytes(MASTER_KEY_LEN)
        now = _now()
        doc: dict[str, Any] = {"format": FORMAT, "post_id": post_id, "created_at": now, "cipher": CIPHER,
                               "kdf_default": kdf.to_json(), "keys": {}, "retired": [], "slots": {}}
        if demo:
            doc["demo"] = True
        private = {}
        purposes = [POST_SIGNING, POST_ENCRYPTION] + ([COORD_SIGNING, COORD_ENCRYPTION] if coordination else [])
        for purpose in purposes:
            private[purpose] = _generate(purpose)
            doc["keys"][purpose] = _encrypt_private(doc, purpose, private[purpose], master, now)
        doc["integrity"] = {"algorithm": MAC_ALGORITHM, "mac": _b64e(_mac(doc, master))}
        if first_slot is not None:
            slot_id, password = first_slot
            doc["slots"][_check_slot_id(slot_id)] = _make_slot(doc, slot_id, password, master, kdf)
        _validate(doc)
        store = cls(path, doc)
        if path.parent != path and not path.parent.exists():
            from .atomic import make_private_dir

            make_private_dir(path.parent)
        store._write(doc)
        keys = UnlockedKeys(post_id=post_id, master_key=master, private=private, retired_encryption={},
                            public=_public_from_doc(doc))
        return store, keys

    # ---------------------------------------------------------------- slots
    def add_slot(self, slot_id: str, password: str, keys: UnlockedKeys, *, kdf: KdfParams | None = None) -> None:
        """Give ``slot_id`` (a user id) access to the keys with ``password``; replaces
        an existing slot of that id (password change). ``keys`` must be unlocked keys
        of this very keystore (checked with the MAC)."""
        _check_slot_id(slot_id)
        master = keys._master_key()
        doc = self._fresh()
        if not hmac.compare_digest(_mac(doc, master), _b64d(doc["integrity"]["mac"])):
            raise KeyStoreError(_("These keys do not belong to this key file, or the file changed since you "
                                  "signed in: sign in again."))
        params = kdf or KdfParams.from_json(doc["kdf_default"])
        params.check()
        doc["slots"][slot_id] = _make_slot(doc, slot_id, password, master, params)
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
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        doc = self._doc
        slot = doc["slots"].get(slot_id) if isinstance(slot_id, str) else None
        if slot is None:
            KdfParams.from_json(doc["kdf_default"]).derive(str(password), secrets.token_bytes(SALT_LEN))
            raise _unlock_error()
        params = KdfParams.from_json(slot["kdf"])
        wrapping_key = params.derive(str(password), _b64d(slot["kdf"]["salt"]))
        try:
            master = AESGCM(wrapping_key).decrypt(_b64d(slot["nonce"]), _b64d(slot["wrapped_master_key"]),
                                                  _slot_aad(doc, slot_id, slot))
        except InvalidTag as exc:
            raise _unlock_error() from exc
        if not hmac.compare_digest(_mac(doc, master), _b64d(doc["integrity"]["mac"])):
            raise _tampered_error()
        aead = _aead(master)
        private = {purpose: _decrypt_private(doc, purpose, entry, aead) for purpose, entry in doc["keys"].items()}
        retired_enc = {entry["key_id"]: _decrypt_private(doc, POST_ENCRYPTION, entry, aead)
                       for entry in doc["retired"] if entry["purpose"] == POST_ENCRYPTION}
        return UnlockedKeys(post_id=doc["post_id"], master_key=master, private=private,
                            retired_encryption=retired_enc, public=_public_from_doc(doc))

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
        if (not hmac.compare_digest(_mac(doc, master), _b64d(doc["integrity"]["mac"]))
                or doc["keys"][POST_SIGNING]["key_id"] != keys.signing_key_id):
            raise KeyStoreError(_("These keys do not belong to this key file, or the file changed since you "
                                  "signed in: sign in again."))
        if coordination and COORD_SIGNING not in doc["keys"]:
            raise KeyStoreError(_("This post has no coordination keys."))
        now = _now()
        private = dict(keys._private)
        retired_enc = dict(keys._retired_encryption)
        for purpose in (POST_SIGNING, POST_ENCRYPTION):
            old = dict(doc["keys"][purpose])
            old["purpose"] = purpose
            old["retired_at"] = now
            if purpose == POST_SIGNING:   # an old signing key is never needed again
                old.pop("nonce")
                old.pop("encrypted_private_key")
            else:
                retired_enc[old["key_id"]] = private[purpose]
            doc["retired"].append(old)
        for purpose in [POST_SIGNING, POST_ENCRYPTION] + ([COORD_SIGNING, COORD_ENCRYPTION] if coordination else []):
            private[purpose] = _generate(purpose)
            doc["keys"][purpose] = _encrypt_private(doc, purpose, private[purpose], master, now)
        doc["integrity"] = {"algorithm": MAC_ALGORITHM, "mac": _b64e(_mac(doc, master))}
        _validate(doc)
        self._write(doc)
        return UnlockedKeys(post_id=doc["post_id"], master_key=master, private=private,
                            retired_encryption=retired_enc, public=_public_from_doc(doc))

    # ---------------------------------------------------------------- writing
    def _fresh(self) -> dict:
        """The document as it is on disk now (another program may have changed it)."""
        return self._read(self.path)

    def _write(self, doc: dict) -> None:
        data = json.dumps(doc, indent=2, sort_keys=False, ensure_ascii=False).encode("utf-8") + b"\n"
        atomic_write(self.path, data, mode=0o600)   # StorageError (translated) on failure
        self._doc = doc


def _make_slot(doc: dict, slot_id: str, password: str, master: bytes, params: KdfParams) -> dict:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not isinstance(password, str) or not password:
        raise InvalidInput(_("An empty password cannot protect a key slot."))
    salt = secrets.token_bytes(SALT_LEN)
    slot: dict[str, Any] = {"kdf": {**params.to_json(), "salt": _b64e(salt)}, "created_at": _now()}
    nonce = secrets.token_bytes(NONCE_LEN)
    wrapped = AESGCM(params.derive(password, salt)).encrypt(nonce, master, _slot_aad(doc, slot_id, slot))
    slot["nonce"] = _b64e(nonce)
    slot["wrapped_master_key"] = _b64e(wrapped)
    return slot


def _public_from_doc(doc: dict) -> PublicKeys:
    keys = doc["keys"]
    coord = COORD_SIGNING in keys
    return PublicKeys(
        post_id=doc["post_id"],
        signing_key_id=keys[POST_SIGNING]["key_id"],
        signing_public_key=_b64d(keys[POST_SIGNING]["public_key"]),
        encryption_public_key=_b64d(keys[POST_ENCRYPTION]["public_key"]),
        created_at=keys[POST_SIGNING]["created_at"],
        retired=[{"purpose": r["purpose"], "key_id": r["key_id"], "public_key": _b64d(r["public_key"]),
                  "created_at": r["created_at"], "retired_at": r["retired_at"]} for r in doc["retired"]],
        coordination_signing_public_key=_b64d(keys[COORD_SIGNING]["public_key"]) if coord else None,
        coordination_encryption_public_key=_b64d(keys[COORD_ENCRYPTION]["public_key"]) if coord else None,
        demo=bool(doc.get("demo", False)),
    )


def init_keystore(path: Path, post_id: str, slot_id: str, password: str, *, coordination: bool = False,
                  kdf: KdfParams | None = None) -> tuple[Keystore, UnlockedKeys]:
    """What ``border-app keys init`` does: create the keystore with a first slot for the
    signed-in administrator, in one atomic write."""
    return Keystore.create(path, post_id=post_id, coordination=coordination, kdf=kdf,
                           first_slot=(slot_id, password))


def rotate_keystore(path: Path, keys: UnlockedKeys, *, coordination: bool = False) -> UnlockedKeys:
    """What ``border-app keys rotate`` does."""
    return Keystore.load(path).rotate(keys, coordination=coordination)


__all__ = [
    "FORMAT", "KdfParams", "Keystore", "PublicKeys", "UnlockedKeys", "export_public_qr", "init_keystore",
    "key_id", "rotate_keystore", "seal", "sealed_recipient", "verify",
]
