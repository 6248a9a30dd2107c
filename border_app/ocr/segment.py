"""Segment one MRZ text line into fixed-pitch character cells.

OCR-B in an MRZ is printed at a fixed pitch, so the segmenter finds the ink components,
estimates the capital height and the pitch from them, then walks the line left to right:
broken glyphs are merged, touching glyphs are split at the pitch, and gaps of a whole pitch
or more get empty cells. Each cell is cut around its centre along the line's fitted
baseline and normalised to ``CELL_H x CELL_W`` (ink = 1.0), the classifier's input.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

CELL_H = 24
CELL_W = 18
_HALF_H = 0.78  # cell half-height, in capital heights
_HALF_W = 0.62  # cell half-width, in pitches


@dataclass
class LineCells:
    cells: np.ndarray  # float32 [n, CELL_H, CELL_W]
    centers: np.ndarray  # float32 [n, 2] (x, y) in the input image
    cap_height: float
    pitch: float


# the local contrast an ink map is stretched to is at least this share of the line's range
# (against noise in blank stretches); a strong glare spot on a dim document leaves the ink
# under it a fifth of that range, and a floor of 0.35 left those characters too faint
# (20 of 20 TD3 documents with such a spot read, against 7)
SPAN_FLOOR = 0.2


def _ink(gray: np.ndarray) -> np.ndarray:
    """Float ink map in [0, 1] (1 = dark ink), contrast-stretched locally: a glare spot or a
    shadow over part of the line must not wash out its characters."""
    g = gray.astype(np.float32)
    lo, hi = np.percentile(g, (2, 98))
    if hi - lo < 1e-3:
        return np.zeros_like(g)
    h = g.shape[0]
    k = max(3, int(h * 1.5)) | 1  # about three characters wide
    bg = cv2.dilate(g, cv2.getStructuringElement(cv2.MORPH_RECT, (k, h | 1)))
    dark = cv2.erode(g, cv2.getStructuringElement(cv2.MORPH_RECT, (k, h | 1)))
    bg = cv2.blur(bg, (k, 1))
    dark = cv2.blur(dark, (k, 1))
    span = np.maximum(bg - dark, SPAN_FLOOR * (hi - lo))
    ink = (bg - g) / span
    return np.clip(ink, 0.0, 1.0)


MAX_LINE_ASPECT = 150  # an MRZ line crop is about 25-60 times as long as it is high


def prepare(gray: np.ndarray, target_h: int = 48) -> tuple[np.ndarray, float]:
    """Rescale a line crop so that its height is about ``target_h``; returns (image, scale)."""
    h = gray.shape[0]
    scale = target_h / float(h)
    if abs(scale - 1.0) < 0.08:
        return gray, 1.0
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    out = cv2.resize(gray, (max(1, int(round(gray.shape[1] * scale))), target_h), interpolation=interp)
    return out, scale


def segment_line(gray: np.ndarray, expected: int | None = None, mode: str = "spread") -> LineCells | None:
    """Cut a grayscale line image (dark text on light paper) into character cells.

    ``expected`` (the number of characters, when the format is known) replaces the pitch
    walk by an even grid between the first and the last glyph (``mode="spread"``) or
    corrects the walk locally (``mode="adjust"``, better under perspective)."""
    comp = _components(gray)
    if comp is None:
        return None
    ink, scale, merged, base, cap, pitch, slope = comp
    widths = np.array([b[1] - b[0] for b in merged])
    centers = np.array([(b[0] + b[1]) / 2.0 for b in merged])
    xs_c = walk(merged, widths, pitch)
    if expected and len(xs_c) != expected:
        if mode == "adjust" and abs(len(xs_c) - expected) <= 4:
            xs_c = adjust(xs_c, expected)
        else:
            xs_c = spread(centers, widths, expected)
    cells = extract_cells(ink, xs_c, base, cap, pitch, slope)
    ctr = np.stack([xs_c / scale, base(xs_c) / scale], axis=1).astype(np.float32)
    return LineCells(cells, ctr, cap / scale, pitch / scale)


def _components(gray: np.ndarray):
    """Ink map, glyph boxes (x0, x1) of the line's longest run, centre line, capital height
    and pitch of a line crop; None when there is no text."""
    if gray.ndim == 3:
        gray = cv2.cvtColor(gray, cv2.COLOR_BGR2GRAY)
    if gray.size == 0 or gray.shape[1] > MAX_LINE_ASPECT * gray.shape[0]:
        return None  # no text line is this long for its height (and scaled to 48 px high
        # it would outgrow OpenCV's 32,767-pixel limit on warps)
    img, scale = prepare(gray)
    ink = _ink(img)
    ink8 = (ink * 255).astype(np.uint8)
    _t, binary = cv2.threshold(ink8, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if binary.mean() > 127:  # more ink than paper: wrong polarity
        ink = 1.0 - ink
        binary = 255 - binary
    n, _lab, stats, cent = cv2.connectedComponentsWithStats(binary, connectivity=8)
    if n <= 1:
        return None
    H, W = img.shape
    x, y, w, h, area = (stats[1:, i].astype(np.float32) for i in range(5))
    cy = y + h / 2.0
    ok = (h >= 0.2 * H) & (h <= 0.98 * H + 1) & (area >= 6) & (w <= 0.9 * W)
    if ok.sum() < 1:
        return None
    tall = ok & (h >= 0.5 * np.max(h[ok]))
    cap = float(np.median(h[tall]))
    # baseline fit through the centres of the capital-height components
    xs, ys = (x + w / 2.0)[tall], cy[tall]
    if len(xs) >= 3 and np.ptp(xs) > cap:
        slope, icpt = np.polyfit(xs, ys, 1)
        slope = float(np.clip(slope, -0.15, 0.15))
    else:
        slope, icpt = 0.0, float(np.median(ys)) if len(ys) else H / 2.0
    base = lambda xx: slope * xx + icpt  # noqa: E731
    keep = ok & (np.abs(cy - base(x + w / 2.0)) < 0.45 * cap) & (h >= 0.28 * cap) & (h <= 1.6 * cap)
    if keep.sum() < 1:
        return None
    boxes = sorted(zip(x[keep], (x + w)[keep], strict=True), key=lambda b: b[0])
    # merge boxes overlapping horizontally (broken glyphs)
    merged: list[list[float]] = []
    for x0, x1 in boxes:
        if merged and x0 < merged[-1][1] - 0.25 * min(x1 - x0, merged[-1][1] - merged[-1][0]):
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    widths = np.array([b[1] - b[0] for b in merged])
    centers = np.array([(b[0] + b[1]) / 2.0 for b in merged])
    # pitch: from neighbouring centres of single-glyph boxes
    d = np.diff(centers)
    single = (widths[:-1] < 1.05 * cap) & (widths[1:] < 1.05 * cap) if len(d) else np.array([], bool)
    cand = d[single & (d > 0.6 * cap) & (d < 1.5 * cap)] if len(d) else d
    pitch = float(np.median(cand)) if len(cand) >= 2 else 0.95 * cap
    # merge pieces of one glyph (an M or W broken in two): centres much closer than a pitch
    joined: list[list[float]] = []
    for b in merged:
        if (joined and (b[0] + b[1]) / 2 - (joined[-1][0] + joined[-1][1]) / 2 < 0.6 * pitch
                and b[1] - joined[-1][0] < 1.1 * pitch):
            joined[-1][1] = max(joined[-1][1], b[1])
        else:
            joined.append(list(b))
    merged = joined
    # an MRZ line has no blank wider than ~1.5 pitches (fillers are printed): keep the
    # longest run of boxes, dropping specks, card edges and neighbouring text at the ends
    runs: list[list[list[float]]] = [[merged[0]]]
    for b in merged[1:]:
        if b[0] - runs[-1][-1][1] > 1.6 * pitch:
            runs.append([b])
        else:
            runs[-1].append(b)
    while len(runs) > 1 and len(runs[0]) <= 2:
        runs.pop(0)
    while len(runs) > 1 and len(runs[-1]) <= 2:
        runs.pop()
    merged = [b for r in runs for b in r]
    return ink, scale, merged, base, cap, pitch, slope


def spread(centers: np.ndarray, widths: np.ndarray, expected: int) -> np.ndarray:
    """``expected`` evenly spaced cells over the span of the glyphs (known format)."""
    x0 = centers[0] - widths[0] / 2
    x1 = centers[-1] + widths[-1] / 2
    p = (x1 - x0) / expected
    return (x0 + p * (np.arange(expected) + 0.5)).astype(np.float32)


def adjust(pos: np.ndarray, n: int) -> np.ndarray:
    """Bring a walked line to exactly ``n`` cells, locally (the pitch may drift under
    perspective): merge the closest pair of cells, or split the widest gap, until it fits."""
    xs = [float(x) for x in pos]
    while len(xs) > n and len(xs) > 1:
        d = np.diff(xs)
        i = int(np.argmin(d))
        xs[i : i + 2] = [(xs[i] + xs[i + 1]) / 2]
    while len(xs) < n and len(xs) > 1:
        d = np.diff(xs)
        i = int(np.argmax(d))
        xs.insert(i + 1, (xs[i] + xs[i + 1]) / 2)
    return np.array(xs, np.float32)


def walk(merged: list[list[float]], widths: np.ndarray, pitch: float) -> np.ndarray:
    """Left-to-right walk: split wide boxes at the pitch, fill gaps of whole pitches."""
    pos: list[float] = []
    for (x0, _x1), wd in zip(merged, widths, strict=True):
        k = max(1, int(round(wd / pitch))) if wd > 1.35 * pitch else 1
        for j in range(k):
            c = x0 + (j + 0.5) * wd / k
            if pos and c - pos[-1] > 1.6 * pitch:
                gaps = int(round((c - pos[-1]) / pitch)) - 1
                step = (c - pos[-1]) / (gaps + 1)
                pos.extend(pos[-1] + step * (g + 1) for g in range(gaps))
            pos.append(c)
    return np.array(pos, np.float32)


def extract_cells(ink: np.ndarray, xs: np.ndarray, base, cap: float, pitch: float, slope: float = 0.0) -> np.ndarray:
    out = np.zeros((len(xs), CELL_H, CELL_W), np.float32)
    hw, hh = _HALF_W * pitch, _HALF_H * cap
    for i, cx in enumerate(xs):
        cy = base(cx)
        # affine map from the cell grid to the image (follows the baseline slope)
        sx, sy = 2 * hw / CELL_W, 2 * hh / CELL_H
        m = np.array(
            [[sx, -slope * sy, cx - hw + slope * hh], [slope * sx, sy, cy - hh - slope * hw]], np.float32
        )
        out[i] = cv2.warpAffine(
            ink, m, (CELL_W, CELL_H), flags=cv2.WARP_INVERSE_MAP | cv2.INTER_AREA, borderMode=cv2.BORDER_CONSTANT
        ) if sx < 1 else cv2.warpAffine(
            ink, m, (CELL_W, CELL_H), flags=cv2.WARP_INVERSE_MAP | cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT
        )
    return out


@dataclass
class LineGeometry:
    """A line prepared for fixed-pitch grid cutting (small or blurred text, where ink
    components merge): the ink map, the text's horizontal extent and its centre line."""

    ink: np.ndarray  # float32 ink map of the rescaled line (1 = ink)
    scale: float  # rescaled / input
    x0: float  # left edge of the text's ink
    x1: float  # right edge of the text's ink
    cap: float  # capital height (rescaled px)
    slope: float
    icpt: float  # centre line: y = slope * x + icpt
    boxes: list | None = None  # glyph boxes [x0, x1] (rescaled px), left to right
    pitch: float = 0.0


