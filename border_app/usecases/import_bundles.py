"""Import data bundles (``hhbm-bundle/1``) into the coordination database
(``border-app coordination import``, the coordinator screen).

For each bundle, in order: its SHA-256 (the same file imported before changes nothing);
open it with the coordination's private keys (current and retired: bundles sealed to a
retired key while in transit still open) and the registered posts' signing keys
(``border_app.bundles.open_bundle`` checks the size, decryption, signature, schema,
hashes and counts); then the decisions that need the database: the signing key must be
one of the post the manifest names, the post not revoked, a demo bundle only in a demo
database (and a real one only in a real one), a counter range already received changes
nothing; then the whole bundle is applied in ONE transaction
(``db.coordination.importer``), together with its import-log row, received range and the
post's last import. A refused bundle leaves only its import-log row. Every attempt writes
exactly one row of the import log.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable

from sqlalchemy import text
from sqlalchemy.exc import DataError, IntegrityError, InternalError, ProgrammingError

from db.coordination import CoordinationDB, accepted_post_schemas
from db.coordination.importer import apply_bundle, newest_record_at
from db.coordination.posts import signing_keys
from db.coordination.status import covered, received_ranges

from ..bundles import DEFAULT_MAX_BYTES, BundleError, open_bundle
from ..errors import KeyStoreError
from ..i18n import _
from ..roles import Permission, require

IMPORTED, ALREADY, REJECTED = "imported", "already_imported", "rejected"


@dataclass
class ImportResult:
    """The outcome of one bundle (one line of ``import --json``)."""

    bundle: str
    status: str
    reason_code: str | None = None
    reason: str | None = None
    post_id: str | None = None
    counts: dict | None = None
    rows_changed: int = 0
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"bundle": self.bundle, "status": self.status, "reason_code": self.reason_code,
                "reason": self.reason, "post_id": self.post_id, "counts": self.counts}


def coordination_private_keys(actor) -> dict:
    """The coordination's X25519 private keys (current and retired) of the signed-in user."""
    keys = getattr(actor, "keys", None)
    if keys is None:
        raise KeyStoreError(_("Your account holds no key slot: it cannot open bundles. Ask the post administrator."))
    return keys.coordination_private_keys()


def import_bundles(db: CoordinationDB, actor, paths: Iterable[str | os.PathLike], *,
                   progress: Callable[[int, int, ImportResult | None], None] | None = None,
                   max_bytes: int = DEFAULT_MAX_BYTES) -> list[ImportResult]:
    """Import each bundle in turn; one :class:`ImportResult` per bundle, in order.
    ``progress(done, total, last_result)`` after each."""
    require(actor.role, Permission.IMPORT_BUNDLE)
    private = coordination_private_keys(actor)
    files = [Path(p) for p in paths]
    results: list[ImportResult] = []
    if progress:
        progress(0, len(files), None)
    for i, path in enumerate(files):
        results.append(import_one(db, path, private_keys=private, max_bytes=max_bytes))
        if progress:
            progress(i + 1, len(files), results[-1])
    return results


