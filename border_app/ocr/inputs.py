"""Load images for the MRZ reader: files (JPEG, PNG, TIFF, BMP), scanner PDFs, with limits.

Every failure is an :class:`~border_app.errors.InvalidInput` with a translated message;
decoding is bounded: the pixel count is read from the header before decoding where the
format allows it, images above ``MAX_PIXELS`` are refused and those above
``DOWNSCALE_PIXELS`` are reduced.
"""

from __future__ import annotations

import io
import os
import struct
from pathlib import Path

import numpy as np

from ..errors import InvalidInput
from ..i18n import _

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_PIXELS = 200_000_000
DOWNSCALE_PIXELS = 25_000_000


def _tiff_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of the first image of a TIFF, from its first IFD."""
    end = "<" if data[:2] == b"II" else ">"
    try:
        (ifd,) = struct.unpack(end + "I", data[4:8])
        (count,) = struct.unpack(end + "H", data[ifd : ifd + 2])
        w = h = None
        for k in range(min(count, 512)):
            entry = data[ifd + 2 + 12 * k : ifd + 14 + 12 * k]
            tag, typ = struct.unpack(end + "HH", entry[:4])
            value = struct.unpack(end + ("H" if typ == 3 else "I"), entry[8:10] if typ == 3 else entry[8:12])[0]
            if tag == 256:
                w = value
            elif tag == 257:
                h = value
        return (w, h) if w and h else None
    except struct.error:
        return None


def _header_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG/JPEG/BMP header without decoding, if it can be read."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return w, h
    if data[:2] == b"BM" and len(data) >= 26:
        w, h = struct.unpack("<ii", data[18:26])
        return abs(w), abs(h)
    if data[:4] in (b"II*\x00", b"MM\x00*") and len(data) >= 8:
        return _tiff_size(data)
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
                h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                return w, h
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            seg = struct.unpack(">H", data[i + 2 : i + 4])[0]
            i += 2 + seg
    return None


def decode_image(data: bytes, name: str = "") -> np.ndarray:
    """Decode image bytes into a grayscale uint8 array (bounded)."""
    import cv2

    size = _header_size(data)
    if size is not None and size[0] * size[1] > MAX_PIXELS:
        raise InvalidInput(
            _("{name}: the image is too large ({megapixels} megapixels; at most {limit}).").format(
                name=name, megapixels=size[0] * size[1] // 1_000_000, limit=MAX_PIXELS // 1_000_000
            )
        )
    buf = np.frombuffer(data, np.uint8)
    flags = cv2.IMREAD_GRAYSCALE
    if size is not None and size[0] * size[1] > 4 * DOWNSCALE_PIXELS:
        flags = cv2.IMREAD_REDUCED_GRAYSCALE_4
    elif size is not None and size[0] * size[1] > DOWNSCALE_PIXELS:
        flags = cv2.IMREAD_REDUCED_GRAYSCALE_2
    try:
        img = cv2.imdecode(buf, flags)
    except cv2.error:
        img = None
    if img is None or img.size == 0:
        raise InvalidInput(_("{name}: this file is not a readable image (or it is truncated).").format(name=name))
    if img.shape[0] * img.shape[1] > MAX_PIXELS:
        raise InvalidInput(
            _("{name}: the image is too large ({megapixels} megapixels; at most {limit}).").format(
                name=name, megapixels=img.shape[0] * img.shape[1] // 1_000_000, limit=MAX_PIXELS // 1_000_000
            )
        )
    if img.dtype != np.uint8:
        img = cv2.normalize(img, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    px = img.shape[0] * img.shape[1]
    if px > DOWNSCALE_PIXELS:
        f = (DOWNSCALE_PIXELS / px) ** 0.5
        img = cv2.resize(img, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    return img


def pdf_first_image(data: bytes, name: str = "") -> bytes:
    """The largest embedded image of a PDF's first page, as encoded bytes (JPEG/PNG)."""
    try:
        from pypdf import PdfReader
    except ImportError:  # pragma: no cover - pypdf is a dependency
        raise InvalidInput(_("{name}: PDF files cannot be read on this computer.").format(name=name)) from None
    try:
        reader = PdfReader(io.BytesIO(data))
        if not reader.pages:
            raise InvalidInput(_("{name}: the PDF has no page.").format(name=name))
        images = list(reader.pages[0].images)
    except InvalidInput:
        raise
    except Exception:  # noqa: BLE001 - any parse failure of a hostile PDF
        raise InvalidInput(_("{name}: this PDF cannot be read (damaged or encrypted).").format(name=name)) from None
    if not images:
        raise InvalidInput(_("{name}: the first page of the PDF holds no image (scan the document as an image).").format(name=name))
    best = None
    for im in images:
        try:
            raw = im.data
            if best is None or len(raw) > len(best):
                best = raw
        except Exception:  # noqa: BLE001
            continue
    if best is None:
        raise InvalidInput(_("{name}: the image in the PDF cannot be read.").format(name=name))
    return best


def load_image(path: str | os.PathLike) -> np.ndarray:
    """Grayscale image from a file: JPEG, PNG, TIFF, BMP or a PDF (first page's image)."""
    p = Path(path)
    name = p.name
    try:
        size = p.stat().st_size
        if not p.is_file():
            raise InvalidInput(_("{name}: not a file.").format(name=name))
        if size > MAX_FILE_BYTES:
            raise InvalidInput(_("{name}: the file is too large.").format(name=name))
        data = p.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(_("{name}: no such file.").format(name=name)) from None
    except PermissionError:
        raise InvalidInput(_("{name}: the file cannot be read (permission denied).").format(name=name)) from None
    except IsADirectoryError:
        raise InvalidInput(_("{name}: not a file.").format(name=name)) from None
    if not data:
        raise InvalidInput(_("{name}: the file is empty.").format(name=name))
    if data[:5] == b"%PDF-":
        data = pdf_first_image(data, name)
    return decode_image(data, name)
