"""Load images for the MRZ reader: image files and scanner PDFs (the first page's image).

Reading and decoding are :mod:`border_app.images`' (one loader for the MRZ reader, the
barcode reader and capture): a byte limit on every read, the pixel count taken from the
header before decoding, large images reduced. Every failure is an
:class:`~border_app.errors.InvalidInput` with a translated message.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
from pypdf import PdfReader

from .. import images
from ..errors import InvalidInput
from ..i18n import _

MAX_FILE_BYTES = images.MAX_FILE_BYTES
MAX_PIXELS = images.MAX_PIXELS
DOWNSCALE_PIXELS = images.DOWNSCALE_PIXELS


def decode_image(data: bytes, name: str = "") -> np.ndarray:
    """Decode image bytes into a grayscale uint8 array (bounded: :mod:`border_app.images`)."""
    return images.decode_gray(data, name)


def pdf_first_image(data: bytes, name: str = "") -> bytes:
    """The largest embedded image of a PDF's first page, as encoded bytes (JPEG/PNG)."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if not reader.pages:
            raise InvalidInput(_("{name}: the PDF has no page.").format(name=name))
        embedded = list(reader.pages[0].images)
    except InvalidInput:
        raise
    except Exception:  # noqa: BLE001 - any parse failure of a hostile PDF
        raise InvalidInput(_("{name}: this PDF cannot be read (damaged or encrypted).").format(name=name)) from None
    if not embedded:
        raise InvalidInput(
            _("{name}: the first page of the PDF holds no image (scan the document as an image).").format(name=name))
    best = None
    for im in embedded:
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
    """Grayscale image from a file: an image (:data:`border_app.images.FORMATS`) or a PDF
    (first page's image), read with a byte limit and decoded within the pixel limits."""
    p = Path(path)
    data = images.read_limited(p)
    if data[:5] == b"%PDF-":
        data = pdf_first_image(data, p.name)
    return decode_image(data, p.name)
