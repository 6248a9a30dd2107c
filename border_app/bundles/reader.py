"""Opening a bundle (:func:`open_bundle`) in bounded time and memory, and reading its
records (:meth:`OpenedBundle.records`). What the reader does NOT decide (revoked or
unknown posts, replays, demo against a real database, already imported) is the
coordination importer's business."""

from __future__ import annotations

import hashlib
import io
import os
import struct
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Callable, Collection, Iterator

from ..keys.primitives import verify
from .errors import BundleError
from .manifest import MAX_MANIFEST_BYTES, Manifest
from .records import decode_record
from .sealing import HEADER_LEN, RECIPIENT_OFFSET, MAGIC, decrypt_chunks, open_file_key, read_header
from .whitelist import COUNT_KEYS, ENTITIES
from .writer import SIGNATURE_LEN

DEFAULT_MAX_BYTES = 512 * 1024 * 1024
#: decrypted payloads larger than this are spooled to a temporary file, not kept in memory
SPOOL_MEMORY = 32 * 1024 * 1024
_BLOCK = 1 << 16
_U32 = struct.Struct(">I")

Source = "bytes | bytearray | memoryview | str | os.PathLike | BinaryIO"


def _open_source(source) -> tuple[BinaryIO, int, bool]:
    """(file object, size, whether we opened it)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(source)), len(source), True
    if isinstance(source, (str, os.PathLike)):
        try:
            fh = open(Path(source), "rb")
        except IsADirectoryError as exc:
            raise BundleError("not_a_bundle", detail="a directory") from exc
        except OSError as exc:
            raise BundleError("not_a_bundle", detail=f"cannot read: {exc.strerror}") from exc
        return fh, os.fstat(fh.fileno()).st_size, True
    pos = source.tell()
    source.seek(0, os.SEEK_END)
    size = source.tell() - pos
    source.seek(pos)
    return source, size, False


def peek_recipient(source) -> str | None:
    """The coordination key id the bundle is sealed to, or ``None`` (not a bundle). No decryption."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        head = bytes(source[:HEADER_LEN])
    else:
        try:
            fh, _size, own = _open_source(source)
        except BundleError:
            return None
        try:
            head = fh.read(HEADER_LEN)
        finally:
            if own:
                fh.close()
    if len(head) < HEADER_LEN or not head.startswith(MAGIC):
        return None
    return head[RECIPIENT_OFFSET:RECIPIENT_OFFSET + 8].hex()


@dataclass
class OpenedBundle:
    manifest: Manifest
    signed_by: str                                  # key id that verified the manifest
    _payload: Any = field(default=None, repr=False)   # the decrypted payload (spooled)
    # entity -> (offset, compressed length)
    _offsets: dict[str, tuple[int, int]] = field(default_factory=dict, repr=False)

    def records(self, entity: str) -> Iterator[dict]:
        """The decoded records of one part, in order, each checked against the whitelist."""
        if entity not in ENTITIES:
            raise KeyError(entity)
        expected = self.manifest.parts[entity]["records"]
        n = 0
        for line in _lines(self._payload, *self._offsets[entity], self.manifest.parts[entity]["bytes"]):
            n += 1
            if n > expected:
                raise BundleError("count_mismatch", detail=entity)
            yield decode_record(entity, line)
        if n != expected:
            raise BundleError("count_mismatch", detail=entity)

    def close(self) -> None:
        if self._payload is not None:
            self._payload.close()
            self._payload = None

    def __enter__(self) -> "OpenedBundle":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _decompressed(payload, offset: int, length: int, limit: int) -> Iterator[bytes]:
    """The part's bytes, decompressed block by block; never more than ``limit`` + 1 bytes."""
    d = zlib.decompressobj()
    payload.seek(offset)
    left = length
    produced = 0
    try:
        while left > 0 or d.unconsumed_tail:
            if d.unconsumed_tail:
                data = d.unconsumed_tail
            else:
                data = payload.read(min(_BLOCK, left))
                if not data:
                    raise BundleError("not_a_bundle", detail="payload ends inside a part")
                left -= len(data)
            out = d.decompress(data, max(1, limit + 1 - produced))
            produced += len(out)
            if produced > limit:
                raise BundleError("hash_mismatch", detail="part larger than declared")
            if out:
                yield out
            if d.eof and (left > 0 or d.unused_data):
                raise BundleError("hash_mismatch", detail="data after a part's end")
        if not d.eof:
            raise BundleError("hash_mismatch", detail="part ends early")
    except zlib.error as exc:
        raise BundleError("hash_mismatch", detail="part does not decompress") from exc


def _lines(payload, offset: int, length: int, limit: int) -> Iterator[bytes]:
    rest = b""
    for block in _decompressed(payload, offset, length, limit):
        pieces = (rest + block).split(b"\n")
        rest = pieces.pop()
        yield from pieces
    if rest:
        raise BundleError("bad_record", detail="last line without end")


