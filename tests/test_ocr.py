"""Tests of the offline MRZ reader (border_app.ocr) and `border-app scan`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))

import cv2

import synthdocs  # noqa: E402

from border_app.errors import InvalidInput  # noqa: E402
from border_app.ocr import read_file, read_frame, read_line  # noqa: E402
from border_app.mrz import check_digit  # noqa: E402
from border_app.ocr.decode import decode  # noqa: E402
from border_app.ocr.glyphs import CHARSET, INDEX, render_line  # noqa: E402
from border_app.ocr.segment import segment_line  # noqa: E402
from tests.conftest import SHARED_DATA

DATA = SHARED_DATA
DOCS = DATA / "mrz-docs"
LINES = DATA / "mrz-lines"
TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
TD2 = ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"]


def _line_image(text: str, cap: float = 30.0) -> np.ndarray:
    m = render_line(text, cap)
    img = (245 - 200 * m).astype(np.uint8)
    return cv2.copyMakeBorder(img, 8, 8, 10, 10, cv2.BORDER_CONSTANT, value=245)


def test_check_digit_matches_icao_examples():
    assert check_digit("520727") == "3"
    assert check_digit("AB2134<<<") == "5"


def test_segmenter_finds_one_cell_per_character():
    text = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
    seg = segment_line(_line_image(text))
    assert seg is not None and len(seg.cells) == len(text)
    seg = segment_line(_line_image(text), expected=44)
    assert len(seg.cells) == 44


def test_read_rendered_line():
    for text in TD3 + TD2:
        assert read_line(_line_image(text, 22)) == text


def test_decoder_settles_k_versus_filler_and_repairs_check_digits():
    lines = list(TD3)
    probs = []
    for line in lines:
        p = np.full((len(line), len(CHARSET)), 1e-4)
        for i, c in enumerate(line):
            p[i, INDEX[c]] = 1.0
        probs.append(p)
    # a filler read as K (K most likely) in the name tail, a 0 in the date read as O
    probs[0][30] = 1e-4
    probs[0][30, INDEX["K"]], probs[0][30, INDEX["<"]] = 0.6, 0.4
    probs[1][14] = 1e-4
    probs[1][14, INDEX["O"]], probs[1][14, INDEX["4"]] = 0.7, 0.3  # 7408122: the '4' misread
    probs = [p / p.sum(axis=1, keepdims=True) for p in probs]
    out, _conf = decode(probs, "TD3")
    assert out == lines


def _one_hot(lines: list[str]) -> list[np.ndarray]:
    probs = []
    for line in lines:
        p = np.full((len(line), len(CHARSET)), 1e-4)
        for i, c in enumerate(line):
            p[i, INDEX[c]] = 1.0
        probs.append(p / p.sum(axis=1, keepdims=True))
    return probs


@pytest.mark.parametrize("misread,expect", [
    # a J read as '<' must not turn the given names into fillers: '<<<' is only the tail
    ({13: ("J", 0.3, "<", 0.7)}, "P<NGATRAORE<<JEAN<PIERRE"),
    # a filler read as K after the tail began is a filler
    ({26: ("K", 0.6, "<", 0.4)}, "P<NGATRAORE<<JEAN<PIERRE"),
    # the surname's first letter blurred into a filler: a names field rarely opens with '<'
    ({5: ("T", 0.05, "<", 0.95)}, "P<NGATRAORE<<JEAN<PIERRE"),
    # ... but a clearly printed one (no primary identifier, as some states issue) stays
    ({5: ("T", 0.002, "<", 0.998)}, "P<NGA<RAORE<<JEAN<PIERRE"),
])
def test_names_then_fillers_structure(misread, expect):
    lines = ["P<NGATRAORE<<JEAN<PIERRE<<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
    probs = _one_hot(lines)
    for i, (a, pa, b, pb) in misread.items():
        probs[0][i] = 1e-4
        probs[0][i, INDEX[a]], probs[0][i, INDEX[b]] = pa, pb
    out, _conf = decode(probs, "TD3")
    assert out[0] == expect + "<" * (44 - len(expect))


def test_one_letter_given_name_is_kept_when_read_clearly():
    lines = ["P<NERERIKSSON<<K<<<<<<<<<<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
    probs = _one_hot(lines)
    assert decode(probs, "TD3")[0] == lines
    probs[0][15, INDEX["<"]] = 0.1  # K 0.9, '<' 0.1: a filler read as K far more often
    probs[0][15] /= probs[0][15].sum()
    assert decode(probs, "TD3")[0][0] == "P<NERERIKSSON" + "<" * 31


@pytest.mark.parametrize("fmt", ["MRVA", "MRVB", "TD3", "TD2"])
def test_blurred_first_letter_does_not_impose_the_wrong_format(fmt):
    """A visa whose V reads a little more like P is still a visa (its optional data do not
    carry the passport's composite check digit), and a passport whose P reads a little
    more like V is still a passport."""
    from border_app.ocr.reader import _mrz_read

    lines = synthdocs.random_mrz(np.random.default_rng(41), fmt)
    probs = _one_hot(lines)
    wrong = "P" if lines[0][0] == "V" else "V"
    probs[0][0] = 1e-4
    probs[0][0, INDEX[wrong]], probs[0][0, INDEX[lines[0][0]]] = 0.55, 0.45
    r = _mrz_read(probs, [np.zeros((len(x), 24, 18)) for x in lines], len(lines[0]))
    assert (r.format, r.lines) == (fmt, lines)
    assert r.checks_passed == r.checks_total


def _degraded_specimen(width: int, seed: int) -> tuple[np.ndarray, dict]:
    """The ICAO TD3 specimen scaled to ``width`` px and degraded (synthdocs.degrade)."""
    g = cv2.imread(str(DOCS / "passport-td3.png"), cv2.IMREAD_GRAYSCALE)
    card = cv2.resize(g, (width, int(g.shape[0] * width / g.shape[1])), interpolation=cv2.INTER_AREA)
    return synthdocs.degrade(card, np.random.default_rng(seed))


@pytest.mark.shared_data("mrz-docs")
def test_glare_that_splits_one_line_far_apart_grows_a_band_from_the_other():
    """The specimen at 1,000 px, tilted, a glare spot over the middle of the first line
    (seed 6,000,034): the first line falls into two pieces too far apart to be joined, the
    second is found whole and alone; the band grown from it holds both lines."""
    from border_app.ocr.locate import _candidates, _grown_band

    img, settings = _degraded_specimen(1000, 6_000_034)
    assert settings["glare"] and not settings["upside_down"]
    reads = read_frame(img)
    assert reads and reads[0].lines == TD3 and reads[0].valid
    gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    grown = [b for b in map(lambda r: _grown_band(gray, r), _candidates(gray)) if b is not None]
    assert grown and all(b.grown and b.fallback and len(b.lines) >= 2 for b in grown)


@pytest.mark.shared_data("mrz-docs")
def test_band_cut_short_by_glare_is_lengthened_when_its_reading_is_not_valid():
    """The specimen at 640 px with a glare spot over the lines' right ends (seed 6,000,402):
    the band found holds 36 characters per line, whose checks pass as a TD2 that the parser
    does not accept; the lengthened band reads the whole TD3."""
    img, settings = _degraded_specimen(640, 6_000_402)
    assert settings["glare"]
    reads = read_frame(img)
    assert reads and reads[0].lines == TD3 and reads[0].valid


@pytest.mark.shared_data("mrz-docs")
def test_printed_frame_beside_the_mrz_does_not_glue_its_lines_into_one_sparse_blob():
    """The specimen at 400 px under strong perspective (seed 6,000,218): upscaled, the
    printed frame's left edge, thickened by the closing, joined both MRZ lines into one
    contour too sparse to be a band, and no band was found."""
    img, settings = _degraded_specimen(400, 6_000_218)
    assert settings["perspective"] > 0.075
    reads = read_frame(img)
    assert reads and reads[0].lines[1] == TD3[1]  # (line 1's start, tilted most, is misread)


def test_short_text_lines_grow_no_band():
    """Only a rectangle as long for its height as an MRZ line grows a band."""
    from border_app.ocr.locate import _grown_band

    gray = np.full((200, 600), 230, np.uint8)
    assert _grown_band(gray, ((300.0, 100.0), (200.0, 20.0), 0.0)) is None  # 10:1, a printed field


@pytest.mark.shared_data("mrz-docs")
@pytest.mark.parametrize("name,lines", [("passport-td3.jpg", TD3), ("passport-td3.png", TD3),
                                        ("passport-td2.jpg", TD2), ("passport-td2.png", TD2)])
def test_real_specimens(name, lines):
    reads = read_file(DOCS / name)
    assert reads and reads[0].lines == lines and reads[0].valid


@pytest.mark.shared_data("mrz-docs")
def test_rotated_and_upside_down_specimen():
    img = cv2.imread(str(DOCS / "passport-td3.png"))
    for angle in (7, -9, 180):
        h, w = img.shape[:2]
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        rot = cv2.warpAffine(img, m, (w, h), borderValue=(255, 255, 255))
        reads = read_frame(rot)
        assert reads and reads[0].lines == TD3, angle


@pytest.mark.parametrize("fmt", synthdocs.FORMATS)
def test_clean_synthetic_document_every_format(fmt):
    doc = synthdocs.make_doc(11, fmt=fmt, width=1200, clean=True)
    reads = read_frame(doc.image)
    assert reads and reads[0].lines == doc.lines and reads[0].format == fmt


@pytest.mark.parametrize("fmt", ["TD1", "TD3"])
def test_glare_over_the_lines_ends_is_read_on_the_lengthened_band(fmt, monkeypatch):
    """A glare spot washes out the right end of the MRZ: the band found on gradients stops
    short of it; the band lengthened while its text goes on is read in full."""
    from border_app.ocr import locate

    doc = synthdocs.make_doc(31, fmt=fmt, width=900, clean=True)
    img = doc.image.astype(np.float32)
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    r = 0.09 * w
    spot = 0.8 * np.exp(-(((xx - 0.86 * w) / (1.5 * r)) ** 2 + ((yy - 0.86 * h) / r) ** 2))
    img = (img + (255 - img) * spot[..., None]).clip(0, 255).astype(np.uint8)
    reads = read_frame(img)
    assert reads and reads[0].lines == doc.lines
    monkeypatch.setattr(locate, "extend_rect", lambda gray, rect, **kw: rect)
    reads = read_frame(img)
    assert not reads or reads[0].lines != doc.lines  # without lengthening: cut short


def _dim_with_glare(doc, x: float) -> np.ndarray:
    """``doc`` lit at 40%, a glare spot of strength 0.75 centred on its MRZ at ``x`` widths."""
    img = doc.image.astype(np.float32) * 0.4
    h, w = img.shape[:2]
    return synthdocs.add_glare(img, x * w, 0.91 * h, 0.08 * w, 0.75).clip(0, 255).astype(np.uint8)


@pytest.mark.parametrize("fmt,seed", [("TD2", 40), ("TD2", 41), ("TD3", 40), ("TD3", 41)])
def test_strong_glare_on_a_dim_document_is_followed_by_its_ink_contrast(fmt, seed):
    """A glare spot over the MRZ's right half on a dimly lit document: the paper there is
    twice as bright as in the band, so ink contrast over paper brightness falls below the
    lengthening's threshold while the contrast itself holds (glare adds light to ink and
    paper alike). The lengthening follows whichever holds."""
    doc = synthdocs.make_doc(seed, fmt=fmt, width=1000, clean=True)
    reads = read_frame(_dim_with_glare(doc, 0.7))
    assert reads and reads[0].lines == doc.lines


@pytest.mark.parametrize("fmt,seed", [("TD3", 40), ("TD1", 40), ("TD1", 45)])
def test_characters_under_glare_keep_their_local_contrast(fmt, seed):
    """Under the glare spot the ink contrast is a fifth of the rest of the line's, yet the
    characters are plain to the eye: the ink map stretches each stretch of the line to its
    own contrast (a floor at a fifth of the line's range, against noise in blank parts)."""
    doc = synthdocs.make_doc(seed, fmt=fmt, width=1000, clean=True)
    reads = read_frame(_dim_with_glare(doc, 0.3))
    assert reads and reads[0].lines == doc.lines


def test_visa_whose_lines_glare_cuts_at_36_characters_is_read_whole():
    """An MRV-A's lines cut at 36 characters by a glare spot over their ends are a valid
    MRV-B (the same fields up to the expiry's check digit, no composite): the text goes on
    past the band, so the lengthened band is read and its valid MRV-A reading wins."""
    doc = synthdocs.glare_doc(7_000_178)  # an MRV-A, the spot at 81% of its width
    assert doc.format == "MRVA"
    reads = read_frame(doc.image)
    assert reads and reads[0].lines == doc.lines and reads[0].format == "MRVA"


def test_mrz_piece_left_of_a_glare_spot_is_lengthened_to_the_far_end():
    """A glare spot over the middle of an MRV-A splits both lines into pieces; the band
    lengthened from the left piece stops at its reach (0.6 band lengths) short of the lines'
    ends, so it is lengthened again while it grows."""
    doc = synthdocs.glare_doc(7_000_078)
    reads = read_frame(doc.image)
    assert reads and reads[0].lines == doc.lines


@pytest.mark.parametrize("seed", [7_500_001, 7_500_003])
def test_mrz_half_in_a_shadow_is_read_whole(seed):
    """The soft edge of a shadow crosses the MRZ: its shadowed part is darker than the band
    like the background off the document, but its ink lies in the band's text rows, so the
    band is lengthened into it (noise off the document spreads evenly over the rows)."""
    doc = synthdocs.shadow_doc(seed)
    reads = read_frame(doc.image)
    assert reads and reads[0].lines == doc.lines


def test_mrz_mostly_in_a_deep_shadow_is_read_on_the_flat_fielded_image(monkeypatch):
    """Three quarters of the MRZ lie in a shadow at 28% of the light: the band finder's
    threshold, set by the lit side's contrast, leaves the shadowed lines out. When nothing
    valid is read, the image divided by its paper brightness is searched again."""
    from border_app.ocr import reader

    doc = synthdocs.shadow_doc(7_500_002)
    reads = read_frame(doc.image)
    assert reads and reads[0].lines == doc.lines
    monkeypatch.setattr(reader, "flat_field", lambda gray: gray)
    reads = read_frame(doc.image)
    assert not reads or reads[0].lines != doc.lines


@pytest.mark.parametrize("seed", range(8_000_000, 8_000_005))  # one per format
def test_mrz_on_a_bowed_page_is_read_right(seed):
    """The page curls (a passport towards its spine, a card held by its edges): the MRZ lines
    rise or fall towards both ends by 1-3% of the document's width. Straight row crops cut
    the end characters and pick up the next line's (on the code before the band was
    unbowed, 14 of 100 such documents were read right and 20 wrong with passing checks)."""
    doc = synthdocs.bent_doc(seed)
    reads = read_frame(doc.image)
    assert reads and reads[0].lines == doc.lines and reads[0].valid


@pytest.mark.parametrize("seed", [8_700_040, 8_700_011, 8_700_002, 8_700_013, 8_700_004])  # one per format
def test_mrz_on_a_page_with_a_curling_corner_is_read_right(seed):
    """One end of the page curls (a corner lifting): the lines' heights along the band stray
    from a straight course at that end only, which no parabola fits; they are followed
    strip by strip (on the code that took out parabolas only, 69 of 100 such documents were
    read right, on the code before that 48, with 17 and 22 wrong readings passing their
    checks)."""
    doc = synthdocs.curled_doc(seed)
    reads = read_frame(doc.image)
    assert reads and reads[0].lines == doc.lines and reads[0].valid


def _bowed_band(sag: float, curl: bool = False) -> np.ndarray:
    """A rectified band of two MRZ lines (capitals 36 px), its columns moved by
    ``sag * (1 - u**2)`` (``u`` from -1 to 1 across the band), or with ``curl`` by
    ``sag * t**2`` over its last third (``t`` from 0 to 1 there)."""
    a, b = (render_line(t, 36.0) for t in TD2)
    lines = np.vstack([np.pad(a, ((40, 20), (60, 60))), np.pad(b, ((20, 40), (60, 60)))])
    band = (235 - 200 * lines).astype(np.float32)
    h, w = band.shape
    xx, yy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    u = xx / (w - 1) * 2 - 1
    lift = sag * np.clip((u - 1 / 3) * 1.5, 0, 1) ** 2 if curl else sag * (1 - u * u)
    return cv2.remap(band, xx, yy - lift, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE).astype(np.uint8)


def _line_centres(band: np.ndarray, strips: int = 8) -> np.ndarray:
    """The ink's centre row in each strip of ``band``."""
    ink = (band < 128).astype(np.float32)
    rows = np.arange(ink.shape[0], dtype=np.float32)
    sw = band.shape[1] // strips
    cols = [ink[:, i * sw : (i + 1) * sw].sum(axis=1) for i in range(strips)]
    return np.array([(c * rows).sum() / c.sum() for c in cols])


def test_a_bowed_or_curled_band_is_made_level_and_a_flat_one_left_alone():
    from border_app.ocr import locate, straighten

    flat = _bowed_band(0.0)
    assert straighten.unbowed(flat, locate.split_lines(flat)) is None
    slight = _bowed_band(5.0)  # a seventh of a line's height: left to the straight paths
    assert straighten.unbowed(slight, locate.split_lines(slight)) is None
    straight = _line_centres(flat)
    for sag in (-30.0, 30.0):
        bowed = _bowed_band(sag)
        assert np.ptp(_line_centres(bowed) - straight) > 10
        level = straighten.unbowed(bowed, locate.split_lines(bowed))
        assert level is not None
        assert np.ptp(_line_centres(level) - straight) < 3
        assert len(locate.split_lines(level)) == 2
    for lift in (-20.0, 20.0):  # one end curling: followed strip by strip
        curled = _bowed_band(lift, curl=True)
        assert np.ptp(_line_centres(curled) - straight) > 8
        level = straighten.unbowed(curled, locate.split_lines(curled))
        assert level is not None
        assert np.ptp(_line_centres(level) - straight) < 3


def test_flat_field_evens_out_a_shadow():
    from border_app.ocr.reader import flat_field

    paper = np.full((200, 400), 200, np.uint8)
    paper[:, 200:] = 60  # the shadowed half
    paper[90:110, 50:60] = paper[90:110, 250:260] = 0  # one ink mark on each side
    flat = flat_field(paper)
    assert abs(int(flat[20, 100]) - int(flat[20, 300])) <= 2
    assert flat[100, 55] < 30 and flat[100, 255] < 30

    """Beyond the document (dark background, noise) nothing is text: a band that already
    holds the whole MRZ stays on the document."""
    from border_app.ocr import locate

    doc = synthdocs.make_doc(32, fmt="TD1", width=500, clean=True)
    img = cv2.copyMakeBorder(cv2.cvtColor(doc.image, cv2.COLOR_BGR2GRAY), 60, 60, 80, 80, cv2.BORDER_CONSTANT, value=50)
    rng = np.random.default_rng(4)
    img = (img + rng.normal(0, 8, img.shape)).clip(0, 255).astype(np.uint8)
    rects = locate._candidates(img)
    mrz = max(rects, key=lambda r: r[0][1])  # the lowest band: the MRZ
    (cx, _cy), (rw, _rh), _a = locate.extend_rect(img, mrz)[:3]
    assert 80 <= cx - rw / 2 and cx + rw / 2 <= 80 + doc.image.shape[1]
    assert rw < 1.1 * mrz[1][0]


def test_two_documents_in_one_image():
    a = synthdocs.make_doc(21, fmt="TD3", width=900, clean=True)
    b = synthdocs.make_doc(22, fmt="TD1", width=900, clean=True)
    h = max(a.image.shape[0], b.image.shape[0])
    pad = lambda im: cv2.copyMakeBorder(im, 0, h - im.shape[0], 20, 20, cv2.BORDER_CONSTANT, value=(90, 90, 90))  # noqa: E731
    both = np.hstack([pad(a.image), pad(b.image)])
    found = {tuple(r.lines) for r in read_frame(both)}
    assert tuple(a.lines) in found and tuple(b.lines) in found


def test_one_mrz_read_from_two_bands_is_one_document():
    """Two bands around one MRZ (the MRZ's own and a larger one holding text above it) can
    read it with one character apart (``MARIA`` and ``MARZA``): one document, not two."""
    from border_app.ocr.reader import MrzRead, _same

    inner = [[81, 265], [416, 191], [425, 233], [91, 306]]
    outer = [[46, 221], [446, 137], [467, 235], [67, 319]]
    a = MrzRead(TD3, "TD3", inner, -0.1)
    b = MrzRead([TD3[0].replace("MARIA", "MARZA"), TD3[1]], "TD3", outer, -0.1)
    elsewhere = MrzRead(TD2, "TD2", [[x + 600, y] for x, y in outer], -0.1)
    assert _same(a, b) and _same(b, a)
    assert not _same(a, elsewhere) and not _same(b, elsewhere)


@pytest.mark.shared_data("mrz-docs")
def test_degraded_specimen_read_from_two_bands_reports_one_document():
    img, _settings = _degraded_specimen(400, 6_000_036)
    reads = read_frame(img)
    assert len(reads) == 1 and reads[0].valid


def test_blank_and_noise_frames_find_nothing():
    assert read_frame(np.full((720, 1280, 3), 200, np.uint8)) == []
    rng = np.random.default_rng(1)
    assert all(not r.valid for r in read_frame(rng.integers(0, 255, (480, 640), dtype=np.uint8)))


def test_strips_and_squashed_frames_are_read_without_error_on_a_bounded_work_image():
    """Found by feeding odd shapes: a 5 px wide strip of a tall image was upscaled to the
    band finder's working width (960 x 241,152 px: 18 s, 1 GB), and a document squashed to
    39 px high gave a line crop that, scaled to 48 px high, outgrew OpenCV's 32,767-pixel
    limit on warps (an exception)."""
    from border_app.ocr.locate import MAX_WORK_ASPECT, WORK_WIDTH, work_scale

    for h, w in ((1256, 5), (3000, 2), (39, 2285), (720, 1280), (236, 310)):
        s = work_scale(h, w)
        assert w * s <= WORK_WIDTH + 1e-6 and h * s <= MAX_WORK_ASPECT * WORK_WIDTH + 1e-6
    assert work_scale(720, 1280) == WORK_WIDTH / 1280 and work_scale(236, 310) == WORK_WIDTH / 310  # as before
    doc = synthdocs.make_doc(5, fmt="TD3", width=1000, clean=True).image
    strip = np.ascontiguousarray(cv2.resize(doc, (doc.shape[1], 1256))[:, 400:405])
    squashed = cv2.resize(doc, (2285, 39), interpolation=cv2.INTER_AREA)
    for img in (strip, squashed, np.full((3000, 2, 3), 200, np.uint8)):
        assert all(not r.valid for r in read_frame(img))


def test_frames_of_any_numeric_layout_are_read_and_shapeless_ones_hold_nothing():
    doc = synthdocs.make_doc(5, fmt="TD3", width=900, clean=True)
    gray = cv2.cvtColor(doc.image, cv2.COLOR_BGR2GRAY)
    holed = gray.astype(np.float64)
    holed[::37, ::41] = np.nan  # a float frame with missing pixels
    for img in (cv2.cvtColor(doc.image, cv2.COLOR_BGR2BGRA), gray[:, :, None], gray.astype(np.uint16) * 257,
                holed, gray.astype(np.int64) - 1000):
        reads = read_frame(img)
        assert reads and reads[0].lines == doc.lines
    for img in (np.zeros((0, 0), np.uint8), np.zeros((1, 1), np.uint8), np.zeros(10, np.uint8),
                np.zeros((2, 2, 2, 2), np.uint8), np.zeros((10, 10, 2), np.uint8)):
        assert read_frame(img) == []


def test_bad_inputs_are_invalid_input(tmp_path):
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"not an image at all" * 10)
    good = cv2.imencode(".jpg", synthdocs.make_doc(5, clean=True).image)[1].tobytes()
    trunc = tmp_path / "trunc.jpg"
    trunc.write_bytes(good[: len(good) // 8])
    huge = tmp_path / "huge.png"
    # a PNG header announcing 20000 x 20000 pixels (400 MP): refused before decoding
    import struct
    import zlib

    ihdr = struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0)
    huge.write_bytes(b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr
                     + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr)))
    for path in (empty, junk, huge, tmp_path / "missing.jpg", tmp_path):
        with pytest.raises(InvalidInput):
            read_file(path)
    # a truncated JPEG either fails cleanly or decodes partially: never a crash
    try:
        read_file(trunc)
    except InvalidInput:
        pass


