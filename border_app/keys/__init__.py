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

Modules, lowest level first (each imports only those above it):
``encoding`` (canonical base64 and JSON), ``primitives`` (key ids, Ed25519, X25519,
HKDF, sealing, over ``cryptography``), ``kdf`` (Argon2id, :class:`KdfParams`),
``public`` (:class:`PublicKeys`, export and QR), ``unlocked`` (:class:`UnlockedKeys`),
``keyfile`` (the document: validation, binding, encryption, slots) and ``keystore``
(:class:`Keystore`, the file itself). Import the names from this package.

Concurrency: every change re-reads the file before writing it, so two programs adding
slots one after the other do not undo each other (there is no lock for truly
simultaneous writes; the app has one writer at a time).
"""

from __future__ import annotations

from .kdf import KDF_MAX_MEMORY_KIB, KDF_MAX_PARALLELISM, KDF_MAX_TIME, KDF_MIN_MEMORY_KIB, KdfParams
from .keyfile import (CIPHER, FORMAT, MAC_ALGORITHM, MASTER_KEY_LEN, MAX_FILE_BYTES, MAX_SLOT_ID, NONCE_LEN,
                      SALT_LEN)
from .keystore import Keystore, init_keystore, rotate_keystore
from .primitives import (COORD_ENCRYPTION, COORD_SIGNING, POST_ENCRYPTION, POST_SIGNING, PURPOSES, SEAL_HEADER_LEN,
                         SEAL_INFO, SEAL_MAGIC, TAG_LEN, key_id, seal, sealed_recipient, verify)
from .public import MAX_POST_ID, MAX_QR_TEXT, PUBLIC_FORMAT, QR_PREFIX, PublicKeys, export_public_qr
from .unlocked import UnlockedKeys

__all__ = [
    "CIPHER", "COORD_ENCRYPTION", "COORD_SIGNING", "FORMAT", "KDF_MAX_MEMORY_KIB", "KDF_MAX_PARALLELISM",
    "KDF_MAX_TIME", "KDF_MIN_MEMORY_KIB", "MAC_ALGORITHM", "MASTER_KEY_LEN", "MAX_FILE_BYTES", "MAX_POST_ID",
    "MAX_QR_TEXT", "MAX_SLOT_ID", "NONCE_LEN", "POST_ENCRYPTION", "POST_SIGNING", "PUBLIC_FORMAT", "PURPOSES",
    "QR_PREFIX", "SALT_LEN", "SEAL_HEADER_LEN", "SEAL_INFO", "SEAL_MAGIC", "TAG_LEN", "KdfParams", "Keystore",
    "PublicKeys", "UnlockedKeys", "export_public_qr", "init_keystore", "key_id",
    "rotate_keystore", "seal", "sealed_recipient", "verify",
]
