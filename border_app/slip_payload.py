"""The signed payload printed as a QR code on attestation slips.

Pure Python (CBOR + Ed25519 via the keys module); no Qt, no database, no reportlab.

Wire format (version 2, printed since defect 16 of issue #18)::

    text   = "HHBM2:" + Base45(body || signature)          (RFC 9285 Base45)
    body   = CBOR array [2, demo, post_id, post_name, key_id, issued_at, kind, outcome,
                         name, birth_date, birth_date_approximate, sex, document_hash,
                         serial]
    signed = context + body,  context = b"HHBM-slip/2\x00"  (a real post's key)
                              context = b"HHBM-slip/2 DEMO\x00"  (``demo`` true)
    signature = Ed25519(signed), 64 bytes, appended to the body

What the next post's offline check needs, nothing more: no record id, no document number.

* ``demo``: ``true`` when the signing key is a demo post's key (``border_app.keys``: the
  keystore and its public form carry ``"demo": true``). The mark is bound twice: it is in
  the signed body *and* it selects the signing context, and the verifier requires it to
  agree with what its trust list says of the key. Dropping it (or re-signing without it
  with the demo key) fails: the body changed, the context does not match, or the trusted
  key is a demo key on a slip that does not say so. A real post's trust list never holds a
  demo key (``border_app.trust``), so there such a slip's key is unknown.
* ``post_id``: the issuing post's p-code as printed on the slip (``NE006013``; the post's
  UUID, as 16 raw bytes, when it has none); ``post_name``: its name (text, at most 80
  characters; shown as verified only once the signature holds);
* ``key_id``: 8 raw bytes; ``issued_at``: whole seconds since the Unix epoch (UTC);
* ``kind``: 1 registration, 2 screening; ``outcome``: C cleared, S secondary, R referral,
  I isolation, ``null`` for a registration (other codes as text, escaped as in version 1);
* ``name``: surname then given names, as printed; ``birth_date``: integer ``YYYY``,
  ``YYYYMM`` or ``YYYYMMDD``; ``sex``: ``"M"``, ``"F"``, ``"X"`` or ``null``;
* ``document_hash``: 8 bytes, the first 8 of SHA-256 over ``b"HHBM-doc/1\x00"`` + issuing
  state (ICAO code, upper case) + ``b"\x00"`` + the document number (upper case, without
  spaces, ``<`` or ``-``); ``null`` for an identity declared without document. The verifier
  recomputes it from the document shown (:func:`document_hash`) and compares;
* ``serial``: the slip's printed serial.

A typical version 2 slip gives about 260–300 characters: a QR code of version 9–10 at
level M, as version 1 (see ``docs/slips.md`` for the measured figures).

Version 1 (printed before; still read and verified, never written by the app)::

    text   = "HHBM1:" + Base45(body || signature)          (RFC 9285 Base45)
    body   = CBOR array [1, record_id, post_id, key_id, issued_at, name, birth_date,
                         document, kind, outcome, serial, birth_date_approximate]
    signed = b"HHBM-slip\\x00" + body                       (domain separation)
    signature = Ed25519(signed), 64 bytes, appended to the body

* ``record_id`` / ``post_id``: 16 raw bytes when the id is a canonical (lower-case) UUID,
  else a text string;
* ``key_id``: 8 raw bytes (the hex key id of the signing key);
* ``issued_at``: whole seconds since the Unix epoch (UTC);
* ``birth_date``: an integer ``YYYY``, ``YYYYMM`` or ``YYYYMMDD`` for a partial ISO date
  (any other text is kept as text);
* ``document``: ``[type code, number]`` (P passport, I identity card, V visa, R residence
  permit, T travel certificate, O other; other types as text) or ``null``;
* ``outcome``: C cleared, S secondary, R referral, I isolation (other codes as text; a text
  that could be mistaken for a letter code is escaped with a leading ``=``) for an identity declared without document;
* ``kind``: 1 registration, 2 screening.

Base45 keeps the QR in the *alphanumeric* mode (5.5 bits a character) — the whole text,
prefix included, uses only that alphabet. A typical slip gives 250–290 characters: a
version 9–10 QR code, readable from an 80 mm thermal slip.

Any changed byte of the body or of the signature fails verification: the signature covers
the exact body bytes (no re-encoding on the verifier's side), and Base45 decoding is
strict (one byte string per text).
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any, overload

from . import clock
from .errors import InvalidInput
from .i18n import _
from .certificates.base45 import b45decode, b45encode  # Base45 (RFC 9285), one implementation
from .certificates.result import CertificateResult
from .keys.primitives import verify

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
_KIND_NAMES = {v: k for k, v in KINDS.items()}
MAX_TEXT_CHARS = 2000          # far above any slip we print; bounds hostile input
MAX_NAME_CHARS = 200
MAX_FIELD_CHARS = 64

# Base45 (RFC 9285)


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


def _normalise_number(number: str) -> str:
    return "".join(ch for ch in str(number).upper() if ch not in " <-\t")


def document_hash(issuing_state: str | None, number: str) -> str:
    """The hex fingerprint of a document that a version 2 slip carries instead of its
    number (see the module docstring). Compare it with the one on a slip to check that
    the slip belongs to the document shown."""
    state = (issuing_state or "").strip().upper()
    data = DOC_HASH_TAG + state.encode("utf-8") + b"\x00" + _normalise_number(number).encode("utf-8")
    return hashlib.sha256(data).digest()[:DOC_HASH_SIZE].hex()


# ---------------------------------------------------------------------------- Base45



# ---------------------------------------------------------------------------- helpers

def key_id_for(public_key: bytes) -> str:
    """The key id of a raw Ed25519 public key: hex of the first 8 bytes of its SHA-256."""
    return hashlib.sha256(public_key).digest()[:8].hex()


def _pack_id(value: str | None) -> bytes | str | None:
    try:
        if str(uuid.UUID(value)) == value:
            return uuid.UUID(value).bytes
    except (ValueError, AttributeError, TypeError):
        pass
    return value


def _unpack_id(value: Any) -> str:
    if isinstance(value, bytes) and len(value) == 16:
        return str(uuid.UUID(bytes=value))
    if isinstance(value, str) and 0 < len(value) <= MAX_FIELD_CHARS:
        return value
    raise ValueError("identifier")


_DOC_CODES = {"passport": "P", "id_card": "I", "visa": "V", "residence_permit": "R",
              "travel_certificate": "T", "other": "O"}
_DOC_NAMES = {v: k for k, v in _DOC_CODES.items()}
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


_OUTCOME_CODES = {"cleared": "C", "secondary": "S", "referral": "R", "isolation": "I"}
_OUTCOME_NAMES = {v: k for k, v in _OUTCOME_CODES.items()}


@overload
def _pack_code(value: str, codes: dict[str, str], names: dict[str, str]) -> str: ...
@overload
def _pack_code(value: str | None, codes: dict[str, str], names: dict[str, str]) -> str | None: ...
def _pack_code(value: str | None, codes: dict[str, str], names: dict[str, str]) -> str | None:
    """Known values as one letter; a value that looks like a letter code (or starts with "=")
    is escaped with a leading "="."""
    if value is None:
        return None
    if value in codes:
        return codes[value]
    if value in names or value.startswith("="):
        return "=" + value
    return value


@overload
def _unpack_code(value: str, names: dict[str, str]) -> str: ...
@overload
def _unpack_code(value: str | None, names: dict[str, str]) -> str | None: ...
def _unpack_code(value: str | None, names: dict[str, str]) -> str | None:
    if value is None:
        return None
    if value.startswith("="):
        return value[1:]
    return names.get(value, value)


def _pack_doc_type(value: str) -> str:
    return _pack_code(value, _DOC_CODES, _DOC_NAMES)


def _unpack_doc_type(value: str) -> str:
    return _unpack_code(value, _DOC_NAMES)


def _pack_birth_date(value: str | None) -> int | str | None:
    """``"1985-03-12"`` -> 19850312, ``"1985-03"`` -> 198503, ``"1985"`` -> 1985."""
    if value is None:
        return None
    m = _DATE_RE.match(value)
    if not m or value.startswith("0"):
        return value
    return int("".join(g for g in m.groups() if g is not None))


def _unpack_birth_date(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return _opt_text(value)
    if type(value) is not int or value < 1000:
        raise ValueError("birth date")
    digits = str(value)
    if len(digits) == 4:
        return digits
    if len(digits) == 6:
        return f"{digits[:4]}-{digits[4:]}"
    if len(digits) == 8:
        return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    raise ValueError("birth date")


def _opt_text(value: Any, limit: int = MAX_FIELD_CHARS) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and len(value) <= limit:
        return value
    raise ValueError("text field")


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
    import cbor2

    try:
        key_id = bytes.fromhex(payload.key_id)
    except ValueError:
        key_id = b""
    if len(key_id) != 8:
        raise InvalidInput(_("The signing key id must be 16 hexadecimal characters."))
    if payload.version == VERSION_2:
        return cbor2.dumps([
            VERSION_2,
            bool(payload.demo),
            _pack_id(payload.post_id),
            payload.post_name,
            key_id,
            int(payload.issued_at.timestamp()),
            KINDS[payload.kind],
            _pack_code(payload.outcome, _OUTCOME_CODES, _OUTCOME_NAMES),
            payload.name,
            _pack_birth_date(payload.birth_date),
            bool(payload.birth_date_approximate),
            payload.sex,
            bytes.fromhex(payload.document_hash) if payload.document_hash is not None else None,
            payload.serial,
        ])
    document = ([_pack_doc_type(payload.document[0]), payload.document[1]]
                if payload.document is not None else None)
    return cbor2.dumps([
        VERSION,
        _pack_id(payload.record_id),
        _pack_id(payload.post_id),
        key_id,
        int(payload.issued_at.timestamp()),
        payload.name,
        _pack_birth_date(payload.birth_date),
        document,
        KINDS[payload.kind],
        _pack_code(payload.outcome, _OUTCOME_CODES, _OUTCOME_NAMES),
        payload.serial,
        bool(payload.birth_date_approximate),
    ])


# ---------------------------------------------------------------------------- sign

def _context(version: int, demo: bool) -> bytes:
    if version == VERSION:
        return CONTEXT
    return CONTEXT_V2_DEMO if demo else CONTEXT_V2


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
    signature = bytes(keys.sign(_context(payload.version, payload.demo) + body))
    if len(signature) != SIGNATURE_SIZE:
        raise InvalidInput(_("The signing key returned a signature of an unexpected size."))
    prefix = PREFIX_V2 if payload.version == VERSION_2 else PREFIX
    return prefix + b45encode(body + signature)


# ---------------------------------------------------------------------------- decode

def decode_slip_bytes(data: bytes) -> tuple[SlipPayload, bytes, bytes]:
    """Split and parse ``body || signature``; returns (payload, signed bytes, signature)."""
    import cbor2

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
        return _decode_v2(fields, body, signature, malformed)
    if len(fields) != 12:
        raise malformed
    if fields[0] != VERSION or type(fields[0]) is not int:
        raise SlipFormatError(_("This slip code uses an unknown format version."))
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
            document = (_unpack_doc_type(document[0]), document[1])
        if type(kind) is not int or kind not in _KIND_NAMES:
            raise ValueError("kind")
        if type(approximate) is not bool:
            raise ValueError("flag")
        payload = SlipPayload(
            record_id=_unpack_id(record_id),
            post_id=_unpack_id(post_id),
            key_id=key_id.hex(),
            issued_at=datetime.fromtimestamp(issued, timezone.utc),
            name=name,
            birth_date=_unpack_birth_date(birth_date),
            document=document,
            kind=_KIND_NAMES[kind],
            outcome=_unpack_code(_opt_text(outcome), _OUTCOME_NAMES),
            serial=_unpack_id(serial) if isinstance(serial, str) else _fail("serial"),
            birth_date_approximate=approximate,
            version=VERSION,
        )
    except (ValueError, OverflowError, OSError):
        raise malformed from None
    return payload, CONTEXT + body, signature


def _fail(what: str):
    raise ValueError(what)


def _decode_v2(fields: list, body: bytes, signature: bytes, malformed: Exception) -> tuple[SlipPayload, bytes, bytes]:
    if len(fields) != 14:
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
        if type(kind) is not int or kind not in _KIND_NAMES:
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
            post_id=_unpack_id(post_id),
            key_id=key_id.hex(),
            issued_at=datetime.fromtimestamp(issued, timezone.utc),
            name=name,
            birth_date=_unpack_birth_date(birth_date),
            document=None,
            kind=_KIND_NAMES[kind],
            outcome=_unpack_code(_opt_text(outcome), _OUTCOME_NAMES),
            serial=serial,
            birth_date_approximate=approximate,
            version=VERSION_2,
            demo=demo,
            post_name=_opt_text(post_name, MAX_POST_NAME_CHARS),
            sex=sex,
            document_hash=doc_hash.hex() if doc_hash is not None else None,
        )
    except (ValueError, OverflowError, OSError):
        raise malformed from None
    return payload, _context(VERSION_2, demo) + body, signature


def decode_slip_text(text: str) -> tuple[SlipPayload, bytes, bytes]:
    """Parse a scanned ``HHBM2:`` (or ``HHBM1:``) text: (payload, signed bytes, signature).

    Raises :class:`SlipFormatError` (translated, exit code 2) for anything malformed.
    Nothing is verified here: see :func:`verify_slip_text`.
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