def test_pdf_without_image_and_with_image(tmp_path):
    import pypdf
    w = pypdf.PdfWriter()
    w.add_blank_page(200, 200)
    blank = tmp_path / "blank.pdf"
    with blank.open("wb") as fh:
        w.write(fh)
    with pytest.raises(InvalidInput):
        read_file(blank)
    from PIL import Image as pil
    doc = synthdocs.make_doc(12, fmt="TD3", width=1200, clean=True)
    scan = tmp_path / "scan.pdf"
    pil.fromarray(cv2.cvtColor(doc.image, cv2.COLOR_BGR2RGB)).save(scan, "PDF", resolution=150)
    reads = read_file(scan)
    assert reads and reads[0].lines == doc.lines


@pytest.mark.parametrize("turn", [cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_90_COUNTERCLOCKWISE])
def test_a_file_scanned_sideways_is_read_and_its_corners_given_as_it_came(tmp_path, turn):
    """A passport laid sideways on a flatbed scanner (or a photo taken so): a file is read
    again a quarter turn round when nothing valid is found; a camera frame is not."""
    from border_app.ocr.reader import default_reader

    doc = synthdocs.make_doc(14, fmt="TD3", width=900, clean=True)
    upright = read_frame(doc.image)
    assert upright and upright[0].lines == doc.lines
    img = cv2.rotate(doc.image, turn)
    path = tmp_path / "sideways.png"
    cv2.imwrite(str(path), img)
    reads = read_file(path)
    assert reads and reads[0].lines == doc.lines and reads[0].valid
    assert not read_frame(img)  # frames: not turned (an empty frame would cost twice)
    # the corners, given in the file as it came, are the upright reading's turned alike
    h, w = doc.image.shape[:2]
    pts = np.array(upright[0].corners, np.float32)
    if turn == cv2.ROTATE_90_CLOCKWISE:
        turned = np.stack([h - 1 - pts[:, 1], pts[:, 0]], axis=1)
    else:
        turned = np.stack([pts[:, 1], w - 1 - pts[:, 0]], axis=1)
    got = np.array(reads[0].corners, np.float32)
    assert np.abs(got - turned).max() < 0.03 * w
    assert default_reader().read(img, turn=True)[0].lines == doc.lines