def _lookup(post_signing_keys, kid: str) -> bytes | None:
    if callable(post_signing_keys):
        return post_signing_keys(kid)
    return post_signing_keys.get(kid)


def open_bundle(blob, *, coordination_private_keys: dict[str, object],
                post_signing_keys: "Callable[[str], bytes | None] | dict[str, bytes]",
                max_bytes: int = DEFAULT_MAX_BYTES, accepted_schemas: Collection[str] | None = None) -> OpenedBundle:
    """Open, decrypt and verify a bundle given as bytes, a path or a binary file.

    In order: size limit (a path is not read beyond it), outer framing, recipient key
    (``foreign_key``), decryption chunk by chunk (``decrypt_failed``/``truncated``), inner
    framing, the manifest's signature by one of ``post_signing_keys`` (``unknown_key``,
    ``bad_signature``), the schema if ``accepted_schemas`` is given (``wrong_schema``), each
    part's SHA-256, size and record count (``hash_mismatch``/``count_mismatch``), with bounded
    decompression. :class:`BundleError` otherwise. Close the result (or use ``with``)."""
    fh, size, own = _open_source(blob)
    spool = None
    try:
        header = read_header(fh, size, max_bytes)
        private = coordination_private_keys.get(header.recipient)
        if private is None:
            raise BundleError("foreign_key", detail=header.recipient)
        file_key = open_file_key(header, private)
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)
        for chunk in decrypt_chunks(fh, header, file_key):
            spool.write(chunk)
        opened = _verify_payload(spool, header.payload_len, post_signing_keys, accepted_schemas)
        spool = None
        return opened
    finally:
        if spool is not None:
            spool.close()
        if own:
            fh.close()


def _verify_payload(spool, payload_len: int, post_signing_keys, accepted_schemas) -> OpenedBundle:
    spool.seek(0)
    raw = spool.read(4)
    if len(raw) != 4:
        raise BundleError("not_a_bundle", detail="payload too short")
    (mlen,) = _U32.unpack(raw)
    if mlen > MAX_MANIFEST_BYTES or 4 + mlen + SIGNATURE_LEN > payload_len:
        raise BundleError("not_a_bundle", detail="manifest length")
    mbytes = spool.read(mlen)
    signature = spool.read(SIGNATURE_LEN)
    manifest = Manifest.from_json_bytes(mbytes)
    if manifest.to_json_bytes() != mbytes:
        raise BundleError("not_a_bundle", detail="manifest not canonical")
    public = _lookup(post_signing_keys, manifest.signing_key_id)
    if public is None:
        raise BundleError("unknown_key", detail=manifest.signing_key_id)
    if not verify(public, manifest.signed_message(), signature):
        raise BundleError("bad_signature")
    if accepted_schemas is not None and manifest.schema_version not in accepted_schemas:
        raise BundleError("wrong_schema", detail=manifest.schema_version)
    offsets = {}
    pos = 4 + mlen + SIGNATURE_LEN
    for entity in ENTITIES:
        part = manifest.parts[entity]
        offsets[entity] = (pos, part["compressed"])
        pos += part["compressed"]
    if pos != payload_len:
        raise BundleError("hash_mismatch", detail="parts do not fill the payload")
    for key in COUNT_KEYS:
        if manifest.counts[key] != manifest.parts[key]["records"]:
            raise BundleError("count_mismatch", detail=key)
    if manifest.parts["health"]["records"] > manifest.parts["screenings"]["records"]:
        raise BundleError("count_mismatch", detail="health")
    for entity in ENTITIES:
        part = manifest.parts[entity]
        sha = hashlib.sha256()
        size = lines = 0
        last = b"\n"
        for block in _decompressed(spool, *offsets[entity], part["bytes"]):
            sha.update(block)
            size += len(block)
            lines += block.count(b"\n")
            last = block[-1:]
        if size != part["bytes"] or sha.hexdigest() != part["sha256"]:
            raise BundleError("hash_mismatch", detail=entity)
        if lines != part["records"] or last != b"\n":
            raise BundleError("count_mismatch", detail=entity)
    return OpenedBundle(manifest=manifest, signed_by=manifest.signing_key_id, _payload=spool, _offsets=offsets)


def check_written(source, *, expected_sha256: str, expected_size: int, recipient_key_id: str) -> None:
    """What the post can check of a bundle it wrote (it cannot open the sealed part): the
    outer framing and sizes, the recipient, and the file's SHA-256 as written.
    :class:`BundleError` if anything differs."""
    fh, size, own = _open_source(source)
    try:
        if size != expected_size:
            raise BundleError("truncated", detail=f"{size} != {expected_size}")
        header = read_header(fh, size, max(size, 1))
        if header.recipient != recipient_key_id:
            raise BundleError("foreign_key")
        fh.seek(0)
        sha = hashlib.sha256()
        while True:
            block = fh.read(1 << 20)
            if not block:
                break
            sha.update(block)
        if sha.hexdigest() != expected_sha256:
            raise BundleError("hash_mismatch", detail="file")
    finally:
        if own:
            fh.close()
