"""Version 2 of the slip body (``HHBM2:``), what the app prints: no record id and no
document number (a fingerprint instead), the post's name, the traveller's sex and the demo
mark, bound to the signing context. The layout is in :mod:`border_app.slip_payload`."""

from __future__ import annotations

from datetime import datetime, timezone

import cbor2

from .fields import opt_text, pack_birth_date, pack_id, pack_outcome, unpack_birth_date, unpack_id, unpack_outcome
from .model import (DOC_HASH_SIZE, KIND_NAMES, KINDS, MAX_FIELD_CHARS, MAX_NAME_CHARS, MAX_POST_NAME_CHARS, SEXES,
                    VERSION_2, SlipPayload, signing_context)

FIELD_COUNT = 14


def body(payload: SlipPayload, key_id: bytes) -> bytes:
    """The CBOR body of a checked version 2 payload (``key_id``: its 8 raw bytes)."""
    return cbor2.dumps([
        VERSION_2,
        bool(payload.demo),
        pack_id(payload.post_id),
        payload.post_name,
        key_id,
        int(payload.issued_at.timestamp()),
        KINDS[payload.kind],
        pack_outcome(payload.outcome),
        payload.name,
        pack_birth_date(payload.birth_date),
        bool(payload.birth_date_approximate),
        payload.sex,
        bytes.fromhex(payload.document_hash) if payload.document_hash is not None else None,
        payload.serial,
    ])


def decode(fields: list, body: bytes, signature: bytes,
           malformed: Exception) -> tuple[SlipPayload, bytes, bytes]:
    """(payload, signed bytes, signature) of a version 2 body's ``fields`` (version
    checked); raises ``malformed`` for anything out of shape."""
    if len(fields) != FIELD_COUNT:
        raise malformed
    try:
        (_v, demo, post_id, post_name, key_id, issued, kind, outcome, name, birth_date, approximate,
         sex, doc_hash, serial) = fields
        if type(demo) is not bool or type(approximate) is not bool:
            raise ValueError("flag")
        if not (isinstance(key_id, bytes) and len(key_id) == 8):
            raise ValueError("key id")
        if type(issued) is not int or not 0 <= issued < 2**40:
            raise ValueError("time")
        if type(kind) is not int or kind not in KIND_NAMES:
            raise ValueError("kind")
        if not isinstance(name, str) or not 0 < len(name) <= MAX_NAME_CHARS:
            raise ValueError("name")
        if sex is not None and sex not in SEXES:
            raise ValueError("sex")
        if doc_hash is not None and not (isinstance(doc_hash, bytes) and len(doc_hash) == DOC_HASH_SIZE):
            raise ValueError("document hash")
        if not isinstance(serial, str) or not 0 < len(serial) <= MAX_FIELD_CHARS:
            raise ValueError("serial")
        payload = SlipPayload(
            record_id=None,
            post_id=unpack_id(post_id),
            key_id=key_id.hex(),
            issued_at=datetime.fromtimestamp(issued, timezone.utc),
            name=name,
            birth_date=unpack_birth_date(birth_date),
            document=None,
            kind=KIND_NAMES[kind],
            outcome=unpack_outcome(outcome),
            serial=serial,
            birth_date_approximate=approximate,
            version=VERSION_2,
            demo=demo,
            post_name=opt_text(post_name, MAX_POST_NAME_CHARS),
            sex=sex,
            document_hash=doc_hash.hex() if doc_hash is not None else None,
        )
    except (ValueError, OverflowError, OSError):
        raise malformed from None
    return payload, signing_context(VERSION_2, demo) + body, signature