def _turned(img: np.ndarray, angle: float) -> tuple[np.ndarray, np.ndarray]:
    """``img`` turned counter-clockwise by ``angle`` degrees on a canvas holding all of it,
    and the 2x3 matrix taking ``img``'s points to the canvas."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    c, s = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * s + w * c), int(h * c + w * s)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(img, m, (nw, nh), borderValue=(80, 80, 80)), m


@pytest.mark.parametrize("angle", [-70.0, -35.0, 25.0, 50.0])
def test_a_file_turned_at_any_angle_is_read(tmp_path, angle):
    """The band finder reaches about 15 degrees; a file turned further (a passport laid
    askew on a scanner, a photo taken at a slant) is read again with its text made level."""
    from border_app.ocr.locate import text_angle

    doc = synthdocs.make_doc(15, fmt="TD1", width=800, clean=True)
    img, m = _turned(doc.image, angle)
    assert not read_frame(img)  # beyond the band finder's reach
    est = text_angle(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY))
    assert abs((est + angle + 90) % 180 - 90) <= 2  # the lines run at -angle in image axes
    path = tmp_path / "turned.png"
    cv2.imwrite(str(path), img)
    reads = read_file(path)
    assert reads and reads[0].lines == doc.lines and reads[0].valid
    # the corners lie on the MRZ as it is in the file: its centre, turned alike
    upright = read_frame(doc.image)[0]
    centre = np.mean(upright.corners, axis=0) @ m[:, :2].T + m[:, 2]
    assert np.linalg.norm(np.mean(reads[0].corners, axis=0) - centre) < 0.03 * doc.image.shape[1]


def _cut_td1(seed: int, into: float, side: str = "left") -> tuple[np.ndarray, list[str]]:
    """A clean TD1 card cut at its MRZ's ``side``, ``into`` pitches inside the text (negative:
    that much blank left before the cut), as a camera frame or a scan's crop cuts it."""
    doc = synthdocs.make_doc(seed, fmt="TD1", width=800, clean=True)
    left, pitch = synthdocs.mrz_start("TD1", 800)
    if side == "left":
        img = doc.image[:, int(round(left + into * pitch)) :]
    else:
        img = doc.image[:, : int(round(left + (30 - into) * pitch))]
    return cv2.copyMakeBorder(img, 60, 60, 0, 0, cv2.BORDER_CONSTANT, value=(90, 100, 110)), doc.lines


