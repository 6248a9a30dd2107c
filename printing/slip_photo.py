"""The traveller's photo on a slip: checked (size, pixel count, JPEG or PNG) before it
is decoded, and scaled down to what the print needs."""

from __future__ import annotations

import io
import logging
import warnings
from typing import Any

from PIL import Image
from reportlab.lib.utils import ImageReader

log = logging.getLogger(__name__)

MAX_PHOTO_BYTES = 15 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
PHOTO_MAX_SIDE = 900  # pixels kept in the PDF (about 450 dpi at 50 mm)


def prepare_photo(photo: bytes | None) -> tuple[Any, float, float] | None | str:
    """A reportlab ImageReader and pixel size, ``None`` without photo, ``"bad"`` when the
    bytes are not a usable JPEG/PNG (bounded: size and pixel count are checked first)."""
    if not photo:
        return None
    if len(photo) > MAX_PHOTO_BYTES:
        return "bad"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(photo))
        with img:
            if img.format not in ("JPEG", "PNG"):
                return "bad"
            width, height = img.size
            if width * height > MAX_PHOTO_PIXELS or width < 8 or height < 8:
                return "bad"
            if img.format == "JPEG" and max(width, height) <= PHOTO_MAX_SIDE and img.mode in ("RGB", "L"):
                return ImageReader(io.BytesIO(photo)), width, height
            img.load()
            small = img.convert("RGB")
            small.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            buffer = io.BytesIO()
            small.save(buffer, "JPEG", quality=88)
            buffer.seek(0)
            return ImageReader(buffer), small.size[0], small.size[1]
    except Exception:  # truncated or hostile file: the slip prints with an empty frame
        log.warning("photo unreadable; slip printed with an empty frame")
        return "bad"