# ---------------------------------------------------------------------------- verify

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
        from .dates import format_date

        result.errors.append(_("This slip is dated in the future ({date}).")
                             .format(date=format_date(payload.issued_at)))
    return result


def slip_matches(result, *, name: str | None = None, birth_date: str | None = None,
                 issuing_state: str | None = None, document_number: str | None = None) -> list[str]:
    """Compare a verified slip (a ``CertificateResult`` of kind ``slip``) with the traveller
    in front of the official; returns the translated differences (empty: same person as
    far as the slip can tell). Names are compared without accents, case or punctuation;
    the document by its fingerprint (version 2) or number (version 1)."""
    problems: list[str] = []
    holder = result.holder or {}
    if name and holder.get("name") and _name_key(name) != _name_key(holder["name"]):
        problems.append(_("The name on the slip ({slip}) is not the selected traveller's ({traveller}).").format(
            slip=holder["name"], traveller=name))
    slip_birth = holder.get("birth_date")
    if birth_date and slip_birth and not (str(birth_date).startswith(str(slip_birth))
                                          or str(slip_birth).startswith(str(birth_date))):
        from .dates import format_date

        problems.append(_("The birth date on the slip ({slip}) is not the selected traveller's ({traveller}).").format(
            slip=format_date(slip_birth), traveller=format_date(birth_date)))
    entry = (result.entries or [{}])[0]
    if document_number:
        slip_hash = entry.get("document_hash")
        slip_number = entry.get("document_number")
        if slip_hash is not None:
            same = slip_hash == document_hash(issuing_state, document_number)
        elif slip_number is not None:
            same = _normalise_number(slip_number) == _normalise_number(document_number)
        else:
            same = False  # the slip is for an identity declared without document
        if not same:
            problems.append(_("The slip was issued for another document than the selected traveller's."))
    return problems


def _name_key(name: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii").upper()
    return " ".join(sorted("".join(ch if ch.isalnum() else " " for ch in folded).split()))


def new_payload(*, record_id: str | None = None, post_id: str, name: str, birth_date: str | None,
                document: tuple[str, str] | None = None, kind: str, outcome: str | None, serial: str,
                issued_at: datetime | None = None, birth_date_approximate: bool = False,
                version: int = VERSION_2, post_name: str | None = None, sex: str | None = None,
                issuing_state: str | None = None) -> SlipPayload:
    """Convenience constructor; ``key_id`` (and the demo mark) are filled in by
    :func:`sign_slip`. Version 2 (the default) keeps of ``document`` only its fingerprint
    (:func:`document_hash` with ``issuing_state``) and drops ``record_id``."""
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