@pytest.mark.parametrize("seed", [8_500_001, 8_500_010, 8_500_016])
def test_an_mrz_cut_by_the_image_edge_is_not_valid(seed):
    """A card half out of the camera's view: the names line (no check digit) lost half its
    first letter, and was read `LSSOUFOU`, `DUEDRAOGO`, `TL<BASRI`, every check passing."""
    img, lines = _cut_td1(seed, 0.5)
    reads = read_frame(img)
    assert reads and not reads[0].valid
    assert "at_edge" in [p.kind for p in reads[0].result.problems]
    whole, lines = _cut_td1(seed, -1.0)  # a character's blank before the image's edge: whole
    reads = read_frame(whole)
    assert reads and reads[0].valid and reads[0].lines == lines
    for side in ("left", "right"):
        reads = read_frame(_cut_td1(seed, 0.0, side)[0])  # the text touches the edge
        assert reads and not reads[0].valid


def _cut_slanted_td1(seed: int, into: float, angle: float = -30.0) -> tuple[np.ndarray, list[str]]:
    """A clean TD1 card photographed turned ``angle`` degrees, the picture's left edge crossing
    its names line ``into`` pitches inside the text (at the line's centre height)."""
    doc = synthdocs.make_doc(seed, fmt="TD1", width=800, clean=True)
    left, pitch = synthdocs.mrz_start("TD1", 800)
    y = synthdocs.mrz_line_y("TD1", 800, 2, 3)
    img = cv2.copyMakeBorder(doc.image, 200, 200, 200, 200, cv2.BORDER_CONSTANT, value=(90, 100, 110))
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    turned = cv2.warpAffine(img, m, (w, h), borderValue=(90, 100, 110))
    x = m @ np.array([200 + left + into * pitch, 200 + y, 1.0])
    return turned[:, int(round(x[0])) :], doc.lines


