"""The coordination's public keys (:class:`CoordinationPublicKeys`): what a post needs to
encrypt its bundles for the HHBM coordination and to check what the coordination signs.

Exported by ``border-app coordination keys export-public --out FILE.json [--qr FILE]``
(format ``hhbm-coordination-keys/1``; QR text ``HHBM-CK1:``), pinned at a post by
``border-app keys pin-coordination FILE.json``: the pinned keys are stored inside the post's
keystore (``"pinned_coordination"``), covered by its MAC, so that they cannot be swapped
without the master key."""

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
from .primitives import COORD_ENCRYPTION, COORD_SIGNING, key_id

COORD_PUBLIC_FORMAT = "hhbm-coordination-keys/1"
COORD_QR_PREFIX = "HHBM-CK1:"
MAX_TEXT = 64 * 1024


@dataclass(frozen=True)
class CoordinationPublicKeys:
    signing_public_key: bytes          # Ed25519
    encryption_public_key: bytes       # X25519: bundles are sealed to it
    created_at: str
    retired: list = field(default_factory=list)   # {"purpose", "key_id", "public_key", "created_at", "retired_at"}
    demo: bool = False

    @property
    def signing_key_id(self) -> str:
        return key_id(self.signing_public_key)

    @property
    def encryption_key_id(self) -> str:
        return key_id(self.encryption_public_key)

    def to_json(self) -> dict:
        d: dict[str, Any] = {"format": COORD_PUBLIC_FORMAT, "created_at": self.created_at,
             "signing_key_id": self.signing_key_id, "signing_public_key": b64e(self.signing_public_key),
             "encryption_key_id": self.encryption_key_id, "encryption_public_key": b64e(self.encryption_public_key),
             "retired": [{"purpose": r["purpose"], "key_id": r["key_id"], "public_key": b64e(r["public_key"]),
                          "created_at": r["created_at"], "retired_at": r["retired_at"]} for r in self.retired]}
        if self.demo:
            d["demo"] = True
        return d

    @classmethod
    def from_json(cls, d: Any) -> "CoordinationPublicKeys":
        try:
            if not isinstance(d, dict) or d.get("format") != COORD_PUBLIC_FORMAT:
                raise ValueError("format")
            check_text(d.get("created_at"), 40)
            signing = b64d(d.get("signing_public_key"), length=32)
            encryption = b64d(d.get("encryption_public_key"), length=32)
            for name, raw in (("signing_key_id", signing), ("encryption_key_id", encryption)):
                if name in d and d[name] != key_id(raw):
                    raise ValueError(name)
            retired = []
            items = d.get("retired", [])
            if not isinstance(items, list) or len(items) > 1000:
                raise ValueError("retired")
            for r in items:
                if not isinstance(r, dict) or r.get("purpose") not in (COORD_SIGNING, COORD_ENCRYPTION):
                    raise ValueError("retired entry")
                pub = b64d(r.get("public_key"), length=32)
                check_text(r.get("created_at"), 40)
                check_text(r.get("retired_at"), 40)
                retired.append({"purpose": r["purpose"], "key_id": key_id(pub), "public_key": pub,
                                "created_at": r["created_at"], "retired_at": r["retired_at"]})
            demo = d.get("demo", False)
            if type(demo) is not bool:
                raise ValueError("demo flag")
            return cls(signing, encryption, d["created_at"], retired, demo)
        except (ValueError, TypeError, AttributeError) as exc:
            raise InvalidInput(_("These are not the coordination's public keys (damaged or another kind of file)."),
                               detail=str(exc)) from exc

    @classmethod
    def read(cls, path: Path | str) -> "CoordinationPublicKeys":
        """Read an exported JSON file, or a text file holding the QR code's text."""
        path = Path(path)
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_TEXT + 1)
        except OSError as exc:
            raise InvalidInput(_("{name}: the file cannot be read ({reason}).").format(
                name=path.name, reason=exc.strerror or type(exc).__name__)) from None
        if len(data) > MAX_TEXT:
            raise InvalidInput(_("{name}: the file is too large.").format(name=path.name))
        try:
            text = data.decode("utf-8-sig").strip()
        except UnicodeDecodeError:
            raise InvalidInput(_("{name}: the file is not UTF-8 text.").format(name=path.name)) from None
        if text.startswith(COORD_QR_PREFIX):
            return cls.from_qr_text(text)
        try:
            return cls.from_json(json.loads(text))
        except ValueError as exc:
            if isinstance(exc, InvalidInput):
                raise
            raise InvalidInput(_("These are not the coordination's public keys (damaged or another kind of file).")
                               ) from None

    def to_qr_text(self) -> str:
        d: dict[str, Any] = {"t": self.created_at, "s": b64u(self.signing_public_key),
                             "e": b64u(self.encryption_public_key)}
        if self.demo:
            d["d"] = 1
        return COORD_QR_PREFIX + json.dumps(d, separators=(",", ":"))

    @classmethod
    def from_qr_text(cls, text: str) -> "CoordinationPublicKeys":
        try:
            if not isinstance(text, str) or len(text) > 4096 or not text.startswith(COORD_QR_PREFIX):
                raise ValueError("prefix")
            d = json.loads(text[len(COORD_QR_PREFIX):])
            if not isinstance(d, dict):
                raise ValueError("object")
            check_text(d.get("t"), 40)
            if d.get("d", 0) not in (0, 1) or type(d.get("d", 0)) is not int:
                raise ValueError("demo flag")
            return cls(b64ud(d.get("s"), 32), b64ud(d.get("e"), 32), d["t"], [], bool(d.get("d", 0)))
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            raise InvalidInput(_("This QR code does not hold the coordination's public keys."),
                               detail=str(exc)) from exc

    # the form stored inside a post's keystore (covered by its MAC)
    def to_pinned(self, pinned_at: str) -> dict:
        return {**self.to_json(), "pinned_at": pinned_at}

    @classmethod
    def from_pinned(cls, d: dict) -> "CoordinationPublicKeys":
        return cls.from_json({k: v for k, v in d.items() if k != "pinned_at"})


def export_coordination_qr(public: CoordinationPublicKeys, path: Path | str) -> Path:
    import segno   # lazy: see public.export_public_qr

    path = Path(path)
    kind = path.suffix.lower().lstrip(".")
    if kind not in ("png", "svg"):
        raise InvalidInput(_("The QR code file must end in .png or .svg: {path}").format(path=path.name))
    buf = io.BytesIO()
    segno.make_qr(public.to_qr_text(), error="m").save(buf, kind=kind, scale=8, border=4)
    atomic_write(path, buf.getvalue(), mode=0o644)
    return path
