"""Verifying a scanned slip code against the trust list, to a ``CertificateResult`` of kind
``slip`` (what the verify screens and ``verify`` on the command line show)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from .. import clock
from ..certificates.result import CertificateResult
from ..dates import format_date
from ..i18n import _
from ..keys.primitives import verify
from .decode import decode_slip_text
from .model import VERSION, VERSION_2, SlipFormatError, SlipPayload, key_id_for


def _verify_signature(public_key: bytes, data: bytes, signature: bytes) -> bool:
    try:
        return bool(verify(public_key, data, signature))
    except Exception:
        return False


def payload_to_raw(payload: SlipPayload) -> dict[str, Any]:
    raw = {
        "version": payload.version,
        "record_id": payload.record_id,
        "post_id": payload.post_id,
        "key_id": payload.key_id,
        "issued_at": payload.issued_at.isoformat(),
        "name": payload.name,
        "birth_date": payload.birth_date,
        "birth_date_approximate": payload.birth_date_approximate,
        "document": list(payload.document) if payload.document else None,
        "identity_declared": payload.identity_declared,
        "slip_kind": payload.kind,
        "outcome": payload.outcome,
        "serial": payload.serial,
    }
    if payload.version >= VERSION_2:
        del raw["record_id"], raw["document"]
        raw.update(demo=payload.demo, post_name=payload.post_name, sex=payload.sex,
                   document_hash=payload.document_hash)
    return raw


Lookup = Callable[[str], "tuple[bytes, str] | None"]


def _key_is_demo(found: Any) -> bool:
    """The demo mark of a trust-list answer: ``.demo`` (``border_app.trust.PostKey``) or a
    third item ``(raw key, name, demo)``."""
    if bool(getattr(found, "demo", False)):
        return True
    return isinstance(found, tuple) and len(found) > 2 and bool(found[2])


def verify_slip_text(text: str, lookup: Lookup, at: datetime | None = None):
    """Read and verify a slip code; returns a ``CertificateResult`` (kind ``slip``).

    ``lookup(key_id)`` returns ``(raw Ed25519 public key, post name)`` for a trusted key
    (with ``.demo`` true, or a third item ``True``, for a demo post's key), or ``None``.
    ``signature`` is ``valid``, ``invalid`` (trusted key, wrong signature, a key whose id
    does not match, or a demo key on a slip that does not say DÉMO), ``unknown_key``, or
    ``none`` with ``malformed=True``. ``demo`` is true when the slip or its key is a demo
    one: the result then says DÉMO. Slips carry no validity period: ``expired`` is ``None``.
    """
    try:
        payload, signed, signature = decode_slip_text(text)
    except SlipFormatError as exc:
        return CertificateResult(kind="slip", signature="none", malformed=True, errors=[exc.message])

    entry: dict[str, Any] = {
        "type": payload.kind,
        "outcome": payload.outcome,
        "identity_declared": payload.identity_declared,
        "serial": payload.serial,
    }
    if payload.version == VERSION:
        entry.update(document_type=payload.document[0] if payload.document else None,
                     document_number=payload.document[1] if payload.document else None,
                     record_id=payload.record_id)
    else:
        entry.update(document_hash=payload.document_hash)
    result = CertificateResult(
        kind="slip",
        holder={
            "name": payload.name,
            "birth_date": payload.birth_date,
            "birth_date_approximate": payload.birth_date_approximate,
            **({"sex": payload.sex} if payload.version >= VERSION_2 else {}),
        },
        entries=[entry],
        key_id=payload.key_id,
        issued_at=payload.issued_at.isoformat(),
        raw=payload_to_raw(payload),
        demo=payload.demo,
    )
    found = None
    try:
        found = lookup(payload.key_id)
    except Exception:  # a broken trust list must not crash the reader
        found = None
    if found is None:
        result.signature = "unknown_key"
        result.errors.append(_("The post that issued this slip is not in the trust list (key {key_id}).").format(
            key_id=payload.key_id))
    else:
        public_key, post_name = found[0], found[1]
        key_demo = _key_is_demo(found)
        result.demo = bool(result.demo or key_demo)
        result.issuer = post_name
        if (key_id_for(bytes(public_key)) != payload.key_id
                or not _verify_signature(bytes(public_key), signed, signature)):
            result.signature = "invalid"
            result.errors.append(_("The signature of this slip is not valid: it may have been altered."))
        elif key_demo and not payload.demo:
            # a demo key signed a slip that does not say DÉMO: v2 cannot (the mark is in
            # the signed bytes); a v1 slip of a demo key is shown as DÉMO below
            if payload.version >= VERSION_2:
                result.signature = "invalid"
                result.errors.append(_("The signature of this slip is not valid: it may have been altered."))
            else:
                result.signature = "valid"
        else:
            result.signature = "valid"
        if not post_name or post_name == payload.post_id:
            # the trust list gives no name: the post's name as signed in the slip (only once the
            # signature holds), and its id only as a last resort
            result.issuer = (payload.post_name if result.signature == "valid" and payload.post_name
                             else payload.post_id)
    if result.issuer is None and payload.post_name:
        result.raw["post_name_unverified"] = True
    now = at or clock.utcnow()
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    if (payload.issued_at - now).total_seconds() > 86400:
        result.errors.append(_("This slip is dated in the future ({date}).")
                             .format(date=format_date(payload.issued_at)))
    return result