def test_depth_inside_the_picture_whichever_way_round_its_corners_go():
    from border_app.ocr.locate import _view_depth

    square = np.array([[0, 0], [10, 0], [10, 10], [0, 10]], float)
    pts = np.array([[5, 5], [1, 5], [-1, 5], [5, 12]], float)
    for view in (square, square[::-1], None):  # None: the whole 11x11 image
        assert _view_depth(pts, (11, 11), view).tolist() == [5, 1, -1, -2]
    diamond = np.array([[5, 0], [10, 5], [5, 10], [0, 5]], float)  # a picture turned 45 degrees
    depth = _view_depth(np.array([[5.0, 5.0], [1.0, 1.0]]), (11, 11), diamond)
    assert depth == pytest.approx([5 / 2**0.5, -3 / 2**0.5])


@pytest.mark.parametrize("seed", [8_500_001, 8_500_010])
def test_a_slanted_photo_cutting_the_mrz_is_not_valid(seed):
    """A file turned past the band finder's reach is read on a turned canvas: a line cut by
    the picture's edge runs on into the canvas's fill there, not to the canvas's edge. Read
    so, 19 of 20 cards cut half a character into their names line at 30 degrees gave a name
    short of its first letter (`SSOUHFOU`, `ONHE`), every check passing."""
    from border_app.ocr.reader import default_reader

    img, lines = _cut_slanted_td1(seed, 0.5)
    reads = default_reader().read(img, turn=True)
    assert reads and not reads[0].valid
    assert "at_edge" in [p.kind for p in reads[0].result.problems]
    whole, lines = _cut_slanted_td1(seed, -1.0)  # a character's blank before the picture's edge
    reads = default_reader().read(whole, turn=True)
    assert reads and reads[0].valid and reads[0].lines == lines


def test_the_edge_message_is_translated():
    from border_app.mrz.result import Problem

    assert "bord de l'image" in Problem("at_edge").message("fr")
    assert "edge of the image" in Problem("at_edge").message("en")


def test_cli_scan_json(tmp_path, capsys):
    from border_app.cli import main

    doc = synthdocs.make_doc(13, fmt="TD2", width=1000, clean=True)
    good = tmp_path / "doc.png"
    cv2.imwrite(str(good), doc.image)
    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), np.full((300, 400), 255, np.uint8))
    code = main(["--lang", "en", "scan", "--json", str(good)])
    out = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert code == 0 and len(out) == 1
    rec = out[0]
    assert rec["found"] is True and rec["valid"] is True and rec["lines"] == doc.lines
    assert {"file", "ms", "corners", "format", "document_number", "birth_date", "checks"} <= set(rec)
    assert len(rec["corners"]) == 4
    assert rec["uncertain"] == []  # a clean print: nothing read with doubt
    code = main(["--lang", "en", "scan", "--json", str(good), str(blank)])
    out = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert code == 1 and [r["found"] for r in out] == [True, False]


def test_doubtful_characters_are_those_no_passing_check_digit_holds():
    from border_app.ocr.decode import doubtful

    probs = _one_hot(TD3)
    for ln, i, c in ((0, 10, "S"), (1, 2, "9"), (1, 20, "F"), (1, 16, "8")):  # a name, a number, the sex, a date
        probs[ln][i] = 1e-4
        probs[ln][i, INDEX[c]] = 0.6
        probs[ln][i, INDEX["<"]] = 0.4
    lines = list(TD3)
    # the number and the date pass their check digits: only the name and the sex are in doubt
    assert doubtful(probs, lines, "TD3") == [(1, 11), (2, 21)]
    # a failing check leaves its whole field (and the composite) unvouched
    broken = [lines[0], lines[1][:15] + "9" + lines[1][16:]]
    assert (2, 17) in doubtful(probs, broken, "TD3") and (2, 3) not in doubtful(probs, broken, "TD3")


def _in_doubt(probs, ln, i, c, other, p=0.6):
    probs[ln][i] = 1e-4
    probs[ln][i, INDEX[c]], probs[ln][i, INDEX[other]] = p, 1 - p


def test_a_check_digit_does_not_vouch_for_two_doubtful_characters():
    """Two errors in one field can cancel in its check digit, and the decoder, which picks
    among each character's candidates the ones that pass, finds such pairs: both marked."""
    from border_app.ocr.decode import doubtful

    probs = _one_hot(TD3)
    _in_doubt(probs, 1, 2, "9", "3")
    assert doubtful(probs, list(TD3), "TD3") == []
    _in_doubt(probs, 1, 4, "9", "5")
    assert doubtful(probs, list(TD3), "TD3") == [(2, 3), (2, 5)]
    # one doubtful character in each of two fields: each field's own check vouches
    probs = _one_hot(TD3)
    _in_doubt(probs, 1, 2, "9", "3")
    _in_doubt(probs, 1, 16, "8", "3")
    assert doubtful(probs, list(TD3), "TD3") == []


def test_a_check_digit_does_not_tell_apart_characters_of_equal_weight():
    """``K`` (20) and ``<`` (0), or ``E`` (14) and ``O`` (24), weigh the same modulo 10: the
    check digit passes either way, so it cannot settle the doubt between them."""
    from border_app.ocr.decode import doubtful

    probs = _one_hot(TD3)
    _in_doubt(probs, 1, 7, "C", "M")  # C = 12, M = 22
    assert doubtful(probs, list(TD3), "TD3") == [(2, 8)]
    probs = _one_hot(TD3)
    _in_doubt(probs, 1, 7, "C", "D")  # D = 13: the check digit tells them apart
    assert doubtful(probs, list(TD3), "TD3") == []


def test_cli_scan_text_marks_the_doubtful_characters(tmp_path, capsys, monkeypatch):
    from border_app.cli import main
    from border_app.ocr import reader

    doc = synthdocs.make_doc(13, fmt="TD2", width=1000, clean=True)
    good = tmp_path / "doc.png"
    cv2.imwrite(str(good), doc.image)
    monkeypatch.setattr(reader, "doubtful", lambda probs, lines, fmt: [(1, 3), (1, 5)])
    main(["--lang", "fr", "scan", str(good)])
    out = capsys.readouterr().out.splitlines()
    i = out.index("    " + doc.lines[0])
    assert out[i + 1] == "      ^ ^"
    assert any("comparez avec le document" in x for x in out)


@pytest.mark.parametrize("fmt", synthdocs.FORMATS)
def test_synthetic_documents_with_random_names_differ_only_in_their_names(fmt):
    """The benchmark's random-name set: the same document, names drawn as random letters (the
    generator's name lists can be learnt by a model trained on its documents); read alike."""
    a = synthdocs.make_doc(300_011, fmt=fmt, width=1000, clean=True)
    b = synthdocs.make_doc(300_011, fmt=fmt, width=1000, clean=True, random_names=True)
    names = 2 if fmt == "TD1" else 0
    assert [x for i, x in enumerate(a.lines) if i != names] == [x for i, x in enumerate(b.lines) if i != names]
    start = 0 if fmt == "TD1" else 5
    assert a.lines[names][:start] == b.lines[names][:start] and a.lines[names] != b.lines[names]
    assert b.lines[names][start:].replace("<", "") not in "".join(synthdocs.SURNAMES + synthdocs.GIVEN).replace(" ", "")
    r = read_frame(b.image)
    assert r and r[0].valid and r[0].lines == b.lines


