"""Records as JSON Lines: encoding on export (whitelisted fields only, dates ISO, times
UTC ``Z``) and the check of each decoded record against the whitelist."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Any

from .errors import BundleError
from .whitelist import WHITELIST


def _default(value: Any):
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot export a value of type {type(value).__name__}")


_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_default, allow_nan=False)


def encode_record(entity: str, record: dict) -> bytes:
    """One JSON line of ``record`` holding exactly the whitelisted fields of ``entity``, in
    order. A missing field is a bug of the caller (``KeyError``); extra fields are dropped."""
    fields = WHITELIST[entity]
    return (_encoder.encode({f: record[f] for f in fields}) + "\n").encode("utf-8")


def decode_record(entity: str, line: bytes) -> dict:
    """The record of one JSON line, checked against the whitelist (``bad_record``)."""
    try:
        rec = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BundleError("bad_record", detail=f"{entity}: not JSON") from exc
    if not isinstance(rec, dict) or tuple(rec) != WHITELIST[entity]:
        raise BundleError("bad_record", detail=f"{entity}: fields")
    return rec
