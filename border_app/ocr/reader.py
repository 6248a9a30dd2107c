"""The MRZ reader pipeline: image -> bands -> lines -> cells -> characters -> MRZ."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field, replace
from typing import Any

import cv2
import numpy as np

from ..mrz import parse
from ..mrz.layouts import WIDTHS
from ..mrz.result import Problem
from .classifier import Classifier, default_classifier, one_blas_thread, search_classifier, small_classifiers
from .glyphs import CHARSET, INDEX
from .decode import FIRST_LETTER, checks_passed, decode, doubtful, guess_format
from .line_types import decode_line
from .locate import find_bands, text_angle
from .segment import grid_fitted_cells, line_geometry, segment_line

FIRST_LETTER_DOUBT = 0.01  # P/V probability above which a two-line MRZ is decoded as both formats
SMALL_BAND_PX = 480  # MRZ bands narrower than this (source pixels) are also read on a grid
# a reading with at least this share of its characters read with doubt (decode.doubtful) is
# not valid whatever its check digits say: the decoder chose among those characters'
# candidates the ones that pass, so the checks pass by chance (on 1,200 selection documents
# the wrong readings passing their checks went from 52 to 30, those with a wrong character
# unmarked from 11 to 3, and none of the 1,065 right ones was demoted, their most marks
# being 13 of 88; with random names instead of the generator's lists, 38 wrong and 1 right)
DOUBT_SHARE = 0.15
TURN_MIN_DEG = 12.0  # text turned less than this is read as it is (the band finder reaches ~15)
# line lengths of the MRZs of each line count (3x30; 2x36 and 2x44), from the layouts
_WIDTHS_OF = {n: tuple(sorted(w for w, count in WIDTHS.items() if count == n)) for n in set(WIDTHS.values())}
_FIRST_CHARS = "PVIAC<"  # first letters told apart when choosing the format
_FIRST_INDEX = [INDEX[c] for c in _FIRST_CHARS]


@dataclass
class MrzRead:
    """One MRZ found in an image."""

    lines: list[str]
    format: str
    corners: list[list[float]]  # 4 (x, y) points, clockwise from the MRZ's top-left
    confidence: float  # mean log-probability of the characters read (0 = certain)
    checks_passed: int = 0
    checks_total: int = 0
    result: Any = None  # border_app.mrz.MrzResult, when the parser accepted the lines
    # (line, position), 1-based, of characters read with doubt that no passing check digit
    # holds (decode.doubtful): to be looked at by the official
    uncertain: list = field(default_factory=list)
    cells: list = field(default_factory=list, repr=False, compare=False)  # per line, as classified

    @property
    def valid(self) -> bool:
        return bool(self.result is not None and self.result.valid)


_DIGITS = np.array([c.isdigit() for c in CHARSET])


def context_read(p: np.ndarray, margin: float = 0.03) -> str:
    """Argmax, except that a character torn between a digit and a letter (O/0, I/1, B/8,
    S/5, Z/2...) takes the kind of its neighbours: MRZ fields are runs of one kind."""
    best = p.argmax(axis=1)
    is_digit = _DIGITS[best]
    out = []
    for i in range(len(p)):
        pd = float(p[i][_DIGITS].max())
        pl = float(p[i][~_DIGITS][:-1].max())  # letters, without '<'
        j = int(best[i])
        if CHARSET[j] != "<" and min(pd, pl) > margin:
            nb = [k for k in (i - 2, i - 1, i + 1, i + 2) if 0 <= k < len(p) and CHARSET[best[k]] != "<"]
            if nb:
                digits = sum(bool(is_digit[k]) for k in nb)
                if digits * 2 > len(nb):
                    j = int(np.flatnonzero(_DIGITS)[np.argmax(p[i][_DIGITS])])
                elif digits * 2 < len(nb):
                    letters = np.flatnonzero(~_DIGITS)[:-1]
                    j = int(letters[np.argmax(p[i][letters])])
        out.append(CHARSET[j])
    return "".join(out)


def _parse(lines: list[str]):
    try:
        return parse(lines)
    except Exception:  # noqa: BLE001 - an unreadable result is reported as not found
        return None


def _small_default() -> "MrzReader | None":
    """The default ``MrzReader.small`` (:func:`small_reader`, defined below)."""
    return small_reader()


@dataclass
class MrzReader:
    """Reads MRZs from grayscale/BGR images with the shipped OCR-B classifiers.

    ``search`` (the cheap MLP) scores the many candidate readings of an image (bands, both
    orientations, line windows, cuttings); the cells of the winning candidate, and bare line
    crops, are then read with both ``classifier`` (the CNN) and ``search`` (geometric mean of
    their probabilities). ``search=None`` uses ``classifier`` alone throughout."""

    classifier: Classifier = field(default_factory=default_classifier)
    search: Classifier | None = field(default_factory=search_classifier)
    small: "MrzReader | None" = field(default_factory=_small_default)

    def _p(self, cells: np.ndarray) -> np.ndarray:
        """Search probabilities of ``cells``."""
        return (self.search or self.classifier).probabilities(cells)

    def _final_p(self, cells: np.ndarray) -> np.ndarray:
        """Final probabilities: the geometric mean of both classifiers (chosen on the
        validation tenth of the training crops and on synthetic documents outside the
        benchmark's seeds, where it beat either model alone)."""
        p = self.classifier.probabilities(cells)
        if self.search is None or self.search is self.classifier:
            return p
        g = np.sqrt(p * self.search.probabilities(cells))
        return g / g.sum(axis=1, keepdims=True)

    def _refine(self, r: MrzRead) -> MrzRead:
        """Read the winning candidate's cells again with both classifiers; kept unless it
        passes fewer check digits than the search reading. Marks the characters read with
        doubt (:func:`decode.doubtful`)."""
        if not r.cells:
            return r
        probs = [self._final_p(c) for c in r.cells]
        if self.search is not None and self.search is not self.classifier:
            lines, conf = decode(probs, r.format)
            ok, tot = checks_passed(lines, r.format)
            if ok >= r.checks_passed:
                r = replace(r, lines=lines, confidence=conf, checks_passed=ok, checks_total=tot)
            else:
                probs = [self._p(c) for c in r.cells]
        return replace(r, uncertain=doubtful(probs, r.lines, r.format))

    def read_line(self, gray: np.ndarray, expected: int | None = None) -> str:
        """Read one cropped text line (no structure): the most likely characters."""
        with one_blas_thread():
            seg = segment_line(gray, expected)
            if seg is None:
                return ""
            p = self._final_p(seg.cells)
            return decode_line(p, context_read(p))

    def _read_lines(self, images: list[np.ndarray]) -> MrzRead | None:
        n = len(images)
        segmented = [segment_line(im) for im in images]
        free = [f for f in segmented if f is not None]
        if len(free) < n:
            return None
        cut: list = []
        counts = [len(f.cells) for f in free]
        # not an MRZ: lines of very different lengths or far from 30/36/44 characters
        target = _WIDTHS_OF.get(n, ())
        if not target or min(abs(float(max(counts)) - t) for t in target) > 5:
            return None
        # glyphs glued by blur undercount a line: trust the longer line when plausible
        est = float(max(counts)) if max(counts) <= 47 else float(np.median(counts))
        fmt_len = min(target, key=lambda t: abs(est - t))  # (a tie goes to the shorter)
        probs = []
        for im, f in zip(images, free, strict=True):
            if len(f.cells) == fmt_len:
                probs.append(self._p(f.cells))
                cut.append(f.cells)
                continue
            cuts = [seg.cells for mode in ("spread", "adjust")
                    if (seg := segment_line(im, fmt_len, mode)) is not None and len(seg.cells) == fmt_len]
            extra = len(f.cells) - fmt_len
            if 0 < extra <= 3:
                # a few cells too many: an edge or a speck at an end of the line (the band
                # reaches past the document's edge) may be them; the line's own cells then
                # keep their places, where an even grid from the speck would shift them all
                cuts += [f.cells[k : k + fmt_len] for k in range(extra + 1)]
            best = self._most_confident(cuts)
            if best is None:
                return None
            probs.append(best[0])
            cut.append(best[1])
        return _mrz_read(probs, cut, fmt_len)

    def _most_confident(self, cuts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray] | None:
        """(probabilities, cells) of the cutting of a line whose characters the search model
        reads with the highest mean log-probability; None when there is none."""
        best = None
        for cells in cuts:
            p = self._p(cells)
            score = float(np.log(p.max(axis=1) + 1e-9).mean())
            if best is None or score > best[0]:
                best = (score, p, cells)
        return None if best is None else best[1:]

    def _best_variant(self, geos: list, n: int) -> tuple[np.ndarray, np.ndarray] | None:
        """The line cut into exactly ``n`` fixed-pitch cells fitted to its glyphs (pitch
        varying along the line under perspective), for the variant read most confidently."""
        return self._most_confident([seg.cells for g in geos if (seg := grid_fitted_cells(g, n)) is not None])

    def _read_lines_grid(self, images: list[np.ndarray], memo: dict | None = None) -> MrzRead | None:
        """Small or blurred lines: every line cut into exactly 30/36/44 cells between the
        ends of its ink, both lengths tried for two-line MRZs."""
        n = len(images)
        memo = {} if memo is None else memo  # line geometry by image, shared by the windows
        geos = []
        for im in images:
            if id(im) not in memo:
                memo[id(im)] = (im, line_geometry(im))
            geos.append(memo[id(im)][1])
        if any(g is None for g in geos):
            return None
        best = None
        # the length must fit the line's proportions (pitch about 1.06 capital heights,
        # fewer when blur swells the capitals): the closer length first
        ratio = float(np.median([(g.x1 - g.x0) / g.cap for g in geos]))
        lengths = sorted(_WIDTHS_OF.get(n, ()), key=lambda m: abs(ratio - m))
        for fmt_len in lengths:
            if not 0.6 * fmt_len < ratio < 1.5 * fmt_len:
                continue
            if best is not None and _good(best):
                break
            variants = [self._best_variant(_variants(g, geos), fmt_len) for g in geos]
            pcs = [pc for pc in variants if pc is not None]
            if len(pcs) < len(variants):
                continue
            r = _mrz_read([pc[0] for pc in pcs], [pc[1] for pc in pcs], fmt_len)
            if best is None or _score(r) > _score(best):
                best = r
        return best

    def read(self, image: np.ndarray, turn: bool = False) -> list[MrzRead]:
        """All MRZs found in an image (grayscale, BGR or BGRA numpy array, any numeric
        type; an empty or shapeless array holds none).

        ``turn``: when no valid MRZ is found, the image is read again turned so that its
        text lines lie level (:func:`~border_app.ocr.locate.text_angle`; a document at 20
        or 45 degrees), then a quarter turn round (a passport laid sideways on a scanner;
        the reader settles upside-down itself); the corners are given in the image as it
        came. Files are read so; camera frames are not by default (an empty frame would
        take two to three times as long, and the official sees the document and turns it)."""
        image = np.asarray(image)
        if image.ndim == 3 and image.shape[2] == 1:
            image = image[:, :, 0]
        shapeless = image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (3, 4))
        if shapeless or image.size == 0 or min(image.shape[:2]) < 2:
            return []
        gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        if gray.dtype != np.uint8:
            gray = np.nan_to_num(gray.astype(np.float32), nan=0.0, posinf=0.0, neginf=0.0)
            gray = cv2.normalize(gray, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
        with one_blas_thread():
            found = self._read_gray(gray)
            if not turn or any(r.valid for r in found):
                return found
            # turned further than the band finder reaches (about 15 degrees): read again
            # with the text lines made level, then a quarter turn round if that was not it
            angles = []
            a = text_angle(gray)
            if a is not None and abs(a) > TURN_MIN_DEG:
                angles.append(a)
            if not any(abs(abs(x) - 90) <= TURN_MIN_DEG for x in angles):
                angles.append(90.0)
            for a in angles:
                turned = self._read_turned(gray, a)
                if any(r.valid for r in turned) or not found:
                    found = turned
                if any(r.valid for r in found):
                    break
            return found

    def _read_turned(self, gray: np.ndarray, angle: float) -> list[MrzRead]:
        """The readings of ``gray`` turned so that lines along ``angle`` (degrees, image
        axes) lie level, on a canvas holding all of it; corners given in ``gray``."""
        h, w = gray.shape
        m: np.ndarray
        if abs(abs(angle) - 90) < 0.5:  # a quarter turn, exactly
            code = cv2.ROTATE_90_COUNTERCLOCKWISE if angle > 0 else cv2.ROTATE_90_CLOCKWISE
            img = cv2.rotate(gray, code)
            m = np.array([[0, 1, 0], [-1, 0, w - 1]] if angle > 0 else [[0, -1, h - 1], [1, 0, 0]], np.float64)
        else:
            m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
            c, s = abs(m[0, 0]), abs(m[0, 1])
            nw, nh = int(math.ceil(h * s + w * c)), int(math.ceil(h * c + w * s))
            m[0, 2] += nw / 2 - w / 2
            m[1, 2] += nh / 2 - h / 2
            img = cv2.warpAffine(gray, m, (nw, nh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                                 borderValue=float(np.median(gray)))
        back = cv2.invertAffineTransform(m)
        # where the picture lies on the canvas: a line that runs out of it is cut by the
        # picture's edge (a card partly out of a slanted photo), not by the canvas's
        box = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float64)
        reads = self._read_gray(img, view=box @ m[:, :2].T + m[:, 2])
        for r in reads:
            pts = np.array(r.corners, np.float64)
            r.corners = [[float(x), float(y)] for x, y in pts @ back[:, :2].T + back[:, 2]]
        return reads

    @staticmethod
    def _scale_corners(r: MrzRead, s: float) -> MrzRead:
        r.corners = [[x * s, y * s] for x, y in r.corners]
        return r

    def _read_gray(self, gray: np.ndarray, view: np.ndarray | None = None) -> list[MrzRead]:
        reads = self._read_bands(gray, view=view)
        if not any(r is not None and r.valid for *_b, r in reads):
            # nothing valid still: a shadow over most of the MRZ leaves its lines below the
            # band finder's threshold, set by the lit side's contrast: search the image
            # evened out by its paper brightness (a shadow's edge across the MRZ: 87 -> 100
            # of 100 selection documents; frames without a document take about twice as
            # long, median 8-11 -> 19-20 ms), but not its small bands (there it found 6
            # more wrong readings passing their checks in 1,200 selection documents, and
            # no right one)
            reads += [x for x in self._read_bands(flat_field(gray), small_bands=False, view=view) if x[3] is not None]
        # one MRZ read from several bands (a band and a larger one around it) is one
        # document: its best reading is kept (valid first, then the most confident; fusing
        # two valid readings that differ, by the geometric mean of their probabilities, was
        # tried: one document of 480 degraded specimens gained, one lost)
        ranked = sorted((r for *_b, r in reads if r is not None), key=lambda r: (not r.valid, -r.confidence))
        found: list[MrzRead] = []
        for r in ranked:
            if not any(_same(r, f) for f in found):
                found.append(r)
        return found

    def _read_bands(self, gray: np.ndarray, small_bands: bool = True, view: np.ndarray | None = None) -> list[tuple]:
        """``view``: where the picture lies in ``gray`` (see :func:`find_bands`)."""
        reads: list[tuple] = []  # (band, reader, small, reading or None)
        for band in find_bands(gray, view):
            # small MRZs (characters of a few pixels): components merge and a line that
            # lost or gained a character can still pass its checks: always try the grid;
            # their cells are read by the models tuned on small documents when shipped
            small = float(np.linalg.norm(band.corners[1] - band.corners[0])) < SMALL_BAND_PX
            if small and not small_bands:
                continue
            reader = self.small if small and self.small is not None else self
            reads.append((band, reader, small, None if band.fallback else reader._read_band(band, small)))
        if not any(r is not None and r.valid for *_b, r in reads):
            # nothing valid: the lines may slope inside a band (read the bands straightened
            # by a shear), a glare spot may have split all lines but one (read the bands
            # grown from a lone line), or cut the lines short over their ends (read the
            # bands lengthened while their text goes on, and keep the better readings)
            for i, (band, reader, small, r) in enumerate(reads):
                if band.fallback:
                    r = reader._read_band(band, small)
                    reads[i] = (band, reader, small, r)
                if band.extended is None or (r is not None and r.valid):
                    continue
                r2 = reader._read_longer(band, small)
                if r2 is not None and (r is None or _score(r2) > _score(r)):
                    reads[i] = (band, reader, small, r2)
        # an MRV-A's lines cut at 36 characters (a glare spot over their ends) are a valid
        # MRV-B (the same fields, no composite check): an MRV-B reading whose text goes on
        # past the band is read lengthened, and a valid MRV-A reading there replaces it
        for i, (band, reader, small, r) in enumerate(reads):
            if r is not None and r.valid and r.format == "MRVB" and band.extended is not None:
                r2 = reader._read_longer(band, small)
                if r2 is not None and r2.valid and r2.format == "MRVA":
                    reads[i] = (band, reader, small, r2)
        return reads

    def _read_longer(self, band, small: bool) -> MrzRead | None:
        """The reading of ``band`` lengthened while its text goes on (None: not longer)."""
        longer = band.extended()
        return self._read_band(longer, small) if longer is not None else None

    def _read_band(self, band, small: bool) -> MrzRead | None:
        """The best MRZ reading of one band (both orientations, every line window)."""
        best = None
        for flip in (False, True):
            memo: dict = {}
            lines = band.lines if not flip else [cv2.rotate(im, cv2.ROTATE_180) for im in band.lines[::-1]]
            edges = (band.at_edge or [False] * len(band.lines))[:: -1 if flip else 1]
            for k, end in _windows(len(lines)):
                # the MRZ is usually the last k lines of the band (the band may include
                # text above); a junk line (edge, shadow) may follow it
                r = self._read_lines(lines[end - k : end])
                if r is None or small or not _good(r):
                    g = self._read_lines_grid(lines[end - k : end], memo)
                    if g is not None and (r is None or _score(g) > _score(r)):
                        r = g
                if r is None:
                    continue
                score = _score(r)
                if best is None or score > best[0]:
                    corners = band.corners if not flip else band.corners[[2, 3, 0, 1]]
                    r.corners = [[float(x), float(y)] for x, y in corners]
                    best = (score, r, any(edges[end - k : end]))
            if best is not None and _good(best[1]):
                break
        if best is None:
            return None
        r = best[1]
        if r.confidence < -0.6:
            return None  # text that is not an MRZ (or unreadable)
        r = self._refine(r)
        r.result = _parse(r.lines)
        n = sum(len(line) for line in r.lines)
        if r.result is not None and len(r.uncertain) >= DOUBT_SHARE * n:
            r.result.problems.append(Problem("doubtful", found=str(len(r.uncertain)), expected=str(n)))
        if r.result is not None and best[2]:
            # the MRZ runs into the image's edge: a character may be missing there, and a
            # name (no check digit) can be read short with every check passing
            r.result.problems.append(Problem("at_edge"))
        return r


def flat_field(gray: np.ndarray) -> np.ndarray:
    """``gray`` divided by its paper brightness (a max filter about 4% of the image wide,
    wider than the characters): a shadow's darker side gets the contrast of the lit side."""
    h, w = gray.shape
    k = max(15, int(0.04 * max(h, w))) | 1
    paper = cv2.blur(cv2.dilate(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))), (k, k))
    return np.clip(gray.astype(np.float32) / np.maximum(paper.astype(np.float32), 8.0) * 220.0, 0, 255).astype(np.uint8)