def test_a_reading_with_too_many_doubtful_characters_is_not_valid(tmp_path, capsys, monkeypatch):
    """From 15% of its characters read with doubt, a reading's passing checks are chance (the
    decoder picked, among those characters' candidates, the ones that pass): not valid, with
    a message saying why, in the user's language; the lines are still shown."""
    from border_app.cli import main
    from border_app.ocr import reader

    doc = synthdocs.make_doc(13, fmt="TD2", width=1000, clean=True)  # 72 characters
    good = tmp_path / "doc.png"
    cv2.imwrite(str(good), doc.image)
    marks = [(1, i) for i in range(6, 17)]  # 11 of 72: 15.3%
    monkeypatch.setattr(reader, "doubtful", lambda probs, lines, fmt: marks[:10])
    r = read_file(good)[0]
    assert r.valid and r.lines == doc.lines  # 10 of 72: still valid
    monkeypatch.setattr(reader, "doubtful", lambda probs, lines, fmt: marks)
    r = read_file(good)[0]
    assert not r.valid and r.lines == doc.lines and r.checks_passed == r.checks_total
    assert [p.kind for p in r.result.problems] == ["doubtful"]
    assert main(["--lang", "fr", "scan", "--json", str(good)]) == 1
    rec = json.loads(capsys.readouterr().out)
    assert rec["valid"] is False and rec["lines"] == doc.lines and len(rec["uncertain"]) == 11
    assert rec["errors"] == ["Trop de caractères lus avec doute (11 sur 72) : les chiffres de contrôle peuvent "
                             "concorder par hasard. Prenez une photo plus nette ou plus proche."]
    assert main(["--lang", "en", "scan", str(good)]) == 1
    out = capsys.readouterr().out
    assert "INVALID" in out and "Too many characters read with doubt (11 of 72)" in out


@pytest.mark.parametrize("seed", [5_000_148, 5_000_838])
def test_tiny_documents_misread_with_passing_checks_are_not_valid(seed):
    """Documents 250 px wide (MRZ capitals of about 4 px) read wrong, yet with every check
    digit passing; the reading has so many doubtful characters that it is not valid."""
    doc = synthdocs.make_doc(seed)
    assert doc.image.shape[1] < 400
    r = read_frame(doc.image)[0]
    assert r.lines != doc.lines and r.checks_passed == r.checks_total
    assert not r.valid and "doubtful" in [p.kind for p in r.result.problems]


def test_cli_scan_piped_into_a_reader_that_stops_early_ends_quietly(tmp_path):
    """``border-app scan --json ... | head -1``: when the reader of the output goes away,
    the command stops with status 141 (as a shell pipeline reports SIGPIPE) and no
    traceback."""
    import subprocess

    doc = synthdocs.make_doc(13, fmt="TD2", width=1000, clean=True)
    good = tmp_path / "doc.png"
    cv2.imwrite(str(good), doc.image)
    proc = subprocess.Popen([sys.executable, "-m", "border_app", "scan", "--json"] + [str(good)] * 4,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = json.loads(proc.stdout.readline())
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert first["found"] is True and "Traceback" not in err and "BrokenPipe" not in err


def test_cli_scan_bad_file_message_in_french(tmp_path, capsys):
    from border_app.cli import main

    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"\xff\xd8garbage")
    code = main(["--lang", "fr", "scan", str(junk)])
    out = capsys.readouterr().out
    assert code == 2 and "image" in out and "lisible" in out


@pytest.mark.shared_data("mrz-lines")
def test_held_out_real_lines_sample():
    split_file = Path(__file__).resolve().parents[1] / "resources" / "data" / "mrz_lines_split.json"
    split = json.loads(split_file.read_text())
    held = split["held_out"]
    assert split["held_out_count"] == len(held) and len(held) >= 0.25 * split["total"] - 1
    sample = held[::10]
    exact = 0
    for name in sample:
        gt = (LINES / (name[:-4] + ".gt.txt")).read_text().strip()
        exact += read_line(cv2.imread(str(LINES / name), cv2.IMREAD_GRAYSCALE)) == gt
    assert exact / len(sample) >= 0.7


def _probs(text: str) -> np.ndarray:
    p = np.full((len(text), len(CHARSET)), 1e-4)
    for i, c in enumerate(text):
        p[i, INDEX[c]] = 1.0
    return p


def test_bare_line_structure_and_context():
    from border_app.ocr.line_types import decode_line
    from border_app.ocr.reader import context_read

    line = TD3[1]  # L898902C36UTO7408122F1204159ZE184226B<<<<<10
    p = _probs(line)
    # the 0 of the birth date looks like an O: the TD3 line-2 structure (digits) settles it
    p[15] = 1e-4  # 7408122: its 0
    p[15, INDEX["O"]], p[15, INDEX["0"]] = 0.55, 0.45
    p = p / p.sum(axis=1, keepdims=True)
    assert context_read(p)[15] == "0"  # neighbours are digits
    assert decode_line(p, "fallback") == line
    # a line that fits no MRZ line type keeps the fallback reading
    assert decode_line(_probs("ABC123"), "ABC123") == "ABC123"


def test_bare_line_document_number_repaired_by_its_check_digit():
    from border_app.ocr.line_types import decode_line

    line = TD3[1]  # L898902C36UTO7408122F1204159ZE184226B<<<<<10
    p = _probs(line)
    # the document number's 0 (position 5) read as O, most likely: only the check digit
    # (over the top candidates) tells them apart, as the field is alphanumeric
    p[5] = 1e-4
    p[5, INDEX["O"]], p[5, INDEX["0"]], p[5, INDEX["D"]] = 0.6, 0.3, 0.1
    p = p / p.sum(axis=1, keepdims=True)
    assert decode_line(p, "fallback") == line
    # a repair too costly in probability is not made (no invented line): the line keeps
    # its reading, only given the field kinds (the document number may hold an O)
    p[5] = 1e-4
    p[5, INDEX["O"]] = 1.0
    p[5, INDEX["0"]] = 1e-5
    p = p / p.sum(axis=1, keepdims=True)
    assert decode_line(p, "fallback") == line[:5] + "O" + line[6:]
    assert decode_line(p, "fallback", shape_cost=0.0) == "fallback"
    # field kinds without check digits: a sex read as 6 in a line whose check digits fail
    q = _probs(line.replace("F1204159", "61204158"))
    q[20] = 1e-4
    q[20, INDEX["6"]], q[20, INDEX["F"]] = 0.7, 0.3
    q = q / q.sum(axis=1, keepdims=True)
    assert decode_line(q, "fallback")[20] == "F"


def test_a_check_digit_is_not_repaired_with_a_character_the_reader_all_but_excluded():
    """With a few dozen candidate changes tried, one that makes a group pass is nearly
    always found: on shadowed documents a filler seen as a digit beside the shadow's edge
    was "repaired" by turning another, clearly read filler into a digit, and the reading
    passed every check. A repair may only use a character given REPAIR_MIN_P or more."""
    from border_app.ocr.decode import REPAIR_MIN_P

    line = TD3[1]  # L898902C36UTO7408122F1204159ZE184226B<<<<<10
    seen = line[:2] + "7" + line[3:]  # the number's 8 seen, clearly, as a 7: its check fails
    assert check_digit(seen[:9]) != seen[9]
    # a single change elsewhere in the number that would make its check pass again
    i, c = next((i, c) for i in range(9) if i != 2 and seen[i].isdigit() for c in "0123456789"
                if c != seen[i] and check_digit(seen[:i] + c + seen[i + 1 : 9]) == seen[9])
    for prob, repaired in ((REPAIR_MIN_P / 10, False), (REPAIR_MIN_P * 10, True)):
        q = _probs(seen)
        q[i, INDEX[c]] = prob
        q = q / q.sum(axis=1, keepdims=True)
        out, _conf = decode([_probs(TD3[0]), q], "TD3")
        assert (out[1][i] == c) is repaired
        assert (check_digit(out[1][:9]) == out[1][9]) is repaired


@pytest.mark.parametrize("seed", [7_500_195, 7_500_320, 7_500_395])
def test_a_shadowed_card_is_not_read_valid_through_an_unseen_repair(seed):
    """Selection documents whose shadow's edge crosses a TD1's optional data: read wrong with
    every check passing before REPAIR_MIN_P, right now."""
    doc = synthdocs.shadow_doc(seed)
    reads = read_frame(doc.image)
    assert reads and reads[0].lines == doc.lines and reads[0].valid


