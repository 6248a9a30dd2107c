"""Text encodings shared by the key files and the public-key exports: strict canonical
base64 (standard and unpadded URL-safe), canonical JSON for associated data and MACs,
short text fields, and the UTC time stamps written in the files."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from .. import clock


def now() -> str:
    """The current UTC time, to the second, as ``2025-01-31T08:00:00Z``."""
    return clock.utcnow().replace(microsecond=0).isoformat().replace("+00:00", "Z")


def b64e(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64d(text: Any, *, length: int | None = None, min_len: int = 0, max_len: int = 1 << 16) -> bytes:
    """Strict, canonical base64: re-encoding must give the same text (so that no two
    texts decode to the same bytes and no flipped padding bit goes unnoticed)."""
    if not isinstance(text, str) or len(text) > 4 * max_len // 3 + 4:
        raise ValueError("not a base64 string")
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError("bad base64") from exc
    if b64e(raw) != text:
        raise ValueError("non-canonical base64")
    if length is not None and len(raw) != length:
        raise ValueError("wrong length")
    if not min_len <= len(raw) <= max_len:
        raise ValueError("wrong length")
    return raw


def b64u(data: bytes) -> str:
    """Unpadded URL-safe base64 (the QR text's compact form)."""
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def b64ud(text: Any, length: int) -> bytes:
    """Decode :func:`b64u` text of exactly ``length`` bytes, canonical only."""
    if not isinstance(text, str) or len(text) > 64:
        raise ValueError("not a base64 string")
    try:
        raw = base64.urlsafe_b64decode((text + "=" * (-len(text) % 4)).encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise ValueError("bad base64") from exc
    if len(raw) != length or b64u(raw) != text:
        raise ValueError("wrong length")
    return raw


def canonical(obj: Any) -> bytes:
    """Canonical JSON (sorted keys, no spaces, ASCII) of ``obj``."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def check_text(value: Any, max_len: int) -> None:
    """``ValueError`` unless ``value`` is a non-empty printable string of at most ``max_len``."""
    if not isinstance(value, str) or not 0 < len(value) <= max_len or not value.isprintable():
        raise ValueError("bad text field")