def _mrz_read(probs: list[np.ndarray], cells: list[np.ndarray], fmt_len: int) -> MrzRead:
    """The lines' probabilities decoded as the format their count, line length and first
    character give."""
    first = _FIRST_CHARS[int(np.argmax(probs[0][0][_FIRST_INDEX]))]
    fmts = [guess_format(len(probs), first, fmt_len)]
    if len(probs) == 2:
        # a passport or a visa (TD3 / MRV-A, TD2 / MRV-B): the first letter alone decides
        # only when it is read clearly; a blurred V read as P must not impose the passport's
        # composite check on a visa's optional data (nor the reverse): both are decoded;
        # a reading whose checks all pass wins, then the likelier one, each passing check
        # digit counting as evidence worth log(10) (a random digit passes once in ten)
        other = guess_format(2, "P" if first == "V" else "V", fmt_len)
        if sum(float(probs[0][0][INDEX[c]]) for c in FIRST_LETTER[other]) > FIRST_LETTER_DOUBT:
            fmts.append(other)
    best = None
    n = sum(len(p) for p in probs)
    for fmt in fmts:
        lines, conf = decode(probs, fmt)
        ok, tot = checks_passed(lines, fmt)
        r = MrzRead(lines, fmt, [], conf, ok, tot, cells=cells)
        key = (ok == tot, conf * n + ok * math.log(10))
        if best is None or key > best[0]:
            best = (key, r)
    assert best is not None  # fmts is never empty
    return best[1]


