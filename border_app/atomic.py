"""Atomic, private file writes (after Electrum's ``WalletStorage.write``).

Temporary file in the same folder, permissions set *before* any data is written, fsync,
``os.replace``, then fsync of the folder: a crash or power cut leaves either the old
file or the new one, never a half-written one.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from .errors import StorageError
from .i18n import _


def make_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) with mode 0700 if it does not exist."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.chmod(path, 0o700)
    except OSError:  # pragma: no cover - e.g. FAT USB sticks
        pass
    return path


def atomic_write(path: Path | str, data: bytes, *, mode: int = 0o600) -> None:
    """Write ``data`` to ``path`` atomically with permissions ``mode``."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        try:
            os.fchmod(fd, mode)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StorageError(_("The disk is full: {path} was not written. Free some space and try again.")
                               .format(path=path.name)) from exc
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise StorageError(_("The file {path} cannot be written (read-only or no permission).")
                               .format(path=path.name)) from exc
        raise StorageError(_("The file {path} could not be written: {reason}")
                           .format(path=path.name, reason=exc.strerror or exc)) from exc


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)