def line_geometry(gray: np.ndarray) -> LineGeometry | None:
    """Extent (first to last glyph of the line's longest run) and centre line of the text in
    a line crop, for fixed-pitch grid cutting."""
    comp = _components(gray)
    if comp is None:
        return None
    ink, scale, merged, base, cap, pitch, slope = comp
    W = ink.shape[1]
    # boxes touching the crop's ends are edges or background, not glyphs
    while merged and merged[0][0] <= 1:
        merged = merged[1:]
    while merged and merged[-1][1] >= W - 2:
        merged = merged[:-1]
    # specks (noise, dust) at the ends: ink much lower than a capital
    def tall(bx: list[float]) -> bool:
        xc = (bx[0] + bx[1]) / 2
        yc = base(xc)
        sub = ink[max(0, int(yc - 0.8 * cap)) : int(yc + 0.8 * cap) + 1, int(bx[0]) : int(bx[1]) + 1]
        return sub.size > 0 and int(((sub > 0.5).any(axis=1)).sum()) >= 0.6 * cap

    while len(merged) > 1 and not tall(merged[0]):
        merged = merged[1:]
    while len(merged) > 1 and not tall(merged[-1]):
        merged = merged[:-1]
    if not merged:
        return None
    x0, x1 = float(merged[0][0]), float(merged[-1][1])
    if x1 - x0 < 4 * cap:
        return None
    return LineGeometry(ink, scale, x0, x1, cap, float(slope), float(base(0.0)), [list(b) for b in merged],
                        float(pitch))


