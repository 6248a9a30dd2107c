"""The trust list: which keys may sign the certificates and slips this post accepts.

Four kinds of entries, all public material only:

* **DSC** — X.509 Document Signer Certificates of EU DCC / WHO DDCC issuers. Their key id
  (``kid``) is the first 8 bytes of SHA-256 over the certificate's DER encoding, unless an
  explicit ``kid`` is given.
* **keys** — bare public keys (PEM ``PUBLIC KEY``) with an optional ``kid``. A key without a
  kid is tried for any COSE kid, and it matches a SMART Health Card whose ``kid`` is the key's
  RFC 7638 thumbprint.
* **SHC issuers** — JWK sets of SMART Health Card issuers (``iss`` URL -> ``{"keys": [...]}``
  exactly as published at ``<iss>/.well-known/jwks.json``; no on-line fetch ever happens).
* **posts** — our own posts' Ed25519 slip-signing keys: ``key_id`` -> (raw key, post name).
  A demo post's key is marked ``"demo": true`` (see ``border_app.keys``): only a demo post's
  trust list (``TrustList(allow_demo=True)``) takes one; a real post's refuses it
  (:class:`DemoKeyRefused`), whether it comes from a trust file, a keystore or a call, so a
  slip signed with the demo post's public password never verifies as genuine on a real post.

File format (``.json``, UTF-8), documented in ``docs/certificates.md``::

    {"format": "hhbm-trust-list", "version": 1,
     "dsc":   [{"certificate": "<base64 DER>", "kid": "<base64, optional>", "label": "AT"}],
     "keys":  [{"pem": "-----BEGIN PUBLIC KEY-----...", "kid": "<base64, optional>", "label": "..."}],
     "shc_issuers": [{"iss": "https://...", "keys": [<JWK>, ...]}],
     "posts": [{"key_id": "...", "public_key": "<base64 raw 32 bytes>", "name": "Poste de Gaya",
                "demo": true}]}                       # "demo" only for a demo post's key

:meth:`TrustList.load` also reads PEM bundles (certificates and public keys), one DER
certificate, and a bare JWKS (``{"keys": [...]}``, optionally with ``"iss"``).
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from border_app.errors import InvalidInput
from border_app.i18n import _

FORMAT = "hhbm-trust-list"
MAX_TRUST_FILE = 16 * 1024 * 1024


class DemoKeyRefused(InvalidInput):
    """A demo post's key offered to a real post's trust list."""


def _demo_refused() -> DemoKeyRefused:
    return DemoKeyRefused(_("This is a DEMO post's key: a real post never trusts it (anyone can sign with it)."))


class PostKey(tuple):
    """``(raw Ed25519 public key, post name)`` of a trusted post key, with ``.demo``: the
    key is a demo post's. Compares equal to the plain pair."""

    demo: bool

    def __new__(cls, public_key: bytes, name: str, demo: bool = False) -> "PostKey":
        item = super().__new__(cls, (bytes(public_key), str(name)))
        item.demo = bool(demo)
        return item


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    text = text.strip()
    if "-" in text or "_" in text:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    return base64.b64decode(text + "=" * (-len(text) % 4))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def dsc_kid(der: bytes) -> bytes:
    """EU DCC key id: first 8 bytes of SHA-256 of the certificate DER."""
    return hashlib.sha256(der).digest()[:8]


