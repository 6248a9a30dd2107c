"""Version 1 of the slip body (``HHBM1:``): written only for tests and old tools, still read
and verified. The layout is in :mod:`border_app.slip_payload`."""

from __future__ import annotations

from datetime import datetime, timezone

import cbor2

from .fields import (fail, pack_birth_date, pack_doc_type, pack_id, pack_outcome, unpack_birth_date,
                     unpack_doc_type, unpack_id, unpack_outcome)
from .model import CONTEXT, KIND_NAMES, KINDS, MAX_FIELD_CHARS, MAX_NAME_CHARS, VERSION, SlipPayload

FIELD_COUNT = 12


def body(payload: SlipPayload, key_id: bytes) -> bytes:
    """The CBOR body of a checked version 1 payload (``key_id``: its 8 raw bytes)."""
    document = ([pack_doc_type(payload.document[0]), payload.document[1]]
                if payload.document is not None else None)
    return cbor2.dumps([
        VERSION,
        pack_id(payload.record_id),
        pack_id(payload.post_id),
        key_id,
        int(payload.issued_at.timestamp()),
        payload.name,
        pack_birth_date(payload.birth_date),
        document,
        KINDS[payload.kind],
        pack_outcome(payload.outcome),
        payload.serial,
        bool(payload.birth_date_approximate),
    ])


def decode(fields: list, body: bytes, signature: bytes,
           malformed: Exception) -> tuple[SlipPayload, bytes, bytes]:
    """(payload, signed bytes, signature) of a version 1 body's ``fields`` (of length
    :data:`FIELD_COUNT`, version checked); raises ``malformed`` for anything out of shape."""
    try:
        (_v, record_id, post_id, key_id, issued, name, birth_date, document, kind,
         outcome, serial, approximate) = fields
        if not (isinstance(key_id, bytes) and len(key_id) == 8):
            raise ValueError("key id")
        if type(issued) is not int or not 0 <= issued < 2**40:
            raise ValueError("time")
        if not isinstance(name, str) or not 0 < len(name) <= MAX_NAME_CHARS:
            raise ValueError("name")
        if document is not None:
            if not (isinstance(document, list) and len(document) == 2
                    and all(isinstance(x, str) and len(x) <= MAX_FIELD_CHARS for x in document)):
                raise ValueError("document")
            document = (unpack_doc_type(document[0]), document[1])
        if type(kind) is not int or kind not in KIND_NAMES:
            raise ValueError("kind")
        if type(approximate) is not bool:
            raise ValueError("flag")
        payload = SlipPayload(
            record_id=unpack_id(record_id),
            post_id=unpack_id(post_id),
            key_id=key_id.hex(),
            issued_at=datetime.fromtimestamp(issued, timezone.utc),
            name=name,
            birth_date=unpack_birth_date(birth_date),
            document=document,
            kind=KIND_NAMES[kind],
            outcome=unpack_outcome(outcome),
            serial=unpack_id(serial) if isinstance(serial, str) else fail("serial"),
            birth_date_approximate=approximate,
            version=VERSION,
        )
    except (ValueError, OverflowError, OSError):
        raise malformed from None
    return payload, CONTEXT + body, signature


