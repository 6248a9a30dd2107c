"""The cryptographic primitives of the keys, thin wrappers over ``cryptography``: key ids,
Ed25519 signatures, X25519 key pairs, HKDF-SHA256 and sealing (anonymous encryption to a
post's X25519 key).

Sealed data (:func:`seal`): ``b"HHS\\x01"`` | recipient key id (8 bytes) | ephemeral
X25519 public key (32) | ChaCha20-Poly1305 ciphertext and tag. Key and nonce come from
HKDF-SHA256(shared secret, salt = ephemeral public | recipient public,
info = ``b"hhbm-seal/1"``, 44 bytes); the associated data is the 44-byte header followed
by the caller's ``aad``.

Key ids: lowercase hex of the first 8 bytes of SHA-256 of the raw public key.
"""

from __future__ import annotations

import hashlib
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from ..errors import KeyStoreError
from ..i18n import _

SEAL_MAGIC = b"HHS\x01"
SEAL_INFO = b"hhbm-seal/1"
SEAL_HEADER_LEN = len(SEAL_MAGIC) + 8 + 32
TAG_LEN = 16

POST_SIGNING = "post_signing"
POST_ENCRYPTION = "post_encryption"
COORD_SIGNING = "coordination_signing"
COORD_ENCRYPTION = "coordination_encryption"
PURPOSES = {POST_SIGNING: "Ed25519", POST_ENCRYPTION: "X25519",
            COORD_SIGNING: "Ed25519", COORD_ENCRYPTION: "X25519"}


def hkdf(secret: bytes, info: bytes, length: int = 32, salt: bytes | None = None) -> bytes:
    """HKDF-SHA256 of ``secret``."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(secret)


def key_id(public_key: bytes) -> str:
    """Lowercase hex of the first 8 bytes of SHA-256 of the raw public key."""
    return hashlib.sha256(bytes(public_key)).digest()[:8].hex()


def verify(public_key: bytes, data: bytes, signature: bytes) -> bool:
    """Check an Ed25519 ``signature`` of ``data``; ``False`` on any failure."""
    try:
        if len(public_key) != 32 or len(signature) != 64:
            return False
        Ed25519PublicKey.from_public_bytes(bytes(public_key)).verify(bytes(signature), bytes(data))
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False


def generate(purpose: str) -> Any:
    """A fresh private key of the algorithm of ``purpose`` (see :data:`PURPOSES`)."""
    return (Ed25519PrivateKey if PURPOSES[purpose] == "Ed25519" else X25519PrivateKey).generate()


def raw_public(private_key: Any) -> bytes:
    """The raw 32 bytes of the public half of ``private_key``."""
    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def raw_private(private_key: Any) -> bytes:
    """The raw 32 bytes of ``private_key`` (to be encrypted at once)."""
    return private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def private_from_raw(purpose: str, raw: bytes) -> Any:
    """The private key of ``purpose``'s algorithm from its raw bytes."""
    cls = Ed25519PrivateKey if PURPOSES[purpose] == "Ed25519" else X25519PrivateKey
    return cls.from_private_bytes(raw)


def seal(recipient_public_key: bytes, plaintext: bytes, *, aad: bytes = b"") -> bytes:
    """Encrypt ``plaintext`` so that only the holder of the X25519 private key matching
    ``recipient_public_key`` can read it (ephemeral X25519, HKDF-SHA256,
    ChaCha20-Poly1305; format in the module docstring)."""
    recipient_public_key = bytes(recipient_public_key)
    if len(recipient_public_key) != 32:
        raise ValueError("an X25519 public key is 32 bytes")
    ephemeral = X25519PrivateKey.generate()
    eph_pub = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    try:
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public_key))
    except ValueError as exc:  # low-order point: not a usable key
        raise ValueError("unusable X25519 public key") from exc
    okm = hkdf(shared, SEAL_INFO, 44, salt=eph_pub + recipient_public_key)
    header = SEAL_MAGIC + bytes.fromhex(key_id(recipient_public_key)) + eph_pub
    return header + ChaCha20Poly1305(okm[:32]).encrypt(okm[32:], bytes(plaintext), header + bytes(aad))


def sealed_recipient(blob: bytes) -> str | None:
    """The key id a sealed blob is addressed to, or ``None`` if it is not sealed data."""
    if len(blob) < SEAL_HEADER_LEN + TAG_LEN or bytes(blob[:4]) != SEAL_MAGIC:
        return None
    return bytes(blob[4:12]).hex()


def open_sealed_with(private_key: Any, blob: bytes, aad: bytes) -> bytes:
    """Decrypt a :func:`seal` blob with the X25519 ``private_key``; :func:`sealed_error` if it fails."""
    blob = bytes(blob)
    header, body = blob[:SEAL_HEADER_LEN], blob[SEAL_HEADER_LEN:]
    eph_pub = header[12:]
    own_pub = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    try:
        shared = private_key.exchange(X25519PublicKey.from_public_bytes(eph_pub))
        okm = hkdf(shared, SEAL_INFO, 44, salt=eph_pub + own_pub)
        return ChaCha20Poly1305(okm[:32]).decrypt(okm[32:], body, header + bytes(aad))
    except (InvalidTag, ValueError) as exc:
        raise sealed_error() from exc


def sealed_error() -> KeyStoreError:
    return KeyStoreError(_("The sealed data could not be opened: it is damaged, or it was sealed for another key."))
