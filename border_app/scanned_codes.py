"""What a scanner read: ``interpret(text)`` routes a scanned payload to the right
interpreter — a health certificate (``border_app.certificates``) or one of our slips
(``border_app.slip_payload``) — and never crashes.

It sits above both (they know nothing of each other's reader), so that neither package
imports the other in a cycle."""

from __future__ import annotations

import logging
from datetime import datetime

from border_app.certificates.hcert import interpret_hc1
from border_app.certificates.limits import MAX_TEXT
from border_app.certificates.result import CertificateResult
from border_app.certificates.shc import interpret_shc
from border_app.i18n import _
from border_app.slip_payload import verify_slip_text

log = logging.getLogger(__name__)


def interpret(text: str, *, trust=None, at: datetime | None = None) -> CertificateResult:
    """Interpret one scanned payload: ``HC1:`` (EU DCC / WHO DDCC), ``shc:/``, ``HHBM2:``/``HHBM1:`` (our slips)."""
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", "replace")
    if not isinstance(text, str):
        text = str(text)
    if len(text) > MAX_TEXT:
        return CertificateResult(
            kind="unknown",
            malformed=True,
            errors=[_("The code holds {count} characters: too long to be a certificate, refused.")
                    .format(count=len(text))],
            text=text[:200] + "…",
        )
    stripped = text.strip()
    try:
        upper = stripped[:6].upper()
        if upper.startswith("HC1:"):
            return interpret_hc1(stripped, trust=trust, at=at)
        if upper.startswith("SHC:/"):
            return interpret_shc(stripped, trust=trust, at=at)
        if upper.startswith(("HHBM1:", "HHBM2:")):
            return _interpret_slip(stripped, trust=trust, at=at)
    except Exception:  # a bug in an interpreter must not crash the scan field
        log.exception("interpreter failed")
        return CertificateResult(
            kind="unknown", malformed=True, text=text, errors=[_("This code could not be interpreted.")]
        )
    return CertificateResult(kind="unknown", signature="none", text=text)


def _interpret_slip(text: str, *, trust, at) -> CertificateResult:
    def lookup(key_id: str):
        return trust.post_key(key_id) if trust is not None else None

    try:
        return verify_slip_text(text, lookup, at)
    except Exception as exc:  # the slip module raises user-facing errors for bad slips
        message = getattr(exc, "message", None)
        if message is None:
            log.exception("slip verification failed")
            message = _("This slip could not be read.")
        return CertificateResult(kind="slip", malformed=True, text=text, errors=[message])
