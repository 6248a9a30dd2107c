"""The one error of the bundle reader (:class:`BundleError`): a stable ``reason_code``
for programs and logs, a translated message for people."""

from __future__ import annotations

from ..errors import InvalidInput
from ..i18n import N_, _

#: reason code -> English source text (translated when the error is raised)
REASONS: dict[str, str] = {
    "not_a_bundle": N_("This file is not an HHBM data bundle, or it is damaged."),
    "truncated": N_("The bundle is incomplete (truncated): copy it again from the post's USB stick."),
    "too_large": N_("The bundle is larger than the allowed maximum."),
    "foreign_key": N_("The bundle was encrypted for another coordination key."),
    "decrypt_failed": N_("The bundle could not be decrypted: it is damaged or was altered."),
    "bad_signature": N_("The bundle's signature is not valid: it was altered or forged."),
    "unknown_key": N_("The bundle was signed by a key that is not registered."),
    "hash_mismatch": N_("A part of the bundle does not match its fingerprint: it was altered."),
    "count_mismatch": N_("The bundle's record counts do not match its contents."),
    "wrong_format": N_("The bundle's format is not supported by this version of the application."),
    "wrong_schema": N_("The bundle was made by a post database version this coordination database does not accept."),
    "demo_bundle": N_("A demo (training) bundle cannot be imported into a real coordination database, "
                      "and a real bundle not into a demo one."),
    "bad_record": N_("The bundle holds a record that is not allowed (unknown or missing fields)."),
    # decided by the coordination importer, listed here so that every code has its text
    "revoked_post": N_("The post's key was revoked: its bundles are refused."),
    "unknown_post": N_("The bundle comes from a post that is not registered."),
    "foreign_record": N_("The bundle holds a record that belongs to another post."),
}


class BundleError(InvalidInput):
    """A bundle refused; ``reason_code`` is stable (see :data:`REASONS`), ``message`` translated."""

    def __init__(self, reason_code: str, message: str | None = None, *, detail: str | None = None):
        if reason_code not in REASONS:
            raise ValueError(f"unknown bundle reason code {reason_code!r}")
        super().__init__(message or _(REASONS[reason_code]), detail=detail)
        self.reason_code = reason_code
