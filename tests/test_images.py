"""One image loader for the MRZ reader, the barcode reader and capture: a byte limit on
every read and the pixel count from the header before decoding, for every format accepted
(issue #19: a 737 KB GIF of 32000x32000 pixels took 6 GB; /dev/zero was read until memory
ran out)."""

from __future__ import annotations

import io
import resource
import struct

import numpy as np
import pytest

from border_app import barcodes, images
from border_app.errors import InvalidInput
from border_app.ocr import inputs


def _gif_bomb(w=32000, h=32000) -> bytes:
    """A tiny GIF that claims w x h pixels (a logical screen and one frame that size)."""
    head = b"GIF89a" + struct.pack("<HHBBB", w, h, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    frame = b"\x2c" + struct.pack("<HHHHB", 0, 0, w, h, 0) + b"\x02" + b"\x02\x4c\x01\x00" + b"\x3b"
    return head + frame


def _small_gif_big_frame() -> bytes:
    head = b"GIF89a" + struct.pack("<HHBBB", 10, 10, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    frame = b"\x2c" + struct.pack("<HHHHB", 0, 0, 30000, 30000, 0) + b"\x02\x02\x4c\x01\x00\x3b"
    return head + frame


def _webp_vp8x(w=30000, h=30000) -> bytes:
    body = b"VP8X" + struct.pack("<I", 10) + b"\x00\x00\x00\x00" + (w - 1).to_bytes(3, "little") \
        + (h - 1).to_bytes(3, "little")
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


def _png(w, h, pixel=128) -> bytes:
    import cv2

    ok, buf = cv2.imencode(".png", np.full((h, w), pixel, np.uint8))
    assert ok
    return buf.tobytes()


@pytest.mark.parametrize("data, fmt", [
    (_gif_bomb(), "GIF"), (_small_gif_big_frame(), "GIF"), (_webp_vp8x(), "WebP"),
    (b"P5\n30000 30000\n255\n" + b"\0" * 10, "PNM"),
])
def test_pixel_bombs_are_refused_from_the_header_without_decoding(data, fmt):
    assert images.image_format(data) == fmt
    w, h = images.header_size(data)
    assert w * h > images.MAX_PIXELS
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for loader in (lambda: images.decode_gray(data, "x"), lambda: barcodes.load_image(data),
                   lambda: inputs.decode_image(data, "x")):
        with pytest.raises(InvalidInput) as info:
            loader()
        assert "megapixel" in info.value.message or "pixels" in info.value.message
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100


def test_endless_files_are_read_with_a_limit(tmp_path):
    with pytest.raises(InvalidInput) as info:
        images.read_limited("/dev/zero", limit=1 << 20)
    assert "too large" in info.value.message or "trop" in info.value.message
    for loader in (inputs.load_image, barcodes.load_image):
        with pytest.raises(InvalidInput):
            loader("/dev/zero")


def test_files_that_are_no_image_get_a_clear_error(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "cut.png").write_bytes(_png(50, 40)[:60])
    for name in ("notes.txt", "empty.png", "cut.png", "missing.png"):
        with pytest.raises(InvalidInput):
            images.load_gray(tmp_path / name)
    with pytest.raises(InvalidInput):
        images.load_gray(tmp_path)


def test_every_accepted_format_decodes_to_gray(tmp_path):
    from PIL import Image

    rgb = Image.fromarray(np.dstack([np.full((30, 40), v, np.uint8) for v in (10, 120, 240)]))
    for fmt, ext in (("PNG", "png"), ("JPEG", "jpg"), ("BMP", "bmp"), ("TIFF", "tif"), ("GIF", "gif"),
                     ("WebP", "webp"), ("PPM", "ppm")):
        buf = io.BytesIO()
        rgb.save(buf, format=fmt)
        data = buf.getvalue()
        assert images.header_size(data) == (40, 30), fmt
        gray = images.decode_gray(data, ext)
        assert gray.shape == (30, 40) and gray.dtype == np.uint8, fmt


def test_large_images_are_reduced():
    gray = images.decode_gray(_png(6000, 5000), "big", downscale_pixels=1_000_000)
    assert gray.shape[0] * gray.shape[1] <= 1_000_000
