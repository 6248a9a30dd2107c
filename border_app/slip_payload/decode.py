"""Reading a scanned slip code: the prefix, Base45, the CBOR body and its fields, to
(payload, signed bytes, signature). Nothing is verified here: see
:func:`~border_app.slip_payload.verify_slip_text`."""

from __future__ import annotations

import io

import cbor2

from ..certificates.base45 import b45decode
from ..i18n import _
from . import v1, v2
from .model import (MAX_TEXT_CHARS, PREFIX, PREFIX_V2, PREFIXES, SIGNATURE_SIZE, VERSION, VERSION_2, SlipFormatError,
                    SlipPayload)


def decode_slip_bytes(data: bytes) -> tuple[SlipPayload, bytes, bytes]:
    """Split and parse ``body || signature``; returns (payload, signed bytes, signature)."""
    malformed = SlipFormatError(_("This slip code is damaged or not a slip code (unreadable content)."))
    if len(data) <= SIGNATURE_SIZE + 8:
        raise malformed
    body, signature = data[:-SIGNATURE_SIZE], data[-SIGNATURE_SIZE:]
    stream = io.BytesIO(body)
    try:
        fields = cbor2.CBORDecoder(stream).decode()
    except Exception:  # cbor2 raises several types on garbage
        raise malformed from None
    if stream.tell() != len(body) or not isinstance(fields, list):
        raise malformed
    if fields and fields[0] == VERSION_2 and type(fields[0]) is int:
        return v2.decode(fields, body, signature, malformed)
    if len(fields) != v1.FIELD_COUNT:
        raise malformed
    if fields[0] != VERSION or type(fields[0]) is not int:
        raise SlipFormatError(_("This slip code uses an unknown format version."))
    return v1.decode(fields, body, signature, malformed)


def decode_slip_text(text: str) -> tuple[SlipPayload, bytes, bytes]:
    """Parse a scanned ``HHBM2:`` (or ``HHBM1:``) text: (payload, signed bytes, signature).

    Raises :class:`SlipFormatError` (translated, exit code 2) for anything malformed.
    Nothing is verified here: see :func:`~border_app.slip_payload.verify_slip_text`.
    """
    if not isinstance(text, str):
        raise SlipFormatError(_("This slip code is damaged or not a slip code (unreadable content)."))
    text = text.strip()
    if len(text) > MAX_TEXT_CHARS:
        raise SlipFormatError(_("This code is too long to be a slip code."))
    if not text.startswith(PREFIXES):
        raise SlipFormatError(_("This is not an HHBM slip code (it must start with {prefix}).")
                              .format(prefix=PREFIX_V2))
    try:
        data = b45decode(text[len(PREFIX):])
    except ValueError:
        raise SlipFormatError(_("This slip code is damaged (invalid characters).")) from None
    decoded = decode_slip_bytes(data)
    if decoded[0].version != (VERSION_2 if text.startswith(PREFIX_V2) else VERSION):
        raise SlipFormatError(_("This slip code uses an unknown format version."))
    return decoded