def _variants(g, geos: list) -> list:
    """``g`` and, when its ends stick out beyond the other lines' (an MRZ's lines start and
    end together: the extra box is a speck, an edge or a shadow), ``g`` without them."""
    others = [o for o in geos if o is not g]
    if not others or not g.boxes:
        return [g]
    pitch = (g.x1 - g.x0) / max(len(g.boxes), 1)
    start = min(o.x0 / o.scale for o in others) * g.scale
    end = max(o.x1 / o.scale for o in others) * g.scale
    boxes = list(g.boxes)
    while len(boxes) > 4 and boxes[0][1] < start - 0.1 * pitch:
        boxes = boxes[1:]
    while len(boxes) > 4 and boxes[-1][0] > end + 0.1 * pitch:
        boxes = boxes[:-1]
    if len(boxes) == len(g.boxes):
        return [g]
    return [g, replace(g, boxes=boxes, x0=float(boxes[0][0]), x1=float(boxes[-1][1]))]


def _score(r: MrzRead) -> float:
    return r.checks_passed / max(r.checks_total, 1) * 3 + r.confidence


def _good(r: MrzRead) -> bool:
    return r.checks_passed == r.checks_total and r.confidence > -0.3


def _windows(n: int) -> list[tuple[int, int]]:
    """(k, end) line windows to try in a band of ``n`` lines: the last 3 and last 2 lines
    first, then the same ending one line earlier (a junk line below the MRZ)."""
    out = [(k, n) for k in (3, 2) if n >= k]
    out += [(k, n - 1) for k in (3, 2) if n - 1 >= k]
    return out


def _same(a: MrzRead, b: MrzRead) -> bool:
    """The same lines, or the same place in the image (either reading's centre inside the
    other's corners)."""
    if a.lines == b.lines:
        return True
    if len(a.corners) != 4 or len(b.corners) != 4:
        return False
    pa, pb = np.array(a.corners, np.float32), np.array(b.corners, np.float32)
    return any(cv2.pointPolygonTest(q, tuple(float(v) for v in p.mean(axis=0)), False) >= 0
               for p, q in ((pa, pb), (pb, pa)))


_default: MrzReader | None = None


@functools.lru_cache(maxsize=1)
def small_reader() -> "MrzReader | None":
    """The reader of small MRZ bands: the same pipeline with the models fine-tuned on
    cells of small synthetic documents (None when they are not shipped)."""
    pair = small_classifiers()
    if pair is None:
        return None
    return MrzReader(classifier=pair[0], search=pair[1], small=None)


def default_reader() -> MrzReader:
    global _default
    if _default is None:
        _default = MrzReader()
    return _default


def read_frame(frame: np.ndarray) -> list[MrzRead]:
    """MRZs in a camera frame (BGR or grayscale numpy array), best first."""
    return default_reader().read(frame)
