"""Bounds for hostile payloads: every decoding stage is capped before it allocates.

A QR code holds at most ~4.3 kB of alphanumeric text, so the limits below are generous for
genuine certificates and tight enough that a crafted code (zlib bomb, deeply nested CBOR,
CBOR array announcing 2**32 items, a huge JWS pasted in the scan field) is refused fast and
with bounded memory.
"""

from __future__ import annotations

import zlib

from border_app.i18n import _

MAX_TEXT = 16 * 1024  # characters of a payload given to interpret()
MAX_BASE45 = 12 * 1024  # characters of Base45 after the prefix
MAX_INFLATED = 64 * 1024  # bytes after zlib / raw DEFLATE
MAX_CBOR_DEPTH = 16  # nesting of arrays / maps / tags
MAX_CBOR_ITEMS = 20_000  # data items in one CBOR document
MAX_JWS = 16 * 1024  # characters of a compact JWS
MAX_JSON_DEPTH = 32


class PayloadError(ValueError):
    """A payload could not be decoded; ``message`` is translated and shown as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def inflate(data: bytes, *, raw: bool = False, limit: int = MAX_INFLATED) -> bytes:
    """zlib (``raw=False``) or raw DEFLATE (``raw=True``) with an output cap."""
    decomp = zlib.decompressobj(-15 if raw else 15)
    try:
        out = decomp.decompress(data, limit + 1)
    except zlib.error as exc:
        raise PayloadError(_("The compressed data is corrupted ({detail}).").format(detail=str(exc))) from None
    if len(out) > limit or decomp.unconsumed_tail:
        raise PayloadError(
            _("The payload expands to more than {limit} kB: refused as hostile.").format(limit=limit // 1024)
        )
    if not decomp.eof:
        raise PayloadError(_("The compressed data is truncated."))
    return out


def check_cbor(data: bytes, *, max_depth: int = MAX_CBOR_DEPTH, max_items: int = MAX_CBOR_ITEMS) -> None:
    """Walk CBOR headers iteratively (no recursion, no allocation) and refuse hostile shapes.

    Checks well-formedness of the framing, nesting depth, the number of items, and that
    every announced length fits in the remaining bytes. Raises :class:`PayloadError`.
    """
    n = len(data)
    pos = 0
    items = 0
    stack: list[int | None] = [1]  # remaining items per open container; None = indefinite
    while stack:
        top = stack[-1]
        if top == 0:
            stack.pop()
            continue
        if pos >= n:
            raise PayloadError(_("The CBOR data is truncated."))
        ib = data[pos]
        pos += 1
        if top is None and ib == 0xFF:
            stack.pop()
            continue
        if top is not None:
            stack[-1] = top - 1
        items += 1
        if items > max_items:
            raise PayloadError(_("The CBOR data holds too many items: refused as hostile."))
        major, info = ib >> 5, ib & 0x1F
        if info < 24:
            value = info
        elif info <= 27:
            size = 1 << (info - 24)
            if pos + size > n:
                raise PayloadError(_("The CBOR data is truncated."))
            value = int.from_bytes(data[pos : pos + size], "big")
            pos += size
        elif info == 31:
            value = None
            if major in (0, 1, 6) or (major == 7):
                raise PayloadError(_("The CBOR data is not well-formed."))
        else:
            raise PayloadError(_("The CBOR data is not well-formed."))
        if major in (2, 3):
            if value is None:
                stack.append(None)
            else:
                if value > n - pos:
                    raise PayloadError(_("The CBOR data is truncated."))
                pos += value
        elif major in (4, 5):
            if value is None:
                stack.append(None)
            else:
                count = value * (2 if major == 5 else 1)
                if count > n - pos:
                    raise PayloadError(_("The CBOR data is truncated."))
                stack.append(count)
        elif major == 6:
            stack.append(1)
        if len(stack) > max_depth + 1:
            raise PayloadError(_("The CBOR data is nested too deeply: refused as hostile."))
    if pos != n:
        raise PayloadError(_("The CBOR data has unexpected bytes after its end."))


def loads_cbor(data: bytes):
    """Decode CBOR after :func:`check_cbor`; any decoder error becomes a PayloadError."""
    import cbor2

    check_cbor(data)
    try:
        return _plain(cbor2.loads(data))
    except Exception as exc:  # cbor2 raises various types on semantic errors
        raise PayloadError(_("The CBOR data cannot be decoded ({detail}).").format(detail=type(exc).__name__)) from None


def _plain(value, depth: int = 0):
    """cbor2 decodes items under a tag as tuple / frozendict: give plain lists and dicts."""
    from collections.abc import Mapping

    import cbor2

    if depth > MAX_CBOR_DEPTH + 2:
        raise PayloadError(_("The CBOR data is nested too deeply: refused as hostile."))
    if isinstance(value, cbor2.CBORTag):
        return cbor2.CBORTag(value.tag, _plain(value.value, depth + 1))
    if isinstance(value, Mapping):
        return {k: _plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, depth + 1) for v in value]
    return value


def check_json_depth(text: str, max_depth: int = MAX_JSON_DEPTH) -> None:
    depth = 0
    in_string = False
    escape = False
    for ch in text:
        if in_string:
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > max_depth:
                raise PayloadError(_("The JSON data is nested too deeply: refused as hostile."))
        elif ch in "]}":
            depth -= 1
