"""The bundle's manifest (:class:`Manifest`): what the bundle holds, signed by the post.

Canonical JSON (sorted keys, no spaces, UTF-8); the post's Ed25519 key signs
``SIGNATURE_CONTEXT + manifest bytes`` (domain separation: a signature over a manifest can
never be taken for a slip's or anything else the post signs).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from .errors import BundleError
from .whitelist import COUNT_KEYS, ENTITIES

FORMAT = "hhbm-bundle/1"
SIGNATURE_CONTEXT = b"hhbm-bundle/1 manifest\x00"
MAX_MANIFEST_BYTES = 64 * 1024
#: a part may not claim more than this many bytes once decompressed
MAX_PART_BYTES = 1 << 34

_HEX16 = re.compile(r"^[0-9a-f]{16}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_ZULU = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$")


@dataclass(frozen=True)
class Manifest:
    format: str
    schema_version: str
    post_id: str
    post_name: str
    pcode: str
    demo: bool
    from_seq: int            # exclusive
    to_seq: int              # inclusive: records with from_seq < change_seq <= to_seq
    full: bool
    created_at: str          # the laptop's clock at export, UTC ISO 8601 "Z"
    signing_key_id: str
    counts: dict = field(default_factory=dict)
    parts: dict = field(default_factory=dict)    # entity -> {"sha256", "bytes", "records", "compressed"}
    audit_head: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json_bytes(self) -> bytes:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    def signed_message(self) -> bytes:
        return SIGNATURE_CONTEXT + self.to_json_bytes()

    @classmethod
    def from_json_bytes(cls, data: bytes) -> "Manifest":
        """Parse and check the shape; :class:`BundleError` ``wrong_format`` if unusable."""
        try:
            d = json.loads(bytes(data).decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise BundleError("not_a_bundle", detail="manifest json") from exc
        if not isinstance(d, dict):
            raise BundleError("not_a_bundle", detail="manifest not an object")
        if d.get("format") != FORMAT:
            raise BundleError("wrong_format", detail=f"format {str(d.get('format'))[:40]!r}")
        try:
            return cls._checked(d)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise BundleError("wrong_format", detail=f"manifest: {str(exc)[:120]}") from exc

    @classmethod
    def _checked(cls, d: dict) -> "Manifest":
        names = set(cls.__dataclass_fields__)
        if set(d) != names:
            raise ValueError(f"fields {sorted(set(d) ^ names)}")
        for name in ("schema_version", "post_id", "post_name", "pcode", "created_at", "signing_key_id"):
            _text(d[name], name)
        for name in ("demo", "full"):
            if type(d[name]) is not bool:
                raise ValueError(name)
        for name in ("from_seq", "to_seq"):
            _count(d[name], name)
        if d["from_seq"] > d["to_seq"]:
            raise ValueError("range")
        if not _ZULU.match(d["created_at"]):
            raise ValueError("created_at")
        if not _HEX16.match(d["signing_key_id"]):
            raise ValueError("signing_key_id")
        counts = d["counts"]
        if not isinstance(counts, dict) or set(counts) != set(COUNT_KEYS):
            raise ValueError("counts")
        for k, v in counts.items():
            _count(v, k)
        parts = d["parts"]
        if not isinstance(parts, dict) or set(parts) != set(ENTITIES):
            raise ValueError("parts")
        for entity, part in parts.items():
            if not isinstance(part, dict) or set(part) != {"sha256", "bytes", "records", "compressed"}:
                raise ValueError(f"part {entity}")
            if not isinstance(part["sha256"], str) or not _HEX64.match(part["sha256"]):
                raise ValueError(f"part {entity} sha256")
            for k in ("bytes", "records", "compressed"):
                _count(part[k], f"{entity}.{k}")
            if part["bytes"] > MAX_PART_BYTES:
                raise ValueError(f"part {entity} too large")
        head = d["audit_head"]
        if not isinstance(head, dict) or (head and (set(head) != {"seq", "id"} or type(head["seq"]) is not int
                                                    or not isinstance(head["id"], str))):
            raise ValueError("audit_head")
        return cls(**d)


def _text(value: Any, name: str, max_len: int = 200) -> None:
    if not isinstance(value, str) or len(value) > max_len or not value.isprintable():
        raise ValueError(name)


def _count(value: Any, name: str) -> None:
    if type(value) is not int or value < 0 or value > 1 << 62:
        raise ValueError(name)