def jwk_thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 thumbprint (base64url SHA-256) of an EC or RSA JWK."""
    if jwk.get("kty") == "EC":
        members = {k: jwk[k] for k in ("crv", "kty", "x", "y")}
    elif jwk.get("kty") == "RSA":
        members = {k: jwk[k] for k in ("e", "kty", "n")}
    elif jwk.get("kty") == "OKP":
        members = {k: jwk[k] for k in ("crv", "kty", "x")}
    else:
        raise ValueError("unsupported kty")
    canon = json.dumps(members, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return b64url(hashlib.sha256(canon).digest())


def jwk_to_public_key(jwk: dict[str, Any]):
    """A cryptography public key from an EC P-256/384/521, RSA or Ed25519 JWK."""
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    kty = jwk.get("kty")
    if kty == "EC":
        curve = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1(), "P-521": ec.SECP521R1()}[jwk["crv"]]
        x = int.from_bytes(b64url_decode(jwk["x"]), "big")
        y = int.from_bytes(b64url_decode(jwk["y"]), "big")
        return ec.EllipticCurvePublicNumbers(x, y, curve).public_key()
    if kty == "RSA":
        n = int.from_bytes(b64url_decode(jwk["n"]), "big")
        e = int.from_bytes(b64url_decode(jwk["e"]), "big")
        return rsa.RSAPublicNumbers(e, n).public_key()
    if kty == "OKP" and jwk.get("crv") == "Ed25519":
        return ed25519.Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"]))
    raise ValueError("unsupported key type")


def public_key_to_jwk(key) -> dict[str, Any]:
    from cryptography.hazmat.primitives.asymmetric import ec

    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise ValueError("only EC keys are converted to JWK")
    numbers = key.public_numbers()
    size = (key.curve.key_size + 7) // 8
    crv = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}[key.curve.name]
    jwk = {
        "kty": "EC",
        "crv": crv,
        "x": b64url(numbers.x.to_bytes(size, "big")),
        "y": b64url(numbers.y.to_bytes(size, "big")),
    }
    jwk["kid"] = jwk_thumbprint(jwk)
    return jwk


@dataclass
class TrustedKey:
    """One trusted public key with where it came from."""

    public_key: Any
    kid: bytes | None = None
    certificate: Any = None  # cryptography x509.Certificate for DSCs
    label: str | None = None
    pem: str | None = None  # for bare keys, to serialise

    @property
    def subject(self) -> str | None:
        if self.certificate is None:
            return self.label
        try:
            return self.certificate.subject.rfc4514_string()
        except Exception:  # pragma: no cover - odd certificates
            return self.label


@dataclass
class TrustList:
    dscs: list[TrustedKey] = field(default_factory=list)
    keys: list[TrustedKey] = field(default_factory=list)
    shc_issuers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    posts: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    demo_keys: set[str] = field(default_factory=set)   # key ids in ``posts`` that are demo keys
    allow_demo: bool = False                            # True only on the demo post

    # ---------------------------------------------------------------- building
    def add_certificate(self, cert_or_der, *, kid: bytes | None = None, label: str | None = None) -> TrustedKey:
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization

        cert = cert_or_der
        if isinstance(cert_or_der, (bytes, bytearray)):
            cert = x509.load_der_x509_certificate(bytes(cert_or_der))
        der = cert.public_bytes(serialization.Encoding.DER)
        entry = TrustedKey(public_key=cert.public_key(), kid=kid or dsc_kid(der), certificate=cert, label=label)
        self.dscs.append(entry)
        return entry

    def add_public_key(self, key, *, kid: bytes | None = None, label: str | None = None) -> TrustedKey:
        from cryptography.hazmat.primitives import serialization

        if isinstance(key, (bytes, str)):
            data = key.encode("ascii") if isinstance(key, str) else key
            key = serialization.load_pem_public_key(data)
        pem = key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")
        entry = TrustedKey(public_key=key, kid=kid, label=label, pem=pem)
        self.keys.append(entry)
        return entry

    def add_jwk(self, jwk: dict[str, Any], *, iss: str | None = None) -> None:
        """Trust a JWK: as a SMART Health Card issuer key when ``iss`` is given, else as a bare key."""
        if not isinstance(jwk, dict):
            raise ValueError("JWK must be an object")
        # never keep private parts
        public = {k: v for k, v in jwk.items() if k not in ("d", "p", "q", "dp", "dq", "qi")}
        jwk_to_public_key(public)  # validates
        if "kid" not in public:
            public["kid"] = jwk_thumbprint(public)
        if iss:
            self.shc_issuers.setdefault(iss.rstrip("/"), []).append(public)
        else:
            kid = None
            try:
                kid = b64url_decode(public["kid"])
            except Exception:
                kid = None
            self.add_public_key(jwk_to_public_key(public), kid=kid, label=public.get("kid"))

    def add_post_key(self, key_id: str, public_key: bytes, post_name: str, *, demo: bool = False) -> None:
        """Trust a post's slip-signing key. ``demo``: a demo post's key, refused
        (:class:`DemoKeyRefused`) unless this is a demo post's trust list."""
        if len(public_key) != 32:
            raise ValueError("an Ed25519 public key has 32 bytes")
        if demo and not self.allow_demo:
            raise _demo_refused()
        self.posts[str(key_id)] = (bytes(public_key), str(post_name))
        if demo:
            self.demo_keys.add(str(key_id))
        else:
            self.demo_keys.discard(str(key_id))

    def add_public_keys(self, public, post_name: str) -> None:
        """Trust another post's signing keys (current and retired) from its
        ``border_app.keys.PublicKeys`` (its exported JSON or QR code); a demo post's keys
        are refused on a real post."""
        from border_app.keys import POST_SIGNING

        if public.demo and not self.allow_demo:
            raise _demo_refused()
        self.add_post_key(public.signing_key_id, bytes(public.signing_public_key), post_name, demo=public.demo)
        for entry in public.retired:
            if entry.get("purpose") == POST_SIGNING:
                self.add_post_key(entry["key_id"], bytes(entry["public_key"]), post_name, demo=public.demo)

    def add_keystore(self, path: str | Path, *, post_name: str | None = None, demo: bool = False) -> bool:
        """Trust this post's own slip-signing public keys from its keystore (no password
        needed): the current key and every retired one, so that slips signed before a
        ``keys rotate`` still verify.

        ``demo``: this is the demo profile's keystore (its keys are demo keys even when the
        file predates the demo mark). Returns False when the keystore or the
        ``border_app.keys`` module is not available, and for a demo keystore on a real post.
        """
        path = Path(path)
        if not path.exists():
            return False
        try:
            from border_app.keys import POST_SIGNING, Keystore
        except ImportError:
            return False
        try:
            public = Keystore.load(path).public_keys()
        except Exception:
            return False
        name = post_name or ""  # unnamed: the verified slip's own post name is shown (never an id first)
        is_demo = bool(public.demo or demo)
        if is_demo and not self.allow_demo:
            return False
        self.add_post_key(public.signing_key_id, bytes(public.signing_public_key), name, demo=is_demo)
        for entry in public.retired:
            if entry.get("purpose") == POST_SIGNING:
                self.add_post_key(entry["key_id"], bytes(entry["public_key"]), name, demo=is_demo)
        return True

    def merge(self, other: "TrustList") -> "TrustList":
        self.dscs += other.dscs
        self.keys += other.keys
        for iss, jwks in other.shc_issuers.items():
            self.shc_issuers.setdefault(iss, []).extend(jwks)
        for key_id, (raw, name) in other.posts.items():
            self.add_post_key(key_id, raw, name, demo=key_id in other.demo_keys)
        return self

    # ---------------------------------------------------------------- loading
    @classmethod
    def from_pem(cls, data: bytes | str) -> "TrustList":
        """Certificates and public keys from a PEM bundle."""
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization

        if isinstance(data, str):
            data = data.encode("utf-8")
        trust = cls()
        blocks = _pem_blocks(data)
        if not blocks:
            raise InvalidInput(_("The trust file holds no PEM certificate or public key."))
        for label, block in blocks:
            try:
                if label == "CERTIFICATE":
                    trust.add_certificate(x509.load_pem_x509_certificate(block))
                elif label == "PUBLIC KEY":
                    trust.add_public_key(serialization.load_pem_public_key(block))
                elif "PRIVATE" in label:
                    raise InvalidInput(_("The trust file contains a PRIVATE key: refused. Give public keys only."))
            except InvalidInput:
                raise
            except Exception:
                raise InvalidInput(
                    _("The trust file contains an unreadable {label} block.").format(label=label)
                ) from None
        return trust

    @classmethod
    def load(cls, path: str | Path, *, allow_demo: bool = False) -> "TrustList":
        path = Path(path)
        try:
            size = path.stat().st_size
            if size > MAX_TRUST_FILE:
                raise InvalidInput(_("The trust file {path} is too large.").format(path=path))
            data = path.read_bytes()
        except OSError as exc:
            raise InvalidInput(
                _("Cannot read the trust file {path}: {reason}").format(path=path, reason=exc.strerror)
            ) from None
        return cls.from_bytes(data, name=str(path), allow_demo=allow_demo)

    @classmethod
    def from_bytes(cls, data: bytes, *, name: str = "", allow_demo: bool = False) -> "TrustList":
        stripped = data.lstrip()
        if stripped.startswith(b"{"):
            try:
                obj = json.loads(stripped.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise InvalidInput(_("The trust file {path} is not valid JSON.").format(path=name)) from None
            return cls.from_json(obj, allow_demo=allow_demo)
        if b"-----BEGIN" in data:
            return cls.from_pem(data)
        try:
            trust = cls()
            trust.add_certificate(bytes(data))
            return trust
        except Exception:
            raise InvalidInput(
                _("The trust file {path} is neither PEM, DER nor a JSON trust list.").format(path=name)
            ) from None

    @classmethod
    def from_json(cls, obj: Any, *, allow_demo: bool = False) -> "TrustList":
        if isinstance(obj, str):
            try:
                obj = json.loads(obj)
            except ValueError:
                raise InvalidInput(_("The trust list is not valid JSON.")) from None
        if not isinstance(obj, dict):
            raise InvalidInput(_("The trust list must be a JSON object."))
        trust = cls(allow_demo=allow_demo)
        try:
            if "keys" in obj and obj.get("format") != FORMAT:  # a bare JWKS
                for jwk in obj["keys"]:
                    trust.add_jwk(jwk, iss=obj.get("iss"))
                return trust
            if obj.get("format") == "hhbm-public-keys/1":  # a post's exported public keys
                from border_app.keys import PublicKeys

                public = PublicKeys.from_json(obj)
                trust.add_public_keys(public, str(obj.get("name") or public.post_id))
                return trust
            if obj.get("format") != FORMAT:
                raise InvalidInput(_("The JSON file is not a trust list (format {name} expected).").format(name=FORMAT))
            for item in obj.get("dsc", []):
                kid = _unb64(item["kid"]) if item.get("kid") else None
                trust.add_certificate(_unb64(item["certificate"]), kid=kid, label=item.get("label"))
            for item in obj.get("keys", []):
                kid = _unb64(item["kid"]) if item.get("kid") else None
                trust.add_public_key(item["pem"], kid=kid, label=item.get("label"))
            for item in obj.get("shc_issuers", []):
                for jwk in item.get("keys", []):
                    trust.add_jwk(jwk, iss=item["iss"])
            for item in obj.get("posts", []):
                demo = item.get("demo", False)
                if type(demo) is not bool:
                    raise ValueError("demo flag")
                trust.add_post_key(item["key_id"], _unb64(item["public_key"]), item.get("name", ""), demo=demo)
        except InvalidInput:
            raise
        except Exception as exc:
            raise InvalidInput(
                _("The trust list has an invalid entry ({detail}).").format(detail=type(exc).__name__)
            ) from None
        return trust

    def to_json(self) -> dict[str, Any]:
        from cryptography.hazmat.primitives import serialization

        return {
            "format": FORMAT,
            "version": 1,
            "dsc": [
                {
                    "certificate": _b64(e.certificate.public_bytes(serialization.Encoding.DER)),
                    "kid": _b64(e.kid) if e.kid else None,
                    **({"label": e.label} if e.label else {}),
                }
                for e in self.dscs
            ],
            "keys": [
                {"pem": e.pem, **({"kid": _b64(e.kid)} if e.kid else {}), **({"label": e.label} if e.label else {})}
                for e in self.keys
            ],
            "shc_issuers": [{"iss": iss, "keys": keys} for iss, keys in self.shc_issuers.items()],
            "posts": [
                {"key_id": key_id, "public_key": _b64(raw), "name": name,
                 **({"demo": True} if key_id in self.demo_keys else {})}
                for key_id, (raw, name) in self.posts.items()
            ],
        }

    # ---------------------------------------------------------------- lookups
    def dsc_for_kid(self, kid: bytes | None) -> list[TrustedKey]:
        """Every trusted DSC or key whose kid is ``kid`` (several DSCs may share one kid)."""
        if not kid:
            return []
        return [e for e in self.dscs + self.keys if e.kid == bytes(kid)]

    def keys_without_kid(self) -> list[TrustedKey]:
        return [e for e in self.keys if e.kid is None]

    def shc_issuer_keys(self, iss: str | None) -> list[dict[str, Any]]:
        if not iss:
            return []
        return list(self.shc_issuers.get(iss.rstrip("/"), []))

    def shc_keys_by_thumbprint(self, kid: str) -> list[Any]:
        """Bare EC public keys (or DSC keys) whose JWK thumbprint is ``kid``."""
        found = []
        for entry in self.keys + self.dscs:
            try:
                if public_key_to_jwk(entry.public_key)["kid"] == kid:
                    found.append(entry.public_key)
            except Exception:
                continue
        return found

    def post_key(self, key_id: str) -> PostKey | None:
        """``(raw public key, post name)`` with ``.demo``, or ``None``."""
        found = self.posts.get(str(key_id))
        if found is None:
            return None
        return PostKey(found[0], found[1], str(key_id) in self.demo_keys)

    def __len__(self) -> int:
        return len(self.dscs) + len(self.keys) + sum(len(v) for v in self.shc_issuers.values()) + len(self.posts)


def _pem_blocks(data: bytes) -> list[tuple[str, bytes]]:
    blocks = []
    pos = 0
    while True:
        start = data.find(b"-----BEGIN ", pos)
        if start < 0:
            break
        eol = data.find(b"-----", start + 11)
        if eol < 0:
            break
        label = data[start + 11 : eol].decode("ascii", "replace").strip()
        end_marker = b"-----END " + label.encode("ascii", "replace") + b"-----"
        end = data.find(end_marker, eol)
        if end < 0:
            break
        blocks.append((label, data[start : end + len(end_marker)] + b"\n"))
        pos = end + len(end_marker)
    return blocks


def load_post_trust(profile, *, post_name: str | None = None) -> TrustList:
    """What a post trusts: its own keys (current and retired) and every trust file in the
    profile's ``trust/`` folder (PEM, DER, JWKS or our JSON trust list). Unreadable files
    are skipped with a warning; they never stop a verification. Demo keys only on the demo
    post (``profile.demo``): a real post skips a trust file that holds one."""
    import logging

    demo = bool(getattr(profile, "demo", False))
    trust = TrustList(allow_demo=demo)
    trust.add_keystore(profile.keystore, post_name=post_name, demo=demo)
    folder = Path(profile.root) / "trust"
    if folder.is_dir():
        for entry in sorted(folder.iterdir()):
            if entry.is_file():
                try:
                    trust.merge(TrustList.load(entry, allow_demo=demo))
                except Exception:  # noqa: BLE001 - a bad file must not block the others
                    logging.getLogger(__name__).warning("trust file %s could not be read", entry.name)
    return trust
