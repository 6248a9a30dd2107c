"""The one structured outcome of reading a certificate, slip or any other code payload.

Every interpreter (EU DCC, WHO DDCC, SMART Health Card, our own slips, plain text) returns
a :class:`CertificateResult`; the UI and the ``verify`` command only ever look at this type.
Pure Python: no Qt, no database.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = ("eu-dcc", "who-ddcc", "shc", "slip", "unknown")
SIGNATURES = ("valid", "invalid", "unknown_key", "none")


@dataclass
class CertificateResult:
    """What a code says and whether it can be trusted.

    ``signature``: ``valid`` (checked against a trusted key), ``invalid`` (a trusted key
    exists but the signature does not match), ``unknown_key`` (no trusted key for this key
    id / issuer), ``none`` (nothing signed, or the payload could not be read at all).
    ``expired``: ``True``/``False`` at the evaluation moment, ``None`` when the payload has
    no validity period (or could not be read). ``errors`` are translated, user-facing texts.
    ``malformed``: the payload could not be decoded (bad Base45, zlib, CBOR, JWS...).
    ``demo``: a slip of the demo post (its key or the slip says so): fictitious, never proof.
    """

    kind: str = "unknown"
    signature: str = "none"
    expired: bool | None = None
    holder: dict[str, Any] = field(default_factory=dict)
    entries: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    issuer: str | None = None
    key_id: str | None = None
    issued_at: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    malformed: bool = False
    text: str | None = None  # the payload as text, for kind "unknown"
    demo: bool = False  # signed by (or claiming) a demo post's key: shown as DÉMO everywhere

    @property
    def genuine_and_valid(self) -> bool:
        """Signature checked against a trusted key and not expired (nor not-yet-valid); a
        demo slip never is (its key's password is public)."""
        return self.signature == "valid" and self.expired is not True and not self.malformed and not self.demo

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["genuine_and_valid"] = self.genuine_and_valid
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=False, default=_json_default)

    def summary_lines(self, lang: str | None = None) -> list[str]:
        """Translated, human-readable lines for one-glance display (UI and CLI)."""
        from border_app.certificates.summary import summary_lines

        return summary_lines(self, lang)


def _json_default(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
