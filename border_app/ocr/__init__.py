"""Our own offline MRZ reader for document images (OCR-B), numpy + OpenCV only.

Pipeline: locate the MRZ band (black-hat + gradient morphology), rectify it (rotation,
upside-down, moderate perspective, a bow along its lines; files at any angle), split
it into lines, segment the fixed-pitch OCR-B characters, classify each with small numpy
models (weights in ``resources/models``), then decode each line with the format's structure
and check digits; the lines go to :func:`border_app.mrz.parse`.

    from border_app.ocr import read_file, read_frame
    reads = read_file("scan.jpg")      # list[MrzRead], best first
    reads = read_frame(bgr_frame)      # camera frames (numpy arrays)
    reads[0].result.to_json()          # the MrzResult from border_app.mrz

This module imports nothing heavy: OpenCV/numpy load on first use (measured: numpy about
150 ms, OpenCV 60 ms more, which the command line's parser and the GUI's start need not pay).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from .reader import MrzRead, MrzReader

__all__ = ["MrzRead", "MrzReader", "load_image", "read_file", "read_frame", "read_line"]


def read_frame(frame: "np.ndarray") -> "list[MrzRead]":
    """MRZs in an image array (BGR or grayscale), best (valid, most confident) first."""
    from .reader import read_frame as _rf

    return _rf(frame)


def read_file(path: Any) -> "list[MrzRead]":
    """MRZs in an image file (JPEG, PNG, TIFF, BMP) or a scanner PDF's first-page image.

    A document turned further than the reader's 15 degrees (at any angle, sideways) is read too.
    Raises :class:`~border_app.errors.InvalidInput` for unreadable, truncated or huge files."""
    from .inputs import load_image as _load
    from .reader import default_reader

    return default_reader().read(_load(path), turn=True)


def load_image(path: Any) -> "np.ndarray":
    from .inputs import load_image as _load

    return _load(path)


def read_line(gray: "np.ndarray") -> str:
    """Characters of one cropped MRZ text line (no structure applied)."""
    from .reader import default_reader

    return default_reader().read_line(gray)


def __getattr__(name: str):
    if name in ("MrzRead", "MrzReader"):
        from . import reader

        return getattr(reader, name)
    raise AttributeError(name)