def fit_grid(geo: LineGeometry, n: int) -> np.ndarray | None:
    """Centres of exactly ``n`` fixed-pitch cells fitted to the glyph boxes: the pitch may
    change along the line (perspective), so index -> x is a 1-D projective map
    ``x = (a i + b) / (c i + 1)`` fitted by least squares to the single-glyph centres, whose
    indices come from integrating a pitch that varies linearly along the line (scaled so
    that the line holds ``n`` characters). None when the boxes cannot hold ``n``."""
    boxes = geo.boxes or []
    if len(boxes) < 4:
        return None
    w = np.array([b[1] - b[0] for b in boxes], np.float64)
    c = np.array([(b[0] + b[1]) / 2 for b in boxes], np.float64)
    p0 = geo.pitch if geo.pitch > 0 else 0.95 * geo.cap
    span = boxes[-1][1] - boxes[0][0]
    if not 0.6 < span / (n * p0) < 1.6:
        p0 = span / (n - 0.3)
    alpha, beta = p0, 0.0
    for _pass in range(3):
        # local pitch from neighbouring single-glyph boxes, as a linear function of x
        single = w < 1.2 * p0
        d = np.diff(c)
        use = single[:-1] & single[1:] & (d > 0.55 * p0) & (d < 1.6 * p0)
        if use.sum() >= 6:
            xm = (c[:-1] + c[1:])[use] / 2
            beta, alpha = np.polyfit(xm, d[use], 1)
            res = np.abs(d[use] - (alpha + beta * xm))
            keep = res < max(2.5 * float(np.median(res)), 0.05 * p0)
            if keep.sum() >= 6:
                beta, alpha = np.polyfit(xm[keep], d[use][keep], 1)
        else:
            alpha, beta = p0, 0.0
        lo, hi = alpha + beta * boxes[0][0], alpha + beta * boxes[-1][1]
        if min(lo, hi) <= 0.3 * p0 or max(lo, hi) / min(lo, hi) > 1.8:
            alpha, beta = p0, 0.0
        centres: list[float] = []
        single_c: list[bool] = []
        for (a0, a1), wd in zip(boxes, w, strict=True):
            k = max(1, int(round(wd / (alpha + beta * (a0 + a1) / 2)))) if wd > 1.35 * p0 else 1
            for j in range(k):
                centres.append(a0 + (j + 0.5) * wd / k)
                single_c.append(k == 1)
        xs = np.array(centres)
        if abs(beta) < 1e-7:
            t = xs / alpha
        else:
            t = np.log((alpha + beta * xs) / (alpha + beta * xs[0])) / beta
        total = float(t[-1] - t[0])
        lam = total / (n - 1)
        if abs(lam - 1) < 0.02:
            break
        # the line must hold n characters: rescale the pitch and split the boxes again
        alpha, beta, p0 = alpha * lam, beta * lam, p0 * lam
    if not 0.7 < lam < 1.4:
        return None
    # indices: the rounding error spread evenly over the line (exactly n cells)
    idx = np.round((t - t[0]) * (n - 1) / max(total, 1e-6)).astype(int)
    ok = np.array(single_c) & np.r_[True, np.diff(idx) > 0] & np.r_[np.diff(idx) > 0, True]
    ok[0] = ok[-1] = True
    ii, xx = idx[ok].astype(np.float64), xs[ok]
    coef = None
    for _it in range(3):
        a_mat = np.stack([ii, np.ones_like(ii), -ii * xx], axis=1)
        coef, *_ = np.linalg.lstsq(a_mat, xx, rcond=None)
        pred = (coef[0] * ii + coef[1]) / (coef[2] * ii + 1)
        r = np.abs(pred - xx)
        good = r < max(0.3 * p0, 2.5 * float(np.median(r)))
        if good.all() or good.sum() < 6:
            break
        ii, xx = ii[good], xx[good]
    assert coef is not None  # the loop above runs at least once
    i = np.arange(n, dtype=np.float64)
    den = coef[2] * i + 1
    if np.any(den <= 0.2):
        return None
    out = (coef[0] * i + coef[1]) / den
    if np.any(np.diff(out) <= 0.4 * p0):
        return None
    return out.astype(np.float32)


def grid_fitted_cells(geo: LineGeometry, n: int, shift: float = 0.0) -> LineCells | None:
    """:func:`fit_grid` cells (``shift``: moves the grid by that fraction of a pitch)."""
    xs = fit_grid(geo, n)
    if xs is None:
        return None
    local = np.gradient(xs.astype(np.float64))
    p0 = float(np.median(local))
    xs = xs + shift * local.astype(np.float32)
    base = lambda xx: geo.slope * xx + geo.icpt  # noqa: E731
    # under perspective the glyphs' size follows the local pitch
    cells = np.concatenate([
        extract_cells(geo.ink, xs[i : i + 1], base, geo.cap * float(local[i]) / p0, float(local[i]), geo.slope)
        for i in range(len(xs))
    ])
    ctr = np.stack([xs / geo.scale, base(xs) / geo.scale], axis=1).astype(np.float32)
    return LineCells(cells, ctr, geo.cap / geo.scale, p0 / geo.scale)
