"""Health certificates and signed payloads: EU DCC, WHO DDCC:VS, SMART Health Cards, our slips."""

from __future__ import annotations

from border_app.certificates.result import CertificateResult

__all__ = ["CertificateResult"]
# Interpreting a scanned code (a certificate or one of our slips) is border_app.scanned_codes.interpret.
