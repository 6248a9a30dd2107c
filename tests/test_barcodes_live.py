"""Live-video decoding (decode_frame / FrameDecoder): reduced passes, full-resolution retry,
positions in frame coordinates, frame layouts; public zxing-cpp samples placed in 1280x720 frames."""

from __future__ import annotations


import numpy as np
import pytest

from border_app.barcodes import decode_frame, frame_decoder, load_image
from tests.conftest import SHARED_DATA

SAMPLES = SHARED_DATA / "barcodes"
IMAGE_EXT = {".png", ".jpg", ".jpeg", ".webp"}
MATRIX_FOLDERS = sorted(p for p in SAMPLES.glob("*") if p.is_dir() and p.name.split("-")[0] in ("datamatrix", "pdf417")
                        and p.name != "pdf417-4") if SAMPLES.is_dir() else []


def _symbol(text: str, fmt: str, scale: int) -> np.ndarray:
    import zxingcpp as z

    img = np.asarray(z.write_barcode_to_image(z.create_barcode(text, getattr(z.BarcodeFormat, fmt)), scale=scale))
    return img if img.ndim == 2 else img[:, :, 0]


def _frame(symbol: np.ndarray, y: int, x: int) -> np.ndarray:
    frame = np.full((720, 1280), 200, np.uint8)
    frame[y : y + symbol.shape[0], x : x + symbol.shape[1]] = symbol
    return frame


def _read_live(frame, turns: int = 3):
    dec = frame_decoder()
    return [c for _ in range(turns) for c in dec.decode(frame)]


def _inside(code, y: int, x: int, shape, slack: int = 12) -> bool:
    return all(x - slack <= px <= x + shape[1] + slack and y - slack <= py <= y + shape[0] + slack
               for px, py in code.position)


@pytest.mark.parametrize("fmt,text,scale", [("DataMatrix", "NER-PASS-0042", 6), ("PDF417", "P<NERBOUBACAR<<AICHA", 3),
                                            ("Aztec", "AZTEC-77", 5)])
def test_matrix_codes_read_on_the_half_size_frame_with_frame_coordinates(fmt, text, scale):
    sym = _symbol(text, fmt, scale)
    y, x = 301, 517  # odd offsets: a wrong x2 rescaling would show
    codes = [c for c in _read_live(_frame(sym, y, x)) if c.text == text]
    assert codes and codes[0].format == fmt
    assert _inside(codes[0], y, x, sym.shape)


@pytest.mark.parametrize("fmt,text", [("DataMatrix", "TINY-DM-1"), ("PDF417", "TINY-PDF-1")])
def test_small_codes_unreadable_at_half_size_are_read_at_full_resolution(fmt, text):
    import cv2

    sym = _symbol(text, fmt, 1)  # 1 px modules: half a pixel on the half-size frame
    half = cv2.resize(_frame(sym, 200, 300), (640, 360), interpolation=cv2.INTER_AREA)
    import zxingcpp as z

    assert not z.read_barcodes(half, formats=getattr(z.BarcodeFormat, fmt), try_downscale=False)  # premise
    codes = [c for c in _read_live(_frame(sym, 200, 300)) if c.text == text]
    assert codes and _inside(codes[0], 200, 300, sym.shape)


def test_pdf417_turned_by_90_degrees_is_read_with_frame_coordinates():
    sym = np.ascontiguousarray(np.rot90(_symbol("TURNED-PDF", "PDF417", 1)))  # small: unreadable at half size
    y, x = 150, 700
    codes = [c for c in _read_live(_frame(sym, y, x)) if c.text == "TURNED-PDF"]
    assert codes and codes[0].format == "PDF417"
    assert _inside(codes[0], y, x, sym.shape)


def test_code128_on_the_vertically_squeezed_frame_keeps_frame_coordinates():
    bar = _symbol("NER-123456", "Code128", 2)
    bar = np.repeat(bar, max(1, 80 // bar.shape[0]), axis=0)  # bars 80+ px high
    y, x = 455, 333
    codes = [c for c in _read_live(_frame(bar, y, x)) if c.text == "NER-123456"]
    assert codes and codes[0].format == "Code128"
    assert _inside(codes[0], y, x, bar.shape)


def test_frame_layouts_and_sizes_give_the_same_codes():
    sym = _symbol("LAYOUT", "DataMatrix", 5)
    gray = _frame(sym, 100, 100)
    bgr = np.dstack([gray] * 3)
    bgra = np.dstack([gray] * 3 + [np.full_like(gray, 255)])
    one = gray[:, :, None]
    strided = np.dstack([gray, gray])[:, :, :1]  # non-contiguous single channel
    for frame in (gray, bgr, bgra, one, strided):
        assert "LAYOUT" in {c.text for _ in range(3) for c in decode_frame(frame)}
    dec = frame_decoder()
    small = np.full((480, 640), 200, np.uint8)
    small[50 : 50 + sym.shape[0], 60 : 60 + sym.shape[1]] = sym
    texts = {c.text for f in (gray, small, gray, small, gray, small) for c in dec.decode(f)}
    assert texts == {"LAYOUT"}  # the reused buffers follow the frame size


def test_empty_and_uniform_frames_read_nothing():
    rng = np.random.default_rng(7)
    dec = frame_decoder()
    for frame in (np.zeros((720, 1280), np.uint8), rng.normal(150, 25, (720, 1280)).clip(0, 255).astype(np.uint8)):
        assert [c for _ in range(3) for c in dec.decode(frame)] == []


@pytest.mark.shared_data("barcodes")
@pytest.mark.parametrize("folder", MATRIX_FOLDERS, ids=[f.name for f in MATRIX_FOLDERS])
def test_matrix_samples_in_a_frame_read_live_as_well_as_plain_zxing(folder):
    """DataMatrix / PDF417 samples at their own size in a 1280x720 frame: the live decoder
    (half-size passes, full-resolution retry) reads at least what zxing-cpp's default full pass reads."""
    from border_app.barcodes import _zxing

    live = plain = 0
    for image in sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_EXT):
        expected = next((image.with_suffix(e).read_bytes() for e in (".txt", ".bin") if image.with_suffix(e).exists()),
                        None)
        if expected is None:
            continue
        sym = load_image(image)
        if sym.shape[0] > 700 or sym.shape[1] > 1240:
            continue
        frame = _frame(sym, 20, 40)
        ok = lambda codes, expected=expected: any(c.bytes == expected or c.text.encode() == expected for c in codes)  # noqa: E731
        live += ok(_read_live(frame))
        plain += ok(_zxing.decode_default(frame))
    assert live >= plain > 0, f"{folder.name}: live {live} < plain zxing-cpp {plain}"