def _file_sha256(path: Path, max_bytes: int) -> str | None:
    try:
        if path.stat().st_size > max_bytes:
            return None
        h = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()
    except OSError:
        return None


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _parse_zulu(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def import_one(db: CoordinationDB, path: Path, *, private_keys: dict, max_bytes: int = DEFAULT_MAX_BYTES,
               after_stage: Callable[[], None] | None = None) -> ImportResult:
    """Import one bundle (see the module's text). ``after_stage`` is called inside the
    transaction once the records are staged and merged, before the commit (tests kill
    the process there)."""
    started = time.monotonic()
    shown = str(path.resolve()) if path.exists() else str(path)
    sha = _file_sha256(path, max_bytes)
    log: dict[str, Any] = {"bundle": path.name[:300], "sha256": sha}
    if sha is not None:
        with db.engine.connect() as conn:
            prior = conn.execute(text("SELECT post_id, counts FROM imports WHERE sha256 = :s AND status = 'imported' "
                                      "ORDER BY id LIMIT 1"), {"s": sha}).first()
        if prior is not None:
            result = ImportResult(shown, ALREADY, reason=_("Already imported: nothing changed."),
                                  post_id=prior.post_id, counts=prior.counts)
            _log_only(db, result, log, started)
            return result
    registered = signing_keys(db)
    try:
        opened = open_bundle(path, coordination_private_keys=private_keys,
                             post_signing_keys=lambda kid: registered[kid][1] if kid in registered else None,
                             max_bytes=max_bytes, accepted_schemas=accepted_post_schemas())
    except BundleError as exc:
        code = "unknown_post" if exc.reason_code == "unknown_key" else exc.reason_code
        result = ImportResult(shown, REJECTED, code, _reason(code, exc))
        _log_only(db, result, log, started)
        return result
    except OSError as exc:
        result = ImportResult(shown, REJECTED, "not_a_bundle", _("The bundle cannot be read: {reason}").format(
            reason=exc.strerror or type(exc).__name__))
        _log_only(db, result, log, started)
        return result
    with opened:
        m = opened.manifest
        log.update(post_id=m.post_id, from_seq=m.from_seq, to_seq=m.to_seq, full=m.full, counts=m.counts,
                   created_at=_parse_zulu(m.created_at))
        try:
            result = _apply(db, opened, shown, log, registered, started, after_stage)
        except BundleError as exc:
            result = ImportResult(shown, REJECTED, exc.reason_code, _reason(exc.reason_code, exc),
                                  post_id=m.post_id, counts=m.counts)
        except (DataError, IntegrityError, InternalError, ProgrammingError) as exc:
            # a value PostgreSQL refuses (a text where a number belongs, a date that is none...)
            err = BundleError("bad_record", detail=type(exc).__name__)
            result = ImportResult(shown, REJECTED, err.reason_code, err.message, post_id=m.post_id, counts=m.counts)
        if result.status == REJECTED:
            _log_only(db, result, log, started)
        return result


def _reason(code: str, exc: BundleError) -> str:
    from ..bundles import REASONS

    return _(REASONS[code]) if code != exc.reason_code else exc.message


def _apply(db, opened, shown, log, registered, started, after_stage) -> ImportResult:
    m = opened.manifest
    owner = registered.get(opened.signed_by, (None,))[0]
    if owner != m.post_id:
        raise BundleError("unknown_key", _("The bundle names another post than the one whose key signed it."))
    if m.demo != db.demo:
        raise BundleError("demo_bundle")
    with db.engine.begin() as conn:
        post = conn.execute(text("SELECT revoked_at, demo FROM posts WHERE post_id = :p FOR UPDATE"),
                            {"p": m.post_id}).first()
        if post is None:
            raise BundleError("unknown_post")
        if post.revoked_at is not None:
            raise BundleError("revoked_post")
        if bool(post.demo) != m.demo:
            raise BundleError("demo_bundle")
        ranges = received_ranges(conn, m.post_id)
        # a range received before changes nothing: logged below as already imported
        if not covered(ranges, m.from_seq, m.to_seq):
            changed = apply_bundle(conn, post_id=m.post_id, from_seq=m.from_seq, to_seq=m.to_seq,
                                   records=opened.records)
            newest = newest_record_at(conn)
            if after_stage is not None:
                after_stage()
            rows = sum(changed.values())
            now = _now()
            skew = (log["created_at"] - now).total_seconds()
            import_id = _insert_log(conn, IMPORTED, None, log, rows, skew, started)
            if m.to_seq > m.from_seq:
                conn.execute(text("INSERT INTO received_ranges (post_id, from_seq, to_seq, import_id) "
                                  "VALUES (:p, :a, :b, :i)"), {"p": m.post_id, "a": m.from_seq, "b": m.to_seq,
                                                               "i": import_id})
            conn.execute(text(
                "UPDATE posts SET last_seq = greatest(last_seq, :b), last_import_at = now(), last_bundle = :name, "
                "last_created_at = :c, clock_skew_s = :skew, "
                "newest_record_at = CASE WHEN :n IS NULL THEN newest_record_at "
                "ELSE greatest(newest_record_at, CAST(:n AS timestamptz)) END, "
                "pcode = CASE WHEN pcode = '' THEN :pc ELSE pcode END, "
                "name = CASE WHEN name = '' THEN :pn ELSE name END WHERE post_id = :p"),
                {"p": m.post_id, "b": m.to_seq, "name": log["bundle"], "c": log["created_at"], "skew": skew,
                 "n": newest, "pc": m.pcode, "pn": m.post_name})
            return ImportResult(shown, IMPORTED, post_id=m.post_id, counts=m.counts, rows_changed=rows,
                                extra={"changed": changed})
    result = ImportResult(shown, ALREADY, reason=_("Already imported: nothing changed."), post_id=m.post_id,
                          counts=m.counts)
    _log_only(db, result, log, started)
    return result


def _insert_log(conn, status: str, reason_code: str | None, log: dict, rows: int | None, skew: float | None,
                started: float) -> int:
    import json

    return conn.execute(text(
        'INSERT INTO imports (bundle, sha256, status, reason_code, post_id, from_seq, to_seq, "full", counts, '
        "rows_changed, created_at, clock_skew_s, duration_ms) VALUES (:bundle, :sha, :status, :code, :post, :a, :b, "
        ":full, CAST(:counts AS jsonb), :rows, :created, :skew, :ms) RETURNING id"),
        {"bundle": log["bundle"], "sha": log.get("sha256"), "status": status, "code": reason_code,
         "post": log.get("post_id"), "a": log.get("from_seq"), "b": log.get("to_seq"), "full": log.get("full"),
         "counts": None if log.get("counts") is None else json.dumps(log["counts"]), "rows": rows,
         "created": log.get("created_at"), "skew": skew, "ms": int((time.monotonic() - started) * 1000)}).scalar()


def _log_only(db: CoordinationDB, result: ImportResult, log: dict, started: float) -> None:
    """The one import-log row of a refused or already imported bundle (its own transaction)."""
    with db.engine.begin() as conn:
        _insert_log(conn, result.status, result.reason_code, log, 0, None, started)
