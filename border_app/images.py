"""One image loader for everything that reads pictures: the MRZ reader, the barcode
reader and capture (files from a scanner, a phone, a USB stick).

Hostile or broken files are common in the field (a truncated photo, a "picture" that is a
32000x32000 GIF of 737 KB that would decode to 6 GB, ``/dev/zero`` given as a path), so:

* a file is read with a **byte limit** (``read_limited``): at most ``MAX_FILE_BYTES`` + 1
  bytes are ever read, whatever the file claims to be (devices and pipes included);
* only the formats listed in ``FORMATS`` are accepted, recognised by their signature;
* for each of them the **pixel count is read from the header before decoding**
  (``header_size``) and an image over ``MAX_PIXELS`` is refused without being decoded;
  large ones are decoded reduced (OpenCV's ``IMREAD_REDUCED_*``) and scaled down to
  ``DOWNSCALE_PIXELS``.

Every failure is an :class:`~border_app.errors.InvalidInput` with a translated message.
OpenCV, numpy and Pillow are imported when first needed.
"""

from __future__ import annotations

import io
import os
import struct
from pathlib import Path
from typing import Any

from .errors import InvalidInput
from .i18n import _

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_PIXELS = 200_000_000
DOWNSCALE_PIXELS = 25_000_000
#: the formats accepted, by name (recognised by their first bytes)
FORMATS = ("PNG", "JPEG", "BMP", "TIFF", "GIF", "WebP", "PNM")


