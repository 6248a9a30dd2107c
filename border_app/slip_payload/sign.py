"""Signing a slip payload with the post's key: :func:`sign_slip` checks the payload (what
could not be read back is refused with a translated message), writes its body (version 2,
or version 1 for tests and old tools) and returns the QR text."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timezone
from typing import Any

from ..certificates.base45 import b45encode
from ..errors import InvalidInput
from ..i18n import _
from . import v1, v2
from .model import (KINDS, MAX_FIELD_CHARS, MAX_NAME_CHARS, MAX_POST_NAME_CHARS, PREFIX, PREFIX_V2, SEXES,
                    SIGNATURE_SIZE, VERSION, VERSION_2, SlipPayload, signing_context)


def _check(payload: SlipPayload) -> None:
    """Refuse payloads we would not be able to read back (translated messages)."""
    if payload.version == VERSION_2:
        if payload.post_name is not None and len(payload.post_name) > MAX_POST_NAME_CHARS:
            raise InvalidInput(_("A slip field is too long ({limit} characters at most).").format(
                limit=MAX_POST_NAME_CHARS))
        if payload.sex is not None and payload.sex not in SEXES:
            raise InvalidInput(_("{field}: this value is not allowed.").format(field="sex"))
        if payload.document_hash is not None and not re.fullmatch(r"[0-9a-f]{16}", payload.document_hash):
            raise InvalidInput(_("{field}: this value is not allowed.").format(field="document_hash"))
    elif payload.version != VERSION:
        raise InvalidInput(_("This slip code uses an unknown format version."))
    if payload.kind not in KINDS:
        raise InvalidInput(_("Unknown slip kind: {kind}").format(kind=payload.kind))
    if not payload.name or len(payload.name) > MAX_NAME_CHARS:
        raise InvalidInput(_("The name on a slip must have 1 to {limit} characters.").format(limit=MAX_NAME_CHARS))
    ids: list[tuple[str, str | None]] = [("post", payload.post_id), ("serial", payload.serial)]
    if payload.version == VERSION:
        ids.insert(0, ("record", payload.record_id))
    for label, value in ids:
        if not value or len(value) > MAX_FIELD_CHARS:
            raise InvalidInput(_("The slip field {field} is empty or too long.").format(field=label))
    for value in (payload.birth_date, payload.outcome, *(payload.document or ())):
        if value is not None and len(value) > MAX_FIELD_CHARS:
            raise InvalidInput(_("A slip field is too long ({limit} characters at most).")
                               .format(limit=MAX_FIELD_CHARS))
    if payload.issued_at.tzinfo is None:
        raise InvalidInput(_("The issue time of a slip must carry a time zone."))


def _body(payload: SlipPayload) -> bytes:
    try:
        key_id = bytes.fromhex(payload.key_id)
    except ValueError:
        key_id = b""
    if len(key_id) != 8:
        raise InvalidInput(_("The signing key id must be 16 hexadecimal characters."))
    return (v2 if payload.version == VERSION_2 else v1).body(payload, key_id)


def sign_slip(payload: SlipPayload, keys: Any, *, demo: bool = False) -> str:
    """Sign ``payload`` with the post's unlocked keys; return the QR text (``HHBM2:...``,
    or ``HHBM1:...`` for a version 1 payload, kept for tests and old tools).

    ``keys`` is a ``border_app.keys.UnlockedKeys`` (``sign(data) -> bytes``,
    ``signing_key_id`` and ``demo``); the payload's ``key_id`` is set from it, and its issue
    time is rounded down to the second (what the code carries). A version 2 slip is marked
    demo when the key is a demo key, or when ``demo`` is true (a demo slip signed with a
    demo profile's key that predates the mark); a demo key never signs an unmarked slip.
    """
    is_demo = bool(getattr(keys, "demo", False)) or bool(demo)
    payload = replace(
        payload,
        key_id=keys.signing_key_id,
        issued_at=payload.issued_at.astimezone(timezone.utc).replace(microsecond=0)
        if payload.issued_at.tzinfo else payload.issued_at,
        demo=is_demo if payload.version == VERSION_2 else False,
    )
    _check(payload)
    body = _body(payload)
    signature = bytes(keys.sign(signing_context(payload.version, payload.demo) + body))
    if len(signature) != SIGNATURE_SIZE:
        raise InvalidInput(_("The signing key returned a signature of an unexpected size."))
    prefix = PREFIX_V2 if payload.version == VERSION_2 else PREFIX
    return prefix + b45encode(body + signature)