def test_state_codes_constrained_to_icao_list():
    from border_app.ocr.decode import decode

    num, birth, expiry = "M12345678", "750101", "180310"
    l2 = (num + check_digit(num) + "KOR" + birth + check_digit(birth) + "M" + expiry + check_digit(expiry)
          + "<" * 14 + "<")
    l2 += check_digit(l2[0:10] + l2[13:20] + l2[21:43])
    lines = ["P<KORHONG<<GILDONG<<<<<<<<<<<<<<<<<<<<<<<<<<", l2]
    assert len(l2) == 44
    probs = [_probs(x) for x in lines]
    # issuing state: an R read as a K ("KOK", not a code) becomes the nearest ICAO code
    probs[0][4] = 1e-4
    probs[0][4, INDEX["K"]], probs[0][4, INDEX["R"]] = 0.6, 0.4
    # nationality "KOP": P most likely, R second
    probs[1][12] = 1e-4
    probs[1][12, INDEX["P"]], probs[1][12, INDEX["R"]] = 0.55, 0.45
    probs = [p / p.sum(axis=1, keepdims=True) for p in probs]
    out, _conf = decode(probs, "TD3")
    assert out == lines
    # a valid code stays as read, even when another code is close
    probs = [_probs(x) for x in lines]
    probs[0][4, INDEX["Z"]] = 0.5  # KOZ is not a code; KOR (as read) is kept
    probs = [p / p.sum(axis=1, keepdims=True) for p in probs]
    assert decode(probs, "TD3")[0][0][2:5] == "KOR"


def test_huge_tiff_refused_from_its_header(tmp_path):
    import struct

    # little-endian TIFF, one IFD with ImageWidth = ImageLength = 30000 (900 MP)
    ifd = (struct.pack("<H", 2) + struct.pack("<HHII", 256, 4, 1, 30000) + struct.pack("<HHII", 257, 4, 1, 30000)
           + b"\0\0\0\0")
    path = tmp_path / "huge.tif"
    path.write_bytes(b"II*\x00" + struct.pack("<I", 8) + ifd)
    with pytest.raises(InvalidInput) as err:
        read_file(path)
    assert "900" in err.value.message


def test_bare_names_line_has_no_digits():
    """A names line (TD1 third line here) holds letters and fillers only: a 0 read in a name
    becomes O when that is cheap enough, and a line that is not a names line is left alone."""
    from border_app.ocr.line_types import decode_line

    line = "KOWALSKI<<JAN<<<<<<<<<<<<<<<<<"
    p = _probs(line)
    p[1] = 1e-4
    p[1, INDEX["0"]], p[1, INDEX["O"]] = 0.9, 0.1
    p = p / p.sum(axis=1, keepdims=True)
    assert decode_line(p, "fallback") == line
    digits = "740812<F120415<UTO<<<<<<<<<<<"  # mostly digits: not taken for a names line
    assert decode_line(_probs(digits) / _probs(digits).sum(axis=1, keepdims=True), "fallback") == "fallback"


def test_document_code_letter_fixed_by_format():
    """In a known format the first letter is P (TD3), V (visas) or A/C/I (ID cards)."""
    from border_app.ocr.decode import decode

    probs = [_probs(t) for t in TD3]
    probs[0][0] = 1e-4
    probs[0][0, INDEX["F"]], probs[0][0, INDEX["P"]] = 0.6, 0.4
    lines, _conf = decode([p / p.sum(axis=1, keepdims=True) for p in probs], "TD3")
    assert lines == TD3


def test_bare_id_lines_keep_their_digits():
    """A TD1 first line whose document number has a digit read as O comes out right, and an
    ID line of letters and digits is not read as a names line (its 0 stays a digit)."""
    from border_app.ocr.line_types import decode_line
    from border_app.ocr.reader import context_read

    line = "I<UTOD231458907<<<<<<<<<<<<<<<"  # TD1 line 1 (ICAO example), check digit 7
    p = _probs(line)
    p[9] = 1e-4
    p[9, INDEX["O"]], p[9, INDEX["4"]], p[9, INDEX["0"]] = 0.45, 0.35, 0.2
    p = p / p.sum(axis=1, keepdims=True)
    got = decode_line(p, context_read(p))
    assert got == line
    ids = "KPPOLZKA4014046<<<<<<<<<<<<<<<"
    q = _probs(ids)
    q[9] = 1e-4
    q[9, INDEX["0"]], q[9, INDEX["O"]] = 0.6, 0.4
    q = q / q.sum(axis=1, keepdims=True)
    assert decode_line(q, context_read(q)) == ids


def test_alphanumeric_field_takes_its_neighbours_kind_unless_a_check_breaks():
    from border_app.ocr.line_types import LINE_TYPES, _x_context

    spec = LINE_TYPES["TD1-2"]
    line = "7309258F0810245MLT0310240<<<<5"
    assert _x_context(line.replace("0310240", "031O240"), spec, line) == line
    # the document number's check digit held with O: the context must not break it
    td3 = LINE_TYPES["TD3-2"]
    ok = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
    ctx = ok.replace("C36", "036")
    assert _x_context(ok, td3, ctx) == ok


def test_line_fits_names_a_valid_line_type_or_none():
    from border_app.ocr.line_types import line_fits

    assert line_fits(TD3[0]) == "TD3-1"
    assert line_fits(TD3[1]) == "TD3-2"
    assert line_fits("7907186F2402251MLT140225<<<<<8") == "TD1-2"
    assert line_fits("7907186F2402251NLT140225<<<<<8") is None  # NLT is no ICAO code
    assert line_fits("8101028M2208176POL<<<<<<<<<<<2") == "TD1-2"
    assert line_fits("810102842208176POL<<<<<<<<<<<2") is None  # sex '4'
    assert line_fits("3808173M1103108COD<<<<<<<<<<<3") is None  # birth date check fails
    assert line_fits(TD3[1][:-1]) is None  # 43 characters


def _one_hot_line(text: str, p_true: float = 0.98) -> np.ndarray:
    p = np.full((len(text), len(CHARSET)), (1 - p_true) / (len(CHARSET) - 1), np.float64)
    for i, c in enumerate(text):
        p[i, INDEX[c]] = p_true
    return p


def test_alphanumeric_fields_weigh_characters_by_their_frequency_there():
    """In optional data (no check digit on an MRV-A line) a glyph read O at 0.9 against 0 at
    0.1 is a 0: in the training crops' alphanumeric fields 0 stands 1,279 times, O 7 times;
    a clear O (0.999) stays an O. Nothing changes in fields of one kind."""
    from border_app.ocr.decode import X_FIELD_COUNTS
    from border_app.ocr.line_types import decode_line, match_line
    from border_app.ocr.reader import context_read

    assert len(X_FIELD_COUNTS) == 36 and X_FIELD_COUNTS[0] > 100 * X_FIELD_COUNTS[INDEX["O"]]
    line = "B0875761<1UGA8301253M1506196B3KMP013Y0982190"  # MRV-A line 2, optional data from 28
    k = line.index("Y0") + 1
    for p_o, want in ((0.9, "0"), (0.999, "O")):
        p = _one_hot_line(line)
        p[k] = 1e-6
        p[k, INDEX["O"]], p[k, INDEX["0"]] = p_o, 1 - p_o
        p[k] /= p[k].sum()
        got = decode_line(p, context_read(p))  # as read_line does
        assert got[k] == want, (p_o, got)
    assert match_line(_one_hot_line(line))[1] == line


