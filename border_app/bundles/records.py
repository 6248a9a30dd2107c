"""Records as JSON Lines: encoding on export (whitelisted fields only, dates ISO, times
UTC ``Z``) and the check of each decoded record against the whitelist."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .errors import BundleError
from .whitelist import WHITELIST


def _default(value: Any):
    if isinstance(value, dt.datetime):
        if value.tzinfo is dt.timezone.utc:      # what the database gives (UTCDateTime)
            return value.isoformat().replace("+00:00", "Z")
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


def encode_record(entity: str, record) -> bytes:
    """One JSON line of ``record`` holding exactly the whitelisted fields of ``entity``, in
    order. ``record`` is a mapping (a missing field is a bug of the caller: ``KeyError``;
    extra fields are dropped) or a sequence of the whitelisted fields' values in order (a
    database row selected with exactly those columns: the export's fast path)."""
    fields = WHITELIST[entity]
    if isinstance(record, Mapping):
        obj = {f: record[f] for f in fields}
    else:
        values = tuple(record)
        if len(values) != len(fields):
            raise ValueError(f"{entity}: {len(values)} values for {len(fields)} fields")
        obj = dict(zip(fields, values, strict=True))
    return (_encoder.encode(obj) + "\n").encode("utf-8")


def decode_record(entity: str, line: bytes) -> dict:
    """The record of one JSON line, checked against the whitelist (``bad_record``)."""
    try:
        rec = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BundleError("bad_record", detail=f"{entity}: not JSON") from exc
    if not isinstance(rec, dict) or tuple(rec) != WHITELIST[entity]:
        raise BundleError("bad_record", detail=f"{entity}: fields")
    return rec
