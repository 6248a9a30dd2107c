"""MRZ reading from small (250-400 px wide) and perspective-distorted documents:
fixed-pitch grid cutting (border_app.ocr.segment.fit_grid) and straight cuts of tilted
band lines (border_app.ocr.locate)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

import cv2

import synthdocs  # noqa: E402

from border_app.ocr import read_frame  # noqa: E402
from border_app.ocr.glyphs import render_line  # noqa: E402
from border_app.ocr.straighten import ink_mask as _ink_mask, line_tilt as _line_tilt, sheared_crop as _sheared_crop  # noqa: E402
from border_app.ocr.segment import fit_grid, line_geometry  # noqa: E402

TD3_2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"


def _line(text: str, cap: float = 24.0, pitch_ratio: float = 1.07) -> np.ndarray:
    m = render_line(text, cap, pitch_ratio=pitch_ratio)
    img = (240 - 190 * m).astype(np.uint8)
    return cv2.copyMakeBorder(img, 10, 10, 16, 16, cv2.BORDER_CONSTANT, value=240)


def _glyph_centres(text: str, img: np.ndarray) -> np.ndarray:
    """Centres of the rendered cells in ``img`` (render_line is fixed pitch)."""
    w = img.shape[1] - 32
    p = w / len(text)
    return 16 + p * (np.arange(len(text)) + 0.5)


SMALL_SEEDS = [seed for seed in range(5_000_000, 5_000_120) if synthdocs.WIDTHS[seed % len(synthdocs.WIDTHS)] == 250]


def test_small_synthetic_documents_read_exactly():
    """The twenty 250 px wide documents (MRZ characters of 4-7 px) among seeds 5,000,000+
    (outside the benchmark's 300,000-300,199): the first reader (component segmenter, MLP)
    read 7 exactly; the fitted grid and both classifiers read 10, and 11 with the models
    fine-tuned on small documents reading the small bands. Every exact read is a valid MRZ."""
    exact = 0
    for seed in SMALL_SEEDS:
        doc = synthdocs.make_doc(seed)
        reads = read_frame(doc.image)
        if reads and reads[0].lines == doc.lines:
            assert reads[0].valid
            exact += 1
    assert len(SMALL_SEEDS) == 20
    assert exact >= 11


def test_small_bands_are_read_by_the_small_document_models():
    """Bands under 480 px go to the reader with the fine-tuned models; larger ones do not."""
    from border_app.ocr.classifier import small_classifiers
    from border_app.ocr.reader import MrzReader, small_reader

    pair = small_classifiers()
    assert pair is not None and small_reader() is not None
    assert small_reader().classifier is pair[0] and small_reader().small is None
    calls = []

    class Spy(MrzReader):
        def _read_band(self, band, small):
            calls.append(small)
            return super()._read_band(band, small)

    spy = Spy(classifier=pair[0], search=pair[1], small=None)
    reader = MrzReader(small=spy)
    small_doc = synthdocs.make_doc(12, fmt="TD1", width=400, clean=True)
    assert reader.read(small_doc.image)[0].lines == small_doc.lines
    assert calls and all(calls)
    calls.clear()
    big_doc = synthdocs.make_doc(11, fmt="TD1", width=1200, clean=True)
    assert reader.read(big_doc.image)[0].lines == big_doc.lines
    assert calls == []


def test_grid_fits_every_cell_of_a_line_whose_glyphs_touch():
    # blur glues neighbouring glyphs: components give too few boxes, the grid still has
    # exactly one cell per character, on the glyph centres
    img = _line(TD3_2)
    blurred = cv2.GaussianBlur(img, (0, 0), 2.2)
    geo = line_geometry(blurred)
    assert geo is not None
    xs = fit_grid(geo, 44)
    assert xs is not None and len(xs) == 44
    truth = _glyph_centres(TD3_2, img) * geo.scale
    pitch = float(np.median(np.diff(truth)))
    assert np.max(np.abs(xs - truth)) < 0.3 * pitch


def test_grid_follows_a_pitch_that_changes_along_the_line():
    # perspective: the pitch grows by 40% from left to right; an even grid would be a
    # whole character off in the middle, the fitted 1-D projective grid is not
    img = _line(TD3_2)
    h, w = img.shape
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    grow = 0.4
    # a homography that brings the right end closer (taller, wider glyphs)
    dst = np.float32([[0, 0], [w * 1.15, -h * 0.1], [w * 1.15, h * 1.1], [0, h]])
    m = cv2.getPerspectiveTransform(src, dst)
    out_w = int(w * 1.2)
    warped = cv2.warpPerspective(img, m, (out_w, h), borderValue=240, flags=cv2.INTER_LINEAR)
    geo = line_geometry(warped)
    assert geo is not None
    xs = fit_grid(geo, 44)
    assert xs is not None
    c = _glyph_centres(TD3_2, img)
    pts = cv2.perspectiveTransform(np.stack([c, np.full_like(c, h / 2)], 1)[None].astype(np.float32), m)[0]
    truth = pts[:, 0] * geo.scale
    d = np.diff(truth)
    assert d[-1] / d[0] > 1 + grow / 2  # the test line really has a changing pitch
    even = np.linspace(truth[0], truth[-1], 44)
    assert np.max(np.abs(even - truth)) > 0.6 * np.median(d)
    assert np.max(np.abs(xs - truth)) < 0.3 * np.median(d)


def test_line_extent_ignores_specks_at_the_ends():
    img = _line(TD3_2)
    clean = line_geometry(img)
    dirty = img.copy()
    cy = img.shape[0] // 2
    dirty[cy - 2 : cy + 2, 2:6] = 40  # a speck left of the first glyph
    dirty[cy - 1 : cy + 2, -6:-3] = 40  # and one right of the last
    geo = line_geometry(dirty)
    assert geo is not None and clean is not None
    assert abs(geo.x0 - clean.x0) < 1.5 and abs(geo.x1 - clean.x1) < 1.5


def test_tilted_band_line_is_cut_straight():
    # a band whose second line is tilted (a trapezoid under perspective)
    line = _line(TD3_2, cap=30)
    h, w = line.shape
    band = np.full((4 * h, w), 240, np.uint8)
    band[0:h] = line
    slope = 0.03
    m = np.float32([[1, 0, 0], [slope, 1, 2 * h]])
    band = np.minimum(band, cv2.warpAffine(line, m, (w, 4 * h), borderValue=240))
    ink = _ink_mask(band)
    # rows of the tilted line
    rows = np.flatnonzero(ink[2 * h - 5 :].mean(axis=1) > 10) + 2 * h - 5
    tilt = _line_tilt(ink, int(rows[0]), int(rows[-1]) + 1)
    assert tilt is not None
    assert abs(tilt[0] - slope) < 0.006
    crop = _sheared_crop(band, *tilt)
    geo = line_geometry(crop)
    assert geo is not None and abs(geo.slope) < 0.01
    straight = line_geometry(line)
    assert abs((geo.x1 - geo.x0) / geo.scale - (straight.x1 - straight.x0) / straight.scale) < 4
    # a straight line is left alone
    assert _line_tilt(ink, 0, h) is None


def test_band_whose_lines_slope_inside_it_is_straightened(monkeypatch):
    """A tilted document under strong perspective (a selection frame: seed 800,083, 844 px
    wide, 10 degrees, upside down, 1280x720): its MRZ lines slope inside the band more than
    the gap between them, so the band's row profile holds one run; the band sheared by the
    slope that best separates the rows splits into its lines."""
    from border_app.ocr import locate

    # (with the band finder's wide opening this frame reads right without the shear too:
    # the opening is narrowed back here, so that the shear is what is tested)
    monkeypatch.setattr(locate, "OPEN_WIDTH", 0.0)
    doc = synthdocs.make_doc(800_083, width=844)
    img = cv2.resize(doc.image, None, fx=0.892, fy=0.892, interpolation=cv2.INTER_AREA)
    frame = np.full((720, 1280, 3), 109, np.uint8)
    h, w = img.shape[:2]
    frame[4 : 4 + h, 294 : 294 + w] = img
    reads = read_frame(frame)
    assert reads and reads[0].lines == doc.lines
    monkeypatch.setattr(locate, "deskewed", lambda band, **kw: None)
    reads = read_frame(frame)
    assert not reads or reads[0].lines != doc.lines


def test_noisy_small_image_band_found_above_the_blown_up_noise(monkeypatch):
    """A 250 px ID card with strong sensor noise (sigma 7.9): upscaled to the band finder's
    working width, the noise fills the gradient's histogram and Otsu's threshold falls into
    it, and the MRZ was misread. The threshold is now at least a fraction of the strongest
    responses, where the MRZ lines are. Seed outside the benchmark's."""
    from border_app.ocr import locate

    monkeypatch.setattr(locate, "OPEN_WIDTH", 0.0)  # (with the wide opening Otsu alone reads it too)
    doc = synthdocs.make_doc(5_001_330)
    assert doc.format == "TD1" and doc.settings["noise"] > 7 and doc.image.shape[1] < 400
    found = read_frame(doc.image)
    assert found and found[0].lines == doc.lines
    monkeypatch.setattr(locate, "NOISY_FLOOR", 0.0)
    before = read_frame(doc.image)  # Otsu's threshold alone
    assert not before or before[0].lines != doc.lines