def test_document_number_fillers_run_to_its_end():
    """A K (or any character) read as ``<`` at the start or inside a document number, where
    fillers only pad its end, is read as the character; a clearly printed ``<`` (German
    specimens print ``C<0000000``) stays. The check digit holds both ways, so only the
    number's structure can settle it."""
    from border_app.ocr.decode import NUMBER_GAP_COST
    from border_app.ocr.line_types import decode_line

    assert 4.0 < NUMBER_GAP_COST < 5.0
    td2 = "4K70503<<1NGA5302112F160807869277<<7"  # check digits hold for K and for '<'
    visa = "KQ062334<2TCD8805153M18100792102301<"  # MRV-B line 2
    td1 = "I<UTOAB0123456" + check_digit("AB0123456") + "<" * 15  # '<' counts as 0
    for line, k, other in ((td2, 1, "K"), (visa, 0, "K"), (td1, 7, "0")):
        wrong = line[:k] + "<" + line[k + 1 :]
        for p_filler, want in ((0.7, line), (0.999, wrong)):
            p = _one_hot_line(line)
            p[k] = 1e-6
            p[k, INDEX["<"]], p[k, INDEX[other]] = p_filler, 1 - p_filler
            p[k] /= p[k].sum()
            assert decode_line(p, "") == want, (line, p_filler)
    # a whole TD2 document: the same
    probs = [_one_hot_line(TD2[0]), _one_hot_line("4K70503<<1UTO5302112F1608078<<<<<<<6")]
    probs[1][1] = 1e-6
    probs[1][1, INDEX["<"]], probs[1][1, INDEX["K"]] = 0.8, 0.2
    probs[1][1] /= probs[1][1].sum()
    out, _conf = decode(probs, "TD2")
    assert out[1].startswith("4K70503<<1")


def test_td1_document_number_has_its_own_check_digit():
    """The first line of an ID card (TD1) carries the document number's check digit: a bare
    first line is recognised by it and a misread digit repaired; a long number (9 characters,
    ``<`` at the check position, the rest in the optional data, Doc 9303-5) is left as read."""
    from border_app.ocr.decode import group_holds
    from border_app.ocr.line_types import decode_line

    line = "I<UTOD231458907<<<<<<<<<<<<<<<"  # ICAO 9303-5 example
    p = _one_hot_line(line)
    p[9] = 1e-6
    p[9, INDEX["8"]], p[9, INDEX["4"]] = 0.6, 0.4  # D23148890 fails the check; D23145890 holds
    p[9] /= p[9].sum()
    assert decode_line(p, "") == line
    long_number = "IDBEL000610022<0010<<<<<<<<<<<"  # Belgian long number, as printed
    assert decode_line(_one_hot_line(long_number), "") == long_number
    assert group_holds("000610022", "<", number=True) and not group_holds("00061002<", "<", number=True)


def test_an_edge_before_one_line_does_not_shift_its_characters(monkeypatch):
    """A tilted ID card whose band reaches past the card's edge beside the names line: the
    edge reads as two extra cells there (32 for 30). The line's own cells keep their places
    instead of an even grid from the edge, which read ``ERIKSSON`` as ``I<DASSON`` with
    every check digit passing (names have none). Seed outside the benchmark's. (The band
    finder's wide opening now keeps that edge out of this band: it is narrowed back here,
    so that the edge is in the band and the line's cells are what is tested.)"""
    from border_app.ocr import locate
    from border_app.ocr.locate import find_bands
    from border_app.ocr.segment import segment_line

    monkeypatch.setattr(locate, "OPEN_WIDTH", 0.0)

    doc = synthdocs.make_doc(5_000_225)
    assert doc.format == "TD1" and doc.lines[2].startswith("ERIKSSON<<")
    band = find_bands(cv2.cvtColor(doc.image, cv2.COLOR_BGR2GRAY))[0]
    assert len(segment_line(band.lines[2]).cells) == 32  # the situation under test
    found = read_frame(doc.image)
    assert found and found[0].lines == doc.lines


def test_mrz_split_in_two_by_a_glare_spot_is_read_whole():
    """A glare spot over the middle of a TD2 MRZ: each half is found as a group of two
    lines, and the whole band too, whose centre lies inside the first group; the whole band
    is kept as a candidate because it is much larger than that group. Seed outside the
    benchmark's."""
    from border_app.ocr.locate import find_bands

    doc = synthdocs.make_doc(5_000_171)
    assert doc.format == "TD2" and doc.settings["glare"]
    bands = find_bands(cv2.cvtColor(doc.image, cv2.COLOR_BGR2GRAY))
    widths = sorted(float(np.linalg.norm(b.corners[1] - b.corners[0])) for b in bands)
    assert widths[-1] > 1.6 * widths[-2]  # the whole band beside its halves
    found = read_frame(doc.image)
    assert found and found[0].lines == doc.lines


def test_the_degradation_trace_predicts_what_one_changed_letter_does_to_the_image():
    """benchmarks/legibility_bound.py pushes the difference between two renderings through a
    document's recorded degradation (``warp_chain``); that must be exactly what printing the
    other letter does to the image before noise, everything else (drawn from the same seed)
    alike. Its noise-free image is what the noise and JPEG were added to."""
    seed = 300_120  # 250 px, TD1, glare and blur drawn: every step of the chain in use
    ta, tb = {}, {}
    a = synthdocs.make_doc(seed, random_names=True, trace=ta)
    assert a.settings["glare"] and a.settings["blur"] > 0.2 and a.format == "TD1"
    names = a.lines[2]
    j = next(i for i, c in enumerate(names) if c.isalpha())
    other = names[:j] + ("B" if names[j] != "B" else "C") + names[j + 1:]
    b = synthdocs.make_doc(seed, random_names=True, trace=tb, lines=a.lines[:2] + [other])
    assert b.lines[2] == other and b.settings == a.settings
    shape = ta["card"].shape
    delta = (synthdocs.mrz_line_ink(other, "TD1", shape[1], 2, 3, shape)
             - synthdocs.mrz_line_ink(names, "TD1", shape[1], 2, 3, shape))
    predicted = synthdocs.warp_chain(delta, ta)
    actual = tb["noise_free"] - ta["noise_free"]
    assert np.abs(actual).max() > 20  # the letter shows
    # the same up to the card's rounding to whole grey levels (at most half a level, blurred)
    assert np.abs(predicted - actual).max() < 0.6
    observed = cv2.cvtColor(a.image, cv2.COLOR_BGR2GRAY).astype(np.float32)
    assert 0.5 < float(np.std(observed - ta["noise_free"])) < 12


@pytest.mark.parametrize("seed,width,length,angle", [(810_008, 707, 5.23, 114.8), (810_072, 769, 7.95, 92.6),
                                                     (810_113, 779, 7.7, 155.4)])
def test_a_document_moving_under_the_webcam_is_read(seed, width, length, angle):
    """A document held by hand moves while the camera exposes it: its MRZ is smeared by a few
    pixels. Before the CNN was fine-tuned on smeared text, each of these was read with one
    name letter wrong (`PIERRF`, `BOUBACAH`, `ABSOU`), every check passing since names have
    no check digit."""
    doc = synthdocs.make_doc(seed, width=width)
    r = read_frame(synthdocs.motion_blur(doc.image, length, angle))
    assert r and r[0].valid and r[0].lines == doc.lines


def test_motion_blur_smears_evenly_along_its_direction():
    img = np.zeros((41, 41), np.float32)
    img[20, 20] = 1.0
    for length, angle in ((6, 0), (6, 90), (10, 45), (3, 30)):
        out = synthdocs.motion_blur(img, length, angle)
        ys, xs = np.nonzero(out > 1e-3)
        assert abs(float(out.sum()) - 1.0) < 1e-5
        # centred where the point was, spread over the length along the direction only
        assert abs(float((out * np.arange(41)[None, :]).sum()) - 20) < 1e-3
        assert abs(float((out * np.arange(41)[:, None]).sum()) - 20) < 1e-3
        along = np.hypot(xs - 20, ys - 20)
        assert along.max() <= length / 2 + 1.5
    assert synthdocs.motion_blur(img, 0.5, 0) is img  # under a pixel: unchanged
