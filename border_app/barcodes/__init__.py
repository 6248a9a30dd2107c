"""Barcode decoding behind one interface: zxing-cpp first, ZBar (pyzbar) as a fallback.

OpenCV, numpy, zxing-cpp and pyzbar are imported only inside this package, lazily, so the
domain stays importable on a machine without them. Formats: QR, PDF417, DataMatrix,
Aztec, Code 128 and Code 39; every code found in an image is reported.

* :func:`decode_image` — a file path, bytes or an array; thorough: several binarizers and
  scales are tried (each only while nothing was found), then ZBar.
* :func:`decode_frame` — a camera frame (BGR or gray array); fast passes sized for live video.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from border_app import images
from border_app.errors import InvalidInput
from border_app.i18n import _

log = logging.getLogger(__name__)

FORMATS = ("QRCode", "PDF417", "DataMatrix", "Aztec", "Code128", "Code39")
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_PIXELS = 60_000_000


@dataclass(frozen=True)
class Barcode:
    format: str  # one of FORMATS (or another zxing/ZBar format name)
    text: str
    bytes: bytes
    position: list[tuple[int, int]]  # corners: top-left, top-right, bottom-right, bottom-left
    backend: str  # "zxing-cpp" or "zbar"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"format": self.format, "text": self.text, "position": [list(p) for p in self.position],
                "backend": self.backend}


def load_image(source):
    """A grayscale uint8 array from a path, encoded bytes, or an array (BGR/BGRA/gray);
    files are read and decoded by :mod:`border_app.images` (byte and pixel limits)."""
    import numpy as np

    if isinstance(source, np.ndarray):
        return _to_gray(source)
    if isinstance(source, (str, Path)):
        path = Path(source)
        return images.decode_gray(images.read_limited(path, MAX_FILE_BYTES), path.name, max_pixels=MAX_PIXELS)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return images.decode_gray(bytes(source), _("(image data)"), max_pixels=MAX_PIXELS)
    raise TypeError("decode_image expects a path, bytes or a numpy array")


def _to_gray(array):
    import cv2
    import numpy as np

    if array.dtype != np.uint8:
        array = np.clip(array, 0, 255).astype(np.uint8)
    if array.ndim == 2:
        return array
    if array.ndim == 3 and array.shape[2] == 1:
        return array[:, :, 0]
    if array.ndim == 3 and array.shape[2] == 3:
        return cv2.cvtColor(array, cv2.COLOR_BGR2GRAY)
    if array.ndim == 3 and array.shape[2] == 4:
        return cv2.cvtColor(array, cv2.COLOR_BGRA2GRAY)
    raise InvalidInput(_("Unsupported image layout {shape}.").format(shape=array.shape))


def decode_image(source, *, use_zbar: bool = True) -> list[Barcode]:
    """Every code in an image file / bytes / array; thorough (several passes, then ZBar)."""
    from border_app.barcodes import _zxing

    gray = load_image(source)
    codes = _zxing.decode_thorough(gray)
    if not codes and use_zbar:
        from border_app.barcodes import _zbar

        codes = _zbar.decode(gray)
    return codes


_frame_decoder = None


def decode_frame(frame, *, fast: bool = True) -> list[Barcode]:
    """Codes in one camera frame (numpy BGR or gray).

    ``fast`` (live video, <= 30 ms for 1280x720): QR codes in every frame on the full frame,
    the other formats in turn (one group per call) on reduced images, see
    :class:`~border_app.barcodes._zxing.FrameDecoder`. ``fast=False``: every format and every
    pass at once, as :func:`decode_image` (for a still capture).
    """
    global _frame_decoder
    import numpy as np

    from border_app.barcodes import _zxing

    gray = np.ascontiguousarray(_to_gray(frame))  # converted once, shared by every pass
    if not fast:
        return _zxing.decode_thorough(gray)
    if _frame_decoder is None:
        _frame_decoder = _zxing.FrameDecoder()
    return _frame_decoder.decode(gray)


def frame_decoder():
    """A new stateful live-video decoder (one per camera): ``frame_decoder().decode(gray)``."""
    from border_app.barcodes import _zxing

    return _zxing.FrameDecoder()


def decode_plain_zxing(source) -> list[Barcode]:
    """zxing-cpp with its default settings only (the benchmark's and tests' baseline)."""
    from border_app.barcodes import _zxing

    return _zxing.decode_default(load_image(source))
