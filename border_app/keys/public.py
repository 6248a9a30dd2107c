"""A post's public keys (:class:`PublicKeys`): what another post or the coordination needs
to check its signatures and to seal data for it; their JSON export
(``hhbm-public-keys/1``), their compact QR text (``HHBM-PK1:``) and QR image, and the demo
mark (``"demo": true`` in the JSON, ``"d": 1`` in the QR text: a demo post's keys, never
trusted by a real post)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..atomic import atomic_write
from ..errors import InvalidInput
from ..i18n import _
from .encoding import b64d, b64e, b64u, b64ud, check_text
from .primitives import POST_ENCRYPTION, POST_SIGNING, key_id, verify

PUBLIC_FORMAT = "hhbm-public-keys/1"
QR_PREFIX = "HHBM-PK1:"
MAX_QR_TEXT = 8192
MAX_POST_ID = 128


@dataclass(frozen=True)
class PublicKeys:
    """A post's public keys: what another post or the coordination needs to check its
    signatures and to seal data for it. ``retired`` holds dicts with ``purpose``
    (``"post_signing"``/``"post_encryption"``), ``key_id``, ``public_key`` (raw bytes),
    ``created_at`` and ``retired_at``, oldest first."""

    post_id: str
    signing_key_id: str
    signing_public_key: bytes
    encryption_public_key: bytes
    created_at: str
    retired: list = field(default_factory=list)
    coordination_signing_public_key: bytes | None = None
    coordination_encryption_public_key: bytes | None = None
    demo: bool = False                 # the demo post's keys: never trusted by a real post
    post_name: str | None = None       # the post's name and P-code (exports since issue #20; older files lack them)
    pcode: str | None = None

    @property
    def encryption_key_id(self) -> str:
        return key_id(self.encryption_public_key)

    @property
    def coordination_signing_key_id(self) -> str | None:
        pk = self.coordination_signing_public_key
        return key_id(pk) if pk is not None else None

    def signing_key_for(self, kid: str) -> bytes | None:
        """The signing public key (current or retired) whose key id is ``kid``."""
        if kid == self.signing_key_id:
            return self.signing_public_key
        for entry in self.retired:
            if entry["purpose"] == POST_SIGNING and entry["key_id"] == kid:
                return entry["public_key"]
        return None

    def verify(self, kid: str, data: bytes, signature: bytes) -> bool:
        """Check a signature made by this post's key ``kid`` (current or retired)."""
        pk = self.signing_key_for(kid)
        return pk is not None and verify(pk, data, signature)

    # JSON ---------------------------------------------------------------
    def to_json(self) -> dict:
        return {
            "format": PUBLIC_FORMAT,
            "post_id": self.post_id,
            "created_at": self.created_at,
            "signing_key_id": self.signing_key_id,
            "signing_public_key": b64e(self.signing_public_key),
            "encryption_key_id": self.encryption_key_id,
            "encryption_public_key": b64e(self.encryption_public_key),
            "coordination_signing_public_key": (
                b64e(self.coordination_signing_public_key) if self.coordination_signing_public_key else None),
            "coordination_encryption_public_key": (
                b64e(self.coordination_encryption_public_key) if self.coordination_encryption_public_key else None),
            "retired": [
                {"purpose": r["purpose"], "key_id": r["key_id"], "public_key": b64e(r["public_key"]),
                 "created_at": r["created_at"], "retired_at": r["retired_at"]}
                for r in self.retired
            ],
            **({"demo": True} if self.demo else {}),
            **({"post_name": self.post_name} if self.post_name else {}),
            **({"pcode": self.pcode} if self.pcode else {}),
        }

    @classmethod
    def from_json(cls, d: Any) -> "PublicKeys":
        """Parse :meth:`to_json` output; :class:`InvalidInput` (translated) if unusable."""
        try:
            if not isinstance(d, dict) or d.get("format") != PUBLIC_FORMAT:
                raise ValueError("format")
            coord_s = d.get("coordination_signing_public_key")
            coord_e = d.get("coordination_encryption_public_key")
            retired = d.get("retired", [])
            if not isinstance(retired, list) or len(retired) > 1000:
                raise ValueError("retired")
            keys = cls._build(
                post_id=d.get("post_id"), created_at=d.get("created_at"),
                signing=b64d(d.get("signing_public_key"), length=32),
                encryption=b64d(d.get("encryption_public_key"), length=32),
                coord_s=None if coord_s is None else b64d(coord_s, length=32),
                coord_e=None if coord_e is None else b64d(coord_e, length=32),
                retired=[(r.get("purpose"), b64d(r.get("public_key"), length=32), r.get("created_at"),
                          r.get("retired_at")) if isinstance(r, dict) else None for r in retired],
                demo=_demo_flag(d.get("demo", False)),
                post_name=d.get("post_name"), pcode=d.get("pcode"),
            )
            for name, expected in (("signing_key_id", keys.signing_key_id),
                                   ("encryption_key_id", keys.encryption_key_id)):
                if name in d and d[name] != expected:
                    raise ValueError(name)
            for given, built in zip(retired, keys.retired, strict=True):
                if "key_id" in given and given["key_id"] != built["key_id"]:
                    raise ValueError("retired key id")
        except (ValueError, TypeError, AttributeError) as exc:
            raise InvalidInput(_("These public keys are not valid (damaged, or not the public keys of a post)."),
                               detail=str(exc)) from exc
        return keys

    @classmethod
    def _build(cls, *, post_id, created_at, signing, encryption, coord_s, coord_e, retired,
               demo: bool = False, post_name: str | None = None, pcode: str | None = None) -> "PublicKeys":
        """Checked construction from raw keys; ``retired`` holds ``(purpose, public key,
        created_at, retired_at)`` tuples (``None`` for an unreadable entry). ``ValueError``
        on anything out of shape."""
        check_text(post_id, MAX_POST_ID)
        check_text(created_at, 40)
        if (coord_s is None) != (coord_e is None):
            raise ValueError("coordination keys come in pairs")
        if post_name is not None:
            check_text(post_name, 200)
        if pcode is not None:
            check_text(pcode, 32)
        entries = []
        for item in retired:
            if item is None:
                raise ValueError("retired entry")
            purpose, public, r_created, r_retired = item
            if purpose not in (POST_SIGNING, POST_ENCRYPTION):
                raise ValueError("retired purpose")
            check_text(r_created, 40)
            check_text(r_retired, 40)
            entries.append({"purpose": purpose, "key_id": key_id(public), "public_key": public,
                            "created_at": r_created, "retired_at": r_retired})
        return cls(post_id=post_id, signing_key_id=key_id(signing), signing_public_key=signing,
                   encryption_public_key=encryption, created_at=created_at, retired=entries,
                   coordination_signing_public_key=coord_s, coordination_encryption_public_key=coord_e,
                   demo=bool(demo), post_name=post_name, pcode=pcode)

    # QR -----------------------------------------------------------------
    def to_qr_text(self) -> str:
        """Compact text for a QR code: ``HHBM-PK1:`` + JSON with short names and
        unpadded URL-safe base64."""
        d: dict[str, Any] = {"p": self.post_id, "t": self.created_at,
                             "s": b64u(self.signing_public_key), "e": b64u(self.encryption_public_key)}
        coord_s, coord_e = self.coordination_signing_public_key, self.coordination_encryption_public_key
        if coord_s is not None and coord_e is not None:     # both or neither: the pair is pinned together
            d["cs"] = b64u(coord_s)
            d["ce"] = b64u(coord_e)
        if self.retired:
            d["r"] = [["s" if r["purpose"] == POST_SIGNING else "e", b64u(r["public_key"]),
                       r["created_at"], r["retired_at"]] for r in self.retired]
        if self.demo:
            d["d"] = 1
        if self.post_name:
            d["n"] = self.post_name
        if self.pcode:
            d["c"] = self.pcode
        return QR_PREFIX + json.dumps(d, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_qr_text(cls, text: str) -> "PublicKeys":
        """Parse what :meth:`to_qr_text` wrote (e.g. scanned from another post's QR)."""
        try:
            if not isinstance(text, str) or len(text) > MAX_QR_TEXT or not text.startswith(QR_PREFIX):
                raise ValueError("not a public-key QR code")
            d = json.loads(text[len(QR_PREFIX):])
            if not isinstance(d, dict):
                raise ValueError("not an object")
            retired = d.get("r", [])
            if not isinstance(retired, list):
                raise ValueError("retired")
            items = []
            for r in retired:
                if not (isinstance(r, list) and len(r) == 4 and r[0] in ("s", "e")):
                    raise ValueError("retired entry")
                items.append((POST_SIGNING if r[0] == "s" else POST_ENCRYPTION, b64ud(r[1], 32), r[2], r[3]))
            return cls._build(
                post_id=d.get("p"), created_at=d.get("t"),
                signing=b64ud(d.get("s"), 32), encryption=b64ud(d.get("e"), 32),
                coord_s=b64ud(d["cs"], 32) if "cs" in d else None,
                coord_e=b64ud(d["ce"], 32) if "ce" in d else None,
                retired=items,
                demo=_demo_flag(d.get("d", 0), qr=True),
                post_name=d.get("n"), pcode=d.get("c"),
            )
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            raise InvalidInput(_("This QR code does not hold the public keys of a post."), detail=str(exc)) from exc


def _demo_flag(value: Any, *, qr: bool = False) -> bool:
    """The demo mark as read from a file or QR text: a bool (JSON) or 0/1 (QR)."""
    if qr and type(value) is int and value in (0, 1):
        return bool(value)
    if type(value) is bool:
        return value
    raise ValueError("demo flag")


def export_public_qr(public: PublicKeys, path: Path | str) -> Path:
    """Write ``public`` as a QR code image: PNG or SVG according to the suffix."""
    # Imported here: segno takes about 35 ms to import (python -X importtime, 2-core
    # development machine) and only this export needs it, while every sign-in loads
    # the keys package.
    import segno

    path = Path(path)
    kind = path.suffix.lower().lstrip(".")
    if kind not in ("png", "svg"):
        raise InvalidInput(_("The QR code file must end in .png or .svg: {path}").format(path=path.name))
    try:
        qr = segno.make_qr(public.to_qr_text(), error="m")
    except segno.DataOverflowError as exc:
        raise InvalidInput(_("Too many keys for one QR code: export the public keys as a JSON file instead.")) from exc
    buf = io.BytesIO()
    qr.save(buf, kind=kind, scale=8, border=4)
    atomic_write(path, buf.getvalue(), mode=0o644)
    return path
