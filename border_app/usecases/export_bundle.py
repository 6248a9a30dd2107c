"""Export this post's data for the HHBM coordination: one signed, encrypted bundle
(``hhbm-bundle/1``, :mod:`border_app.bundles`) written to a folder (a USB stick), used by
``border-app export`` and the export screen.

Incremental from the last exported change counter, or ``full`` (from 0): one code path.
Written atomically (temporary name in the target folder, fsync, rename, fsync of the
folder), then read back and checked with what the post knows (outer framing, recipient,
size, SHA-256 of the file) before it is reported as written; a full disk or a read-only
folder leaves nothing behind and can be retried. Each export is audited. Audit entries
alone do not make an export necessary (``ExportResult.bundle`` is None: nothing new).
"""

from __future__ import annotations

import errno
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from db.exports import ExportService, Pending

from .. import clock
from ..bundles import BundleError, build_bundle, bundle_file_name, check_written
from ..errors import InvalidInput
from ..i18n import _
from ..model import Actor
from ..roles import Permission, require


class ExportRefused(InvalidInput):
    """The export cannot be made (keys not pinned, folder not writable, disk full): exit 2."""


@dataclass
class ExportResult:
    bundle: Path | None               # None: nothing new to export
    post_id: str
    from_seq: int
    to_seq: int
    counts: dict[str, int] = field(default_factory=dict)
    size: int = 0
    sha256: str | None = None
    demo: bool = False
    full: bool = False

    def as_json(self) -> dict:
        return {"bundle": str(self.bundle) if self.bundle is not None else None, "post_id": self.post_id,
                "from_seq": self.from_seq, "to_seq": self.to_seq, "counts": dict(self.counts)}


def pending_export(db, actor: Actor) -> Pending:
    """What is still unexported (counts, oldest record, last export)."""
    return ExportService(db, actor).pending()


def _pinned_keys(actor: Actor):
    keys = actor.keys
    if keys is None or keys.locked:
        raise ExportRefused(_("Your account holds no key slot: ask the post administrator to give you one "
                              "(reset your password), then sign in again."))
    pinned = getattr(keys, "pinned_coordination", None)
    if pinned is None:
        raise ExportRefused(_("The coordination's public keys are not pinned at this post, so a bundle cannot be "
                              "encrypted for it. The post administrator pins them once: border-app keys "
                              "pin-coordination FILE.json (the file from border-app coordination keys export-public)."))
    return keys, pinned


def _check_folder(out_dir: Path) -> Path:
    out = Path(out_dir).expanduser()
    if not out.is_dir():
        raise ExportRefused(_("The folder {path} does not exist (is the USB stick plugged in?).").format(path=out))
    if not os.access(out, os.W_OK | os.X_OK):
        raise ExportRefused(_("The folder {path} cannot be written (read-only or no permission): choose another "
                              "folder.").format(path=out))
    return out.resolve()


def export_bundle(db, actor: Actor, out_dir: str | os.PathLike, *, full: bool = False,
                  progress: Callable[[str], None] | None = None) -> ExportResult:
    """Write the next bundle (or the full one) into ``out_dir``; see the module docstring."""
    require(actor.role, Permission.EXPORT_BUNDLE)
    keys, pinned = _pinned_keys(actor)
    out = _check_folder(Path(out_dir))
    service = ExportService(db, actor)
    say = progress or (lambda _text: None)
    say(_("Reading the records…"))
    with service.snapshot(full=full) as snap:
        if snap.post.demo != bool(keys.demo):
            raise ExportRefused(_("This post's keys and its data disagree about being demo data: nothing was "
                                  "exported."))
        result = ExportResult(bundle=None, post_id=snap.post.id, from_seq=snap.from_seq, to_seq=snap.to_seq,
                              demo=snap.post.demo, full=full)
        if snap.data_records == 0:
            result.counts = {k: 0 for k in ("persons", "documents", "crossings", "screenings", "slips",
                                            "tombstones", "audit")}
            return result
        fields = {"schema_version": snap.schema_version, "post_id": snap.post.id, "post_name": snap.post.name,
                  "pcode": snap.post.pcode, "from_seq": snap.from_seq, "to_seq": snap.to_seq, "full": full,
                  "created_at": clock.utcnow().replace(microsecond=0).isoformat().replace("+00:00", "Z"),
                  "audit_head": snap.audit_head, "demo": snap.post.demo}
        say(_("Signing and encrypting…"))
        blob, manifest = build_bundle(snap.records, fields, keys, pinned.encryption_public_key,
                                      pinned.encryption_key_id)
    counts = dict(manifest.counts)
    name = bundle_file_name(snap.post.pcode, snap.post.id, snap.from_seq, snap.to_seq)
    path = out / name
    sha = hashlib.sha256(blob).hexdigest()
    say(_("Writing {name}…").format(name=name))
    _write_atomically(path, blob)
    say(_("Checking what was written…"))
    try:
        check_written(path, expected_sha256=sha, expected_size=len(blob), recipient_key_id=pinned.encryption_key_id)
    except BundleError as exc:
        _unlink(path)
        raise ExportRefused(_("The bundle written to {path} did not read back correctly (a failing USB stick?): "
                              "it was removed. Try again, or another stick.").format(path=out)) from exc
    service.record(from_seq=snap.from_seq, to_seq=snap.to_seq, full=full, file_name=name, size=len(blob),
                   sha256=sha, counts=counts)
    result.bundle, result.counts, result.size, result.sha256 = path, counts, len(blob), sha
    return result


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _write_atomically(path: Path, data: bytes) -> None:
    """Temporary name in the same folder, fsync, rename, fsync of the folder. On any error
    the temporary file is removed and a clear :class:`ExportRefused` raised."""
    tmp = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view[:1 << 20])
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        try:
            dfd = os.open(path.parent, os.O_RDONLY)
        except OSError:   # pragma: no cover - no directory fds on this platform
            return
        try:
            os.fsync(dfd)
        except OSError:   # pragma: no cover
            pass
        finally:
            os.close(dfd)
    except OSError as exc:
        _unlink(tmp)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise ExportRefused(_("The disk or USB stick is full: the bundle ({size} MB) was not written and nothing "
                                  "was left behind. Free some space and export again.").format(
                                      size=max(1, round(len(data) / 1e6)))) from exc
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise ExportRefused(_("The folder {path} cannot be written (read-only or no permission): choose another "
                                  "folder.").format(path=path.parent)) from exc
        raise ExportRefused(_("The bundle could not be written to {path}: {reason}. Nothing was left behind; "
                              "try again.").format(path=path.parent, reason=exc.strerror or exc)) from exc