def read_limited(path: str | os.PathLike, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the file at ``path``, reading at most ``limit`` + 1 bytes: a larger file
    (or an endless one such as ``/dev/zero``) is refused, never read whole."""
    p = Path(path)
    name = p.name or str(p)
    try:
        if p.is_dir():
            raise InvalidInput(_("{name}: not a file.").format(name=name))
        with p.open("rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise InvalidInput(_("{name}: no such file.").format(name=name)) from None
    except PermissionError:
        raise InvalidInput(_("{name}: the file cannot be read (permission denied).").format(name=name)) from None
    except IsADirectoryError:
        raise InvalidInput(_("{name}: not a file.").format(name=name)) from None
    except OSError as exc:
        raise InvalidInput(_("{name}: the file cannot be read ({reason}).").format(
            name=name, reason=exc.strerror or type(exc).__name__)) from None
    if len(data) > limit:
        raise InvalidInput(_("{name}: the file is too large.").format(name=name))
    if not data:
        raise InvalidInput(_("{name}: the file is empty.").format(name=name))
    return data


# -- headers ------------------------------------------------------------------------------

def image_format(data: bytes) -> str | None:
    """The name of the format of ``data`` (one of ``FORMATS``), from its signature."""
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:2] == b"\xff\xd8":
        return "JPEG"
    if data[:2] == b"BM":
        return "BMP"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    if len(data) > 2 and data[:1] == b"P" and data[1:2] in b"123456" and data[2:3] in b" \t\r\n#":
        return "PNM"
    return None


def _tiff_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of the largest image of a TIFF, from its image file directories."""
    end = "<" if data[:2] == b"II" else ">"
    best: tuple[int, int] | None = None
    try:
        (ifd,) = struct.unpack(end + "I", data[4:8])
        for _page in range(64):            # a bounded walk through the directories
            if not 8 <= ifd < len(data) - 2:
                break
            (count,) = struct.unpack(end + "H", data[ifd : ifd + 2])
            w = h = None
            for k in range(min(count, 512)):
                entry = data[ifd + 2 + 12 * k : ifd + 14 + 12 * k]
                if len(entry) < 12:
                    break
                tag, typ = struct.unpack(end + "HH", entry[:4])
                value = struct.unpack(end + ("H" if typ == 3 else "I"), entry[8:10] if typ == 3 else entry[8:12])[0]
                if tag == 256:
                    w = value
                elif tag == 257:
                    h = value
            if w and h and (best is None or w * h > best[0] * best[1]):
                best = (w, h)
            nxt = data[ifd + 2 + 12 * count : ifd + 6 + 12 * count]
            if len(nxt) < 4:
                break
            (ifd,) = struct.unpack(end + "I", nxt)
            if ifd == 0:
                break
    except struct.error:
        return best
    return best


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            h, w = struct.unpack(">HH", data[i + 5 : i + 9])
            return w, h
        if marker in (0xD8, 0x01, 0xFF) or 0xD0 <= marker <= 0xD7:
            i += 1 if marker == 0xFF else 2
            continue
        seg = struct.unpack(">H", data[i + 2 : i + 4])[0]
        i += 2 + seg
    return None


def _gif_size(data: bytes) -> tuple[int, int] | None:
    """The logical screen, or the largest frame if one is larger (decoders honour both)."""
    if len(data) < 13:
        return None
    w, h = struct.unpack("<HH", data[6:10])
    # the first image descriptor (after the global colour table and any extensions)
    i = 13 + (3 * 2 ** ((data[10] & 7) + 1) if data[10] & 0x80 else 0)
    for _block in range(4096):
        if i >= len(data):
            break
        if data[i] == 0x21:                     # an extension: skip its sub-blocks
            i += 2
            while i < len(data) and data[i]:
                i += data[i] + 1
            i += 1
            continue
        if data[i] == 0x2C and i + 9 < len(data):
            fw, fh = struct.unpack("<HH", data[i + 5 : i + 9])
            return max(w, fw), max(h, fh)
        break
    return w, h


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        w = 1 + int.from_bytes(data[24:27], "little")
        h = 1 + int.from_bytes(data[27:30], "little")
        return w, h
    if chunk == b"VP8 " and len(data) >= 30:
        w, h = struct.unpack("<HH", data[26:30])
        return w & 0x3FFF, h & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _pnm_size(data: bytes) -> tuple[int, int] | None:
    fields: list[int] = []
    for line in data[2:4096].splitlines():
        line = line.split(b"#", 1)[0]
        for word in line.split():
            if not word.isdigit():
                return None
            fields.append(int(word))
            if len(fields) == 2:
                return fields[0], fields[1]
    return None


def header_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) read from the header of an image in one of ``FORMATS``, without
    decoding it; ``None`` when the header cannot be read."""
    fmt = image_format(data)
    if fmt == "PNG" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if fmt == "BMP" and len(data) >= 26:
        w, h = struct.unpack("<ii", data[18:26])
        return abs(w), abs(h)
    if fmt == "TIFF" and len(data) >= 8:
        return _tiff_size(data)
    if fmt == "JPEG":
        return _jpeg_size(data)
    if fmt == "GIF":
        return _gif_size(data)
    if fmt == "WebP":
        return _webp_size(data)
    if fmt == "PNM":
        return _pnm_size(data)
    return None


# -- decoding -----------------------------------------------------------------------------

def _too_large(name: str, pixels: int) -> InvalidInput:
    return InvalidInput(_("{name}: the image is too large ({megapixels} megapixels; at most {limit}).").format(
        name=name, megapixels=pixels // 1_000_000, limit=MAX_PIXELS // 1_000_000))


def _unreadable(name: str) -> InvalidInput:
    return InvalidInput(_("{name}: this file is not a readable image (or it is truncated).").format(name=name))


def decode_gray(data: bytes, name: str = "", *, max_pixels: int = MAX_PIXELS,
                downscale_pixels: int = DOWNSCALE_PIXELS) -> Any:
    """Decode image bytes into a grayscale uint8 array, bounded as the module says."""
    import cv2
    import numpy as np

    fmt = image_format(data)
    if fmt is None:
        raise InvalidInput(_("{name}: this is not an image in a format read here ({formats}).").format(
            name=name, formats=", ".join(FORMATS)))
    size = header_size(data)
    if size is None or size[0] <= 0 or size[1] <= 0:
        raise _unreadable(name)
    pixels = size[0] * size[1]
    if pixels > max_pixels:
        raise _too_large(name, pixels)
    img = None
    if fmt not in ("GIF",):
        flags = cv2.IMREAD_GRAYSCALE
        if pixels > 4 * downscale_pixels:
            flags = cv2.IMREAD_REDUCED_GRAYSCALE_4
        elif pixels > downscale_pixels:
            flags = cv2.IMREAD_REDUCED_GRAYSCALE_2
        try:
            img = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
        except cv2.error:
            img = None
    if img is None:                      # GIF, and formats this OpenCV build lacks: Pillow
        img = _decode_pillow(data, name, max_pixels)
    if img is None or img.size == 0:
        raise _unreadable(name)
    if img.shape[0] * img.shape[1] > max_pixels:
        raise _too_large(name, img.shape[0] * img.shape[1])
    if img.dtype != np.uint8:
        img = cv2.normalize(img, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    px = img.shape[0] * img.shape[1]
    if px > downscale_pixels:
        f = (downscale_pixels / px) ** 0.5
        img = cv2.resize(img, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    return img


def _decode_pillow(data: bytes, name: str, max_pixels: int):
    import numpy as np

    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is a dependency
        return None
    try:
        with Image.open(io.BytesIO(data)) as pil:
            if pil.width * pil.height > max_pixels:
                raise _too_large(name, pil.width * pil.height)
            pil.seek(0)
            return np.asarray(pil.convert("L"))
    except InvalidInput:
        raise
    except Exception:  # noqa: BLE001 - any failure of a hostile file is "unreadable"
        return None


def load_gray(path: str | os.PathLike, *, limit: int = MAX_FILE_BYTES, max_pixels: int = MAX_PIXELS) -> Any:
    """A grayscale array from an image file (one of ``FORMATS``), read and decoded within
    the limits."""
    p = Path(path)
    return decode_gray(read_limited(p, limit), p.name, max_pixels=max_pixels)
