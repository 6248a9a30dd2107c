"""Data bundles ``hhbm-bundle/1``: what a post exports for the HHBM coordination (one file
per export, signed by the post, encrypted to the coordination). Pure domain: no database,
no Qt. The format is described in ``docs/bundles.md``.

Modules: ``whitelist`` (the ONE list of exported fields), ``manifest`` (the signed
manifest), ``records`` (JSON Lines), ``sealing`` (chunked encryption to the
coordination's key, outer framing), ``writer`` (:func:`write_bundle`), ``reader``
(:func:`open_bundle`, :func:`peek_recipient`, :func:`check_written`), ``errors``
(:class:`BundleError` and its stable reason codes).
"""

from __future__ import annotations

from .errors import REASONS, BundleError
from .manifest import FORMAT, SIGNATURE_CONTEXT, Manifest
from .reader import DEFAULT_MAX_BYTES, OpenedBundle, check_written, open_bundle, peek_recipient
from .sealing import CHUNK, MAGIC, encrypted_size
from .whitelist import COUNT_KEYS, ENTITIES, WHITELIST
from .writer import build_bundle, bundle_file_name, write_bundle

__all__ = [
    "CHUNK", "COUNT_KEYS", "DEFAULT_MAX_BYTES", "ENTITIES", "FORMAT", "MAGIC", "REASONS", "SIGNATURE_CONTEXT",
    "WHITELIST", "BundleError", "Manifest", "OpenedBundle", "build_bundle", "bundle_file_name", "check_written",
    "encrypted_size", "open_bundle", "peek_recipient", "write_bundle",
]
