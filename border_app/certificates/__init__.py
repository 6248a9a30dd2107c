"""Health certificates and signed payloads: EU DCC, WHO DDCC:VS, SMART Health Cards, our slips."""

from __future__ import annotations

from border_app.certificates.result import CertificateResult

__all__ = ["CertificateResult", "interpret"]


def interpret(text, *, trust=None, at=None):  # replaced by the dispatcher below
    from border_app.certificates.dispatch import interpret as _interpret

    return _interpret(text, trust=trust, at=at)
