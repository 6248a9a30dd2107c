"""Encryption of a bundle to the coordination's X25519 key, in chunks (the STREAM
construction of the ``age`` file format, over vetted primitives only).

A random 32-byte file key is sealed with :func:`border_app.keys.seal` (ephemeral X25519,
HKDF-SHA256, ChaCha20-Poly1305) to the coordination's key; the payload is cut into
``CHUNK``-byte chunks, each encrypted with ChaCha20-Poly1305 under the file key with the
nonce ``chunk index (11 bytes, big-endian) | final flag (1 byte)`` and the file's header
as associated data. Reordered, dropped, repeated or truncated chunks fail to decrypt;
memory stays bounded (one chunk at a time).

Outer layout (see docs/bundles.md)::

    MAGIC (14)  "HHBM-BUNDLE/1\\n"
    u64 BE      payload length (plaintext bytes)
    u32 BE      chunk size
    sealed file key (92)   = b"HHS\\x01" | recipient key id (8) | ephemeral public (32) | ct (32+16)
    chunks      ceil(len/chunk) or 1 chunks, each ciphertext + 16-byte tag; all full but the last
"""

from __future__ import annotations

import secrets
import struct
from typing import BinaryIO, Iterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from ..keys.primitives import SEAL_HEADER_LEN, TAG_LEN, open_sealed_with, seal
from ..errors import KeyStoreError
from .errors import BundleError

MAGIC = b"HHBM-BUNDLE/1\n"
MAGIC_PREFIX = b"HHBM-BUNDLE/"
CHUNK = 1 << 20
MIN_CHUNK, MAX_CHUNK = 1 << 12, 1 << 24
_LENGTHS = struct.Struct(">QI")
SEALED_KEY_LEN = SEAL_HEADER_LEN + 32 + TAG_LEN          # 92
PREFIX_LEN = len(MAGIC) + _LENGTHS.size                   # 26
HEADER_LEN = PREFIX_LEN + SEALED_KEY_LEN                  # 118
RECIPIENT_OFFSET = PREFIX_LEN + 4                         # the seal's key id


def chunk_count(payload_len: int, chunk: int) -> int:
    """Number of chunks: every chunk but the last is full; an exact multiple gets an empty last chunk."""
    return payload_len // chunk + 1


def encrypted_size(payload_len: int, chunk: int = CHUNK) -> int:
    """The whole file's size for a payload of ``payload_len`` bytes."""
    return HEADER_LEN + payload_len + chunk_count(payload_len, chunk) * TAG_LEN


def _nonce(index: int, final: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


def encrypt(payload: bytes, recipient_public: bytes, chunk: int = CHUNK) -> bytes:
    """The whole encrypted file for ``payload``."""
    view = memoryview(payload)
    prefix = MAGIC + _LENGTHS.pack(len(view), chunk)
    file_key = secrets.token_bytes(32)
    header = prefix + seal(recipient_public, file_key, aad=prefix)
    assert len(header) == HEADER_LEN
    aead = ChaCha20Poly1305(file_key)
    n = chunk_count(len(view), chunk)
    out = [header]
    for i in range(n):
        out.append(aead.encrypt(_nonce(i, i == n - 1), bytes(view[i * chunk:(i + 1) * chunk]), header))
    return b"".join(out)


class Header:
    """The outer header, read without any key."""

    def __init__(self, raw: bytes):
        self.raw = raw
        self.payload_len, self.chunk = _LENGTHS.unpack(raw[len(MAGIC):PREFIX_LEN])
        self.sealed_key = raw[PREFIX_LEN:HEADER_LEN]
        self.recipient = raw[RECIPIENT_OFFSET:RECIPIENT_OFFSET + 8].hex()

    @property
    def file_size(self) -> int:
        return encrypted_size(self.payload_len, self.chunk)


def read_header(fh: BinaryIO, size: int, max_bytes: int) -> Header:
    """Check the outer framing of a file of ``size`` bytes: magic, lengths, sizes."""
    if size > max_bytes:
        raise BundleError("too_large", detail=f"{size} > {max_bytes}")
    head = fh.read(HEADER_LEN)
    if len(head) < len(MAGIC) or not head.startswith(MAGIC):
        if len(head) < len(MAGIC) and head and MAGIC.startswith(head):
            raise BundleError("truncated", detail="inside the magic")
        if head.startswith(MAGIC_PREFIX):
            raise BundleError("wrong_format", detail="outer version")
        raise BundleError("not_a_bundle", detail="magic")
    if len(head) < HEADER_LEN:
        raise BundleError("truncated", detail="inside the header")
    header = Header(head)
    if not MIN_CHUNK <= header.chunk <= MAX_CHUNK or header.sealed_key[:4] != b"HHS\x01":
        raise BundleError("not_a_bundle", detail="header fields")
    if header.payload_len > max_bytes:
        raise BundleError("too_large", detail="payload length")
    if size < header.file_size:
        raise BundleError("truncated", detail=f"{size} < {header.file_size}")
    if size > header.file_size:
        raise BundleError("not_a_bundle", detail="trailing bytes")
    return header


def open_file_key(header: Header, private_key) -> bytes:
    try:
        return open_sealed_with(private_key, header.sealed_key, header.raw[:PREFIX_LEN])
    except KeyStoreError as exc:
        raise BundleError("decrypt_failed", detail="file key") from exc


def decrypt_chunks(fh: BinaryIO, header: Header, file_key: bytes) -> Iterator[bytes]:
    """Yield the payload chunk by chunk (the file positioned after the header)."""
    aead = ChaCha20Poly1305(file_key)
    n = chunk_count(header.payload_len, header.chunk)
    remaining = header.payload_len
    for i in range(n):
        want = min(header.chunk, remaining)
        data = fh.read(want + TAG_LEN)
        if len(data) != want + TAG_LEN:
            raise BundleError("truncated", detail=f"chunk {i}")
        try:
            plain = aead.decrypt(_nonce(i, i == n - 1), data, header.raw)
        except InvalidTag as exc:
            raise BundleError("decrypt_failed", detail=f"chunk {i}") from exc
        remaining -= len(plain)
        yield plain
