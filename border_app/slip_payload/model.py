"""What a slip's QR code asserts (:class:`SlipPayload`), the wire format's constants, the
document fingerprint a version 2 slip carries, key ids and the signing contexts.

The wire format itself is described in :mod:`border_app.slip_payload`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from .. import clock
from ..errors import InvalidInput

PREFIX = "HHBM1:"
VERSION = 1
CONTEXT = b"HHBM-slip\x00"
PREFIX_V2 = "HHBM2:"
VERSION_2 = 2
CONTEXT_V2 = b"HHBM-slip/2\x00"
CONTEXT_V2_DEMO = b"HHBM-slip/2 DEMO\x00"
DOC_HASH_TAG = b"HHBM-doc/1\x00"
DOC_HASH_SIZE = 8
PREFIXES = (PREFIX, PREFIX_V2)
MAX_POST_NAME_CHARS = 80
SEXES = ("M", "F", "X")
SIGNATURE_SIZE = 64
KINDS = {"registration": 1, "screening": 2}
KIND_NAMES = {v: k for k, v in KINDS.items()}
MAX_TEXT_CHARS = 2000          # far above any slip we print; bounds hostile input
MAX_NAME_CHARS = 200
MAX_FIELD_CHARS = 64


class SlipFormatError(InvalidInput):
    """The text is not a readable HHBM slip payload (the message says why)."""


@dataclass(frozen=True)
class SlipPayload:
    """What the slip's QR code asserts, signed by the issuing post."""

    record_id: str | None          # None on a test slip (no record)
    post_id: str
    key_id: str                    # hex, 16 characters (8 bytes)
    issued_at: datetime            # aware, UTC, whole seconds
    name: str
    birth_date: str | None         # partial ISO: "1985", "1985-03", "1985-03-12"
    document: tuple[str, str] | None   # (document type, number); None: identity declared
    kind: str                      # "registration" | "screening"
    outcome: str | None            # screening outcome code; None for registrations
    serial: str
    birth_date_approximate: bool = False
    # version 2 ----------------------------------------------------------------
    version: int = VERSION_2
    demo: bool = False             # signed by a demo post's key (set by sign_slip)
    post_name: str | None = None
    sex: str | None = None         # "M", "F", "X" or None
    document_hash: str | None = None   # hex, 16 characters; None: identity declared

    @property
    def identity_declared(self) -> bool:
        if self.version >= VERSION_2:
            return self.document_hash is None
        return self.document is None


def normalise_number(number: str) -> str:
    """A document number as the fingerprint and the comparison see it: upper case, without
    spaces, tabs, ``<`` or ``-``."""
    return "".join(ch for ch in str(number).upper() if ch not in " <-\t")


def document_hash(issuing_state: str | None, number: str) -> str:
    """The hex fingerprint of a document that a version 2 slip carries instead of its
    number (see the package docstring). Compare it with the one on a slip to check that
    the slip belongs to the document shown."""
    state = (issuing_state or "").strip().upper()
    data = DOC_HASH_TAG + state.encode("utf-8") + b"\x00" + normalise_number(number).encode("utf-8")
    return hashlib.sha256(data).digest()[:DOC_HASH_SIZE].hex()


def key_id_for(public_key: bytes) -> str:
    """The key id of a raw Ed25519 public key: hex of the first 8 bytes of its SHA-256."""
    return hashlib.sha256(public_key).digest()[:8].hex()


def signing_context(version: int, demo: bool) -> bytes:
    """The bytes signed before the body (domain separation; version 2 tells demo slips)."""
    if version == VERSION:
        return CONTEXT
    return CONTEXT_V2_DEMO if demo else CONTEXT_V2


def new_payload(*, record_id: str | None = None, post_id: str, name: str, birth_date: str | None,
                document: tuple[str, str] | None = None, kind: str, outcome: str | None, serial: str,
                issued_at: datetime | None = None, birth_date_approximate: bool = False,
                version: int = VERSION_2, post_name: str | None = None, sex: str | None = None,
                issuing_state: str | None = None) -> SlipPayload:
    """Convenience constructor; ``key_id`` (and the demo mark) are filled in by
    :func:`~border_app.slip_payload.sign_slip`. Version 2 (the default) keeps of ``document``
    only its fingerprint (:func:`document_hash` with ``issuing_state``) and drops ``record_id``."""
    doc_hash = None
    if version == VERSION_2:
        if document is not None and document[1]:
            doc_hash = document_hash(issuing_state, document[1])
        document, record_id = None, None
        if post_name is not None:
            post_name = post_name.strip()[:MAX_POST_NAME_CHARS] or None
    return SlipPayload(
        record_id=record_id, post_id=post_id, key_id="0" * 16,
        issued_at=(issued_at or clock.utcnow()).replace(microsecond=0),
        name=name, birth_date=birth_date, document=document, kind=kind,
        outcome=outcome if kind == "screening" else None, serial=serial,
        birth_date_approximate=birth_date_approximate, version=version,
        post_name=post_name if version == VERSION_2 else None,
        sex=(sex if sex in SEXES else None) if version == VERSION_2 else None, document_hash=doc_hash,
    )
