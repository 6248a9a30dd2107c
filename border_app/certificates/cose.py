"""COSE_Sign1 (RFC 9052) as used by EU DCC and WHO DDCC: parse and verify.

The envelope may be tagged 18 (COSE_Sign1), optionally inside tag 61 (CWT), or untagged.
The key id (label 4) is taken from the protected header when present there, else from the
unprotected header (EU DCC rule); the algorithm (label 1) likewise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from border_app.certificates.limits import PayloadError, loads_cbor
from border_app.i18n import _

ALG_NAMES = {-7: "ES256", -35: "ES384", -36: "ES512", -37: "PS256", -38: "PS384", -39: "PS512", -8: "EdDSA"}


@dataclass
class Sign1:
    protected_bytes: bytes
    protected: dict
    unprotected: dict
    payload_bytes: bytes
    signature: bytes

    @property
    def kid(self) -> bytes | None:
        kid = self.protected.get(4) if 4 in self.protected else self.unprotected.get(4)
        return bytes(kid) if isinstance(kid, (bytes, bytearray)) else None

    @property
    def alg(self) -> int | None:
        alg = self.protected.get(1) if 1 in self.protected else self.unprotected.get(1)
        return alg if isinstance(alg, int) else None

    def to_be_signed(self, external_aad: bytes = b"") -> bytes:
        import cbor2

        return cbor2.dumps(["Signature1", self.protected_bytes, external_aad, self.payload_bytes])


def parse_sign1(data: bytes) -> Sign1:
    from cbor2 import CBORTag

    obj = loads_cbor(data)
    seen = 0
    while isinstance(obj, CBORTag):
        seen += 1
        if obj.tag not in (18, 61) or seen > 2:
            raise PayloadError(_("The signed envelope has an unexpected CBOR tag {tag}.").format(tag=obj.tag))
        obj = obj.value
    if not (isinstance(obj, list) and len(obj) == 4):
        raise PayloadError(_("The signed envelope is not a COSE_Sign1 structure."))
    protected_bytes, unprotected, payload, signature = obj
    if not isinstance(protected_bytes, bytes) or not isinstance(unprotected, dict):
        raise PayloadError(_("The signed envelope has malformed headers."))
    if not isinstance(payload, bytes) or not isinstance(signature, bytes):
        raise PayloadError(_("The signed envelope has no payload or no signature."))
    protected = loads_cbor(protected_bytes) if protected_bytes else {}
    if not isinstance(protected, dict):
        raise PayloadError(_("The signed envelope has malformed headers."))
    return Sign1(protected_bytes, protected, unprotected, payload, signature)


def verify_signature(public_key, alg: int | None, data: bytes, signature: bytes) -> bool:
    """True when ``signature`` over ``data`` checks with ``public_key`` and ``alg``."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    try:
        if alg in (-7, -35, -36) and isinstance(public_key, ec.EllipticCurvePublicKey):
            digest = {-7: hashes.SHA256(), -35: hashes.SHA384(), -36: hashes.SHA512()}[alg]
            size = (public_key.curve.key_size + 7) // 8
            if len(signature) != 2 * size:
                return False
            r = int.from_bytes(signature[:size], "big")
            s = int.from_bytes(signature[size:], "big")
            public_key.verify(encode_dss_signature(r, s), data, ec.ECDSA(digest))
            return True
        if alg in (-37, -38, -39) and isinstance(public_key, rsa.RSAPublicKey):
            digest = {-37: hashes.SHA256(), -38: hashes.SHA384(), -39: hashes.SHA512()}[alg]
            public_key.verify(
                signature, data, padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size), digest
            )
            return True
        if alg == -8 and isinstance(public_key, ed25519.Ed25519PublicKey):
            public_key.verify(signature, data)
            return True
    except (InvalidSignature, ValueError):
        return False
    return False


def check_with_trust(sign1: Sign1, trust) -> tuple[str, Any, list[str]]:
    """(signature status, the TrustedKey that verified or None, translated errors)."""
    errors: list[str] = []
    if trust is None or len(trust) == 0:
        return "unknown_key", None, [_("No trust list is loaded: the signature cannot be checked.")]
    alg = sign1.alg
    if alg not in ALG_NAMES:
        return "invalid", None, [_("The signature algorithm {alg} is not supported.").format(alg=alg)]
    data = sign1.to_be_signed()
    candidates = trust.dsc_for_kid(sign1.kid)
    for entry in candidates:
        if verify_signature(entry.public_key, alg, data, sign1.signature):
            return "valid", entry, errors
    if candidates:
        return "invalid", None, [_("The signature does not match the issuer's key: "
                                   "the certificate was altered or forged.")]
    for entry in trust.keys_without_kid():
        if verify_signature(entry.public_key, alg, data, sign1.signature):
            return "valid", entry, errors
    return "unknown_key", None, [_("The issuer's key is not in the trust list: the signature cannot be checked.")]
