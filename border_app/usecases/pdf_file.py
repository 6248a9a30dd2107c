"""Write a PDF the user asked for (a slip, a report) to a file they named: the one check of
the target (not a folder, its folder exists), then an atomic private write (mode 0600).
Used by the command line (``slip``, ``report``) and the preview's "Save as PDF…"."""

from __future__ import annotations

import os
from pathlib import Path

from ..atomic import atomic_write
from ..errors import InvalidInput
from ..i18n import _


def write_pdf(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` (``~`` expanded) atomically, readable by the owner only.
    Raises a translated ``InvalidInput`` for a folder or a missing parent folder."""
    out = Path(path).expanduser()
    if out.is_dir():
        raise InvalidInput(_("{path} is a folder: give a file name ending in .pdf").format(path=out))
    if not out.parent.is_dir():
        raise InvalidInput(_("The folder {path} does not exist.").format(path=out.parent))
    atomic_write(out, data, mode=0o600)
    return out
