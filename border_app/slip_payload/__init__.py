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
  permit, T travel certificate, O other; other types as text), or ``null`` for an identity
  declared without document;
* ``outcome``: C cleared, S secondary, R referral, I isolation (other codes as text; a text
  that could be mistaken for a letter code is escaped with a leading ``=``);
* ``kind``: 1 registration, 2 screening.

Base45 keeps the QR in the *alphanumeric* mode (5.5 bits a character) — the whole text,
prefix included, uses only that alphabet. A typical slip gives 250–290 characters: a
version 9–10 QR code, readable from an 80 mm thermal slip.

Any changed byte of the body or of the signature fails verification: the signature covers
the exact body bytes (no re-encoding on the verifier's side), and Base45 decoding is
strict (one byte string per text).

The package's modules, one concern each: :mod:`.model` (the constants, :class:`SlipPayload`,
:func:`new_payload`, the document fingerprint, key ids and signing contexts),
:mod:`.fields` (how single fields are packed), :mod:`.v1` and :mod:`.v2` (the two bodies,
written and read), :mod:`.sign` (:func:`sign_slip`), :mod:`.decode` (:func:`decode_slip_text`),
:mod:`.verify` (:func:`verify_slip_text`, to a ``CertificateResult``) and :mod:`.match`
(:func:`slip_matches`, the slip against the traveller in front of the official).
"""
from __future__ import annotations

from ..certificates.base45 import b45decode, b45encode  # Base45 (RFC 9285), one implementation
from .decode import decode_slip_bytes, decode_slip_text
from .match import slip_matches
from .model import (CONTEXT, CONTEXT_V2, CONTEXT_V2_DEMO, DOC_HASH_SIZE, DOC_HASH_TAG, KINDS, MAX_FIELD_CHARS,
                    MAX_NAME_CHARS, MAX_POST_NAME_CHARS, MAX_TEXT_CHARS, PREFIX, PREFIX_V2, PREFIXES, SEXES,
                    SIGNATURE_SIZE, VERSION, VERSION_2, SlipFormatError, SlipPayload, document_hash, key_id_for,
                    new_payload)
from .sign import sign_slip
from .verify import Lookup, payload_to_raw, verify_slip_text

__all__ = [
    "CONTEXT", "CONTEXT_V2", "CONTEXT_V2_DEMO", "DOC_HASH_SIZE", "DOC_HASH_TAG", "KINDS", "MAX_FIELD_CHARS",
    "MAX_NAME_CHARS", "MAX_POST_NAME_CHARS", "MAX_TEXT_CHARS", "PREFIX", "PREFIXES", "PREFIX_V2", "SEXES",
    "SIGNATURE_SIZE", "VERSION", "VERSION_2", "Lookup", "SlipFormatError", "SlipPayload", "b45decode",
    "b45encode", "decode_slip_bytes", "decode_slip_text", "document_hash", "key_id_for", "new_payload",
    "payload_to_raw", "sign_slip", "slip_matches", "verify_slip_text",
]
