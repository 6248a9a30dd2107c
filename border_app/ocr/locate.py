"""Find MRZ bands in an image and cut them into straight text lines.

Dark text on light paper: a black-hat transform picks out text strokes, a horizontal
gradient keeps dense character rows, closing with a wide kernel turns each MRZ line (and
then the whole band) into one blob. Each band candidate is rectified from its rotated
rectangle (any angle the rectangle gives; upside-down is settled by the reader), then split
into lines by the row profile of its ink.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from .straighten import deskewed, ink_mask, line_tilt, sheared_crop, unbowed

WORK_WIDTH = 960
# small images are upscaled to WORK_WIDTH: their noise, blown up, fills the gradient's
# histogram and Otsu's threshold falls into it; above this upscale the threshold is at least
# NOISY_FLOOR times the strongest responses (99.5th percentile), where MRZ lines stand
NOISY_SCALE = 1.5
NOISY_FLOOR = 0.45
OPEN_WIDTH = 3.0
MAX_UPSCALE = 6.0
MAX_WORK_ASPECT = 3.0


@dataclass
class Band:
    corners: np.ndarray  # float32 [4, 2] in the input image: top-left, top-right, bottom-right, bottom-left
    image: np.ndarray  # rectified grayscale band (text horizontal)
    lines: list[np.ndarray]  # grayscale line images, top to bottom
    # the same band lengthened along its lines (:func:`extend_rect`), built on demand: read
    # when this band gives no reading that passes its checks
    extended: Callable[[], "Band | None"] | None = None
    # its lines only came apart once the band was sheared (:func:`deskewed`): read only
    # when the straight bands of the image give no valid MRZ
    straightened: bool = False
    # grown from one long text line found alone (:func:`_grown_band`): read, like a
    # straightened band, only when the other bands give no valid MRZ
    grown: bool = False

    # per line: its text runs into the image's edge (a document partly out of view): a
    # character may be missing there (:func:`_at_image_edge`)
    at_edge: list[bool] = field(default_factory=list)

    @property
    def fallback(self) -> bool:
        """Read only when the image's other bands give no valid MRZ."""
        return self.straightened or self.grown


def work_scale(h: int, w: int) -> float:
    """Scale of the band finder's working image: the image brought to WORK_WIDTH, upscaled
    at most MAX_UPSCALE times, and no higher than MAX_WORK_ASPECT working widths (a 5 px
    wide strip of a 1,256 px high image became 960 x 241,152 px: 18 s and 1 GB for nothing)."""
    return min(WORK_WIDTH / float(w), MAX_UPSCALE, MAX_WORK_ASPECT * WORK_WIDTH / float(h))


def _candidates(gray: np.ndarray) -> list[tuple]:
    """Rotated rectangles ((cx, cy), (w, h), angle) in ``gray``'s coordinates."""
    h, w = gray.shape
    s = work_scale(h, w)
    small = cv2.resize(gray, (max(8, int(round(w * s))), max(8, int(round(h * s)))),
                       interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR)
    out = []
    # upscaled small images carry blown-up noise: smooth in proportion
    smooth = cv2.GaussianBlur(small, (0, 0), float(np.clip(0.7 * s, 0.8, 3.0)))
    for kx in (9, 19):  # character size relative to the image width differs a lot
        ky = max(3, kx // 2)
        rect = cv2.getStructuringElement(cv2.MORPH_RECT, (kx + 4, ky))
        blackhat = cv2.morphologyEx(smooth, cv2.MORPH_BLACKHAT, rect)
        grad = np.abs(cv2.Sobel(blackhat, cv2.CV_32F, 1, 0, ksize=-1))
        grad = (255 * grad / max(float(grad.max()), 1e-6)).astype(np.uint8)
        grad = cv2.morphologyEx(grad, cv2.MORPH_CLOSE,
                                cv2.getStructuringElement(cv2.MORPH_RECT, (2 * kx, max(3, ky // 2))))
        t, th = cv2.threshold(grad, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        if s > NOISY_SCALE and (floor := NOISY_FLOOR * float(np.percentile(grad, 99.5))) > t:
            _t, th = cv2.threshold(grad, floor, 255, cv2.THRESH_BINARY)
        th = cv2.morphologyEx(th, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (kx, int(kx * 1.6))))
        # thin structures (card edges, table rules) would glue onto the band: open them away
        # (upright ones up to OPEN_WIDTH character sizes wide: a printed frame beside the
        # MRZ, thickened by the closing, glued both lines into one sparse contour)
        opening = cv2.getStructuringElement(cv2.MORPH_RECT, (max(kx // 2 + 2, int(OPEN_WIDTH * kx)), kx // 2 + 2))
        th = cv2.morphologyEx(th, cv2.MORPH_OPEN, opening)
        contours, _ = cv2.findContours(th, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for c in contours:
            (cx, cy), (rw, rh), ang = cv2.minAreaRect(c)
            if rw < rh:
                rw, rh, ang = rh, rw, ang + 90
            if ang > 45:
                ang -= 180
            if rw < 0.18 * small.shape[1] or rh < 4 or rw / max(rh, 1) < 3.0 or abs(ang) > 20:
                continue
            area = cv2.contourArea(c)
            if area < (0.45 if rw / max(rh, 1) > 5 else 0.6) * rw * rh:
                continue
            out.append(((cx / s, cy / s), (rw / s, rh / s), ang, rw * rh))
    out.sort(key=lambda r: -r[3])
    pieces = _join_pieces(out)
    # a line split at a gap, joined, is a candidate in its own right (not only in a group)
    joined = [r for r in pieces if not any(r is o for o in out)]
    out = _group_lines(pieces) + joined + out
    # drop candidates whose centre lies inside one kept before that is not much smaller (a
    # group of lines comes first; the whole band, when a glare spot split its lines into
    # two groups, has its centre inside one of them and must stay)
    kept: list[tuple] = []
    for r in out:
        if any(_inside(r, k) and k[1][0] * k[1][1] >= 0.8 * r[1][0] * r[1][1] for k in kept):
            continue
        kept.append(r)
    return [k[:3] for k in kept[:6]]


def _union(rs: list[tuple]) -> tuple:
    pts = np.concatenate([cv2.boxPoints(g[:3]) for g in rs]).astype(np.float32)
    (cx, cy), (rw, rh), ang = cv2.minAreaRect(pts)
    if rw < rh:
        rw, rh, ang = rh, rw, ang + 90
    if ang > 45:
        ang -= 180
    return ((cx, cy), (rw, rh), ang, rw * rh)


def _rel(a: tuple, b: tuple) -> tuple[float, float]:
    """b's centre in a's frame (x along a's text line, y across it)."""
    t = np.deg2rad(a[2])
    dx, dy = b[0][0] - a[0][0], b[0][1] - a[0][1]
    return float(np.cos(t) * dx + np.sin(t) * dy), float(-np.sin(t) * dx + np.cos(t) * dy)


def _join_pieces(rects: list[tuple]) -> list[tuple]:
    """Pieces of one text line (split at a gap): join collinear neighbours."""
    out = sorted(rects, key=lambda r: r[0][0] - r[1][0] / 2)
    changed = True
    while changed:
        changed = False
        for i in range(len(out)):
            for j in range(len(out)):
                a, b = out[i], out[j]
                if i == j or a[1][1] > 80 or b[1][1] > 80:
                    continue
                h = max(a[1][1], b[1][1])
                rx, ry = _rel(a, b)
                gap = rx - a[1][0] / 2 - b[1][0] / 2
                if (abs(a[2] - b[2]) < 4 and abs(ry) < 0.5 * h and -h < gap < 2.5 * h
                        and abs(a[1][1] - b[1][1]) < 0.5 * h):
                    u = _union([a, b])
                    out = [r for k, r in enumerate(out) if k not in (i, j)] + [u]
                    changed = True
                    break
            if changed:
                break
    return out


def _group_lines(rects: list[tuple]) -> list[tuple]:
    """MRZ lines detected apart (wide line spacing, a band missing a line): join parallel
    neighbours of similar length."""
    singles = [r for r in rects if r[1][0] / max(r[1][1], 1) > 3]
    singles.sort(key=lambda r: r[0][1])
    groups = []
    used: set[int] = set()
    for i, a in enumerate(singles):
        if i in used:
            continue
        grp = [a]
        for j in range(i + 1, len(singles)):
            b, last = singles[j], grp[-1]
            if j in used:
                continue
            line_h = min(last[1][1], b[1][1])
            rx, ry = _rel(last, b)
            if (
                abs(b[2] - last[2]) < 4
                and 0.4 * (last[1][1] + b[1][1]) < ry < 4.5 * max(last[1][1], b[1][1])
                and ry - last[1][1] / 2 - b[1][1] / 2 < 1.6 * line_h
                and abs(b[1][0] - last[1][0]) < 0.35 * max(b[1][0], last[1][0])
                and abs(rx) < 0.25 * max(b[1][0], last[1][0])
            ):
                grp.append(b)
                used.add(j)
        if len(grp) >= 2:
            pts = np.concatenate([cv2.boxPoints(g[:3]) for g in grp]).astype(np.float32)
            (cx, cy), (rw, rh), ang = cv2.minAreaRect(pts)
            if rw < rh:
                rw, rh, ang = rh, rw, ang + 90
            if ang > 45:
                ang -= 180
            groups.append(((cx, cy), (rw, rh), ang, rw * rh * 10))
    return groups


def _inside(r, k) -> bool:
    (cx, cy), _size, _a = r[:3]
    box = cv2.boxPoints(k[:3]).astype(np.float32)
    return cv2.pointPolygonTest(box, (float(cx), float(cy)), False) >= 0


def rectify(gray: np.ndarray, rect: tuple, target_cap: float = 36.0,
            cap_px: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Warp a rotated rectangle (with margins) to a horizontal image; returns (image, corners).
    ``cap_px``: the capital height in ``gray`` when known (else guessed from the rectangle's
    height, taken as 2 to 3 text lines)."""
    (cx, cy), (rw, rh), ang = rect
    rw2, rh2 = rw * 1.06 + rh * 0.3, rh * 1.35 + 6
    a = np.deg2rad(ang)
    ux, uy = np.array([np.cos(a), np.sin(a)]), np.array([-np.sin(a), np.cos(a)])
    c = np.array([cx, cy])
    corners = np.array(
        [c - ux * rw2 / 2 - uy * rh2 / 2, c + ux * rw2 / 2 - uy * rh2 / 2,
         c + ux * rw2 / 2 + uy * rh2 / 2, c - ux * rw2 / 2 + uy * rh2 / 2],
        np.float32,
    )
    # scale: about 2.2 to 3.2 text lines per band height; aim at capital height ~ target_cap
    out_h = int(np.clip(rh2 * 1.0, 8, 4000))
    scale = 1.0
    est_lines = 2.5
    if cap_px is None:
        cap_px = rh / (est_lines * 1.6)
    if cap_px > 0:
        scale = float(np.clip(target_cap / cap_px, 0.25, 6.0))
    out_w = int(np.clip(rw2 * scale, 16, 6000))
    out_h = int(np.clip(rh2 * scale, 8, 2000))
    dst = np.array([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], np.float32)
    m = cv2.getPerspectiveTransform(corners, dst)
    img = cv2.warpPerspective(gray, m, (out_w, out_h), flags=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA,
                              borderMode=cv2.BORDER_REPLICATE)
    return img, corners


def split_lines(band: np.ndarray) -> list[tuple[int, int]]:
    """Row ranges of the text lines in a rectified band (by the ink row profile)."""
    g = cv2.GaussianBlur(band, (3, 3), 0)
    bh = cv2.morphologyEx(g, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (31, 31)))
    _t, th = cv2.threshold(bh, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    prof = th.mean(axis=1) / 255.0
    prof = np.convolve(prof, np.ones(3) / 3, mode="same")
    on = prof > max(0.08, 0.3 * float(prof.max()))
    runs = []
    i = 0
    n = len(on)
    while i < n:
        if on[i]:
            j = i
            while j < n and on[j]:
                j += 1
            runs.append((i, j))
            i = j
        else:
            i += 1
    if not runs:
        return []
    hmax = max(b - a for a, b in runs)
    runs = [r for r in runs if r[1] - r[0] >= 0.45 * hmax]
    return runs


def _lined(contrast: np.ndarray, x0: int, x1: int, box: np.ndarray) -> np.ndarray:
    """Columns of a rectified band strip whose ink contrast lies in the rows where the band's
    own text lines run (columns ``x0:x1``), at least 0.4 of the band's own level."""
    rows = contrast[:, x0:x1].mean(axis=1)
    text = rows > np.median(rows)
    if text.all() or not text.any():
        return np.zeros(contrast.shape[1], bool)
    struct = np.convolve(contrast[text].mean(axis=0) - contrast[~text].mean(axis=0), box, mode="same")
    level = float(np.median(struct[x0:x1]))
    return struct > 0.4 * level if level > 0 else np.zeros(contrast.shape[1], bool)


def extend_rect(gray: np.ndarray, rect: tuple, reach: float = 0.6) -> tuple:
    """The band ``rect`` lengthened along its text lines while the text goes on.

    A glare spot lowers the contrast of part of the MRZ, and the band found on gradients
    stops there: the lines are then cut short. Along the band's axis, the ink contrast
    (black-hat over the local paper brightness) is followed outwards from the band's ends
    while it stays above a quarter of the band's own level, across gaps of at most about a
    character, up to ``reach`` band lengths on each side."""
    (cx, cy), (rw, rh), ang = rect[:3]
    if rw < 8 or rh < 4:
        return rect
    out_h = 60
    s = out_h / rh
    a = np.deg2rad(ang)
    ux, uy = np.array([np.cos(a), np.sin(a)]), np.array([-np.sin(a), np.cos(a)])
    c = np.array([cx, cy])
    half = rw * (0.5 + reach)
    corners = np.array([c - ux * half - uy * rh / 2, c + ux * half - uy * rh / 2, c + ux * half + uy * rh / 2,
                        c - ux * half + uy * rh / 2], np.float32)
    out_w = int(np.clip(2 * half * s, 16, 8000))
    dst = np.array([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], np.float32)
    m = cv2.getPerspectiveTransform(corners, dst)
    img = cv2.warpPerspective(gray, m, (out_w, out_h), flags=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=0).astype(np.float32)
    bh = cv2.morphologyEx(cv2.GaussianBlur(img, (3, 3), 0), cv2.MORPH_BLACKHAT,
                          cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15)))
    paper = cv2.dilate(img, cv2.getStructuringElement(cv2.MORPH_RECT, (31, out_h)))
    x0 = int(round((half - rw / 2) * s))
    x1 = int(round((half + rw / 2) * s))
    if x1 - x0 < 20:
        return rect
    # ink contrast relative to the paper (a shadow dims ink and paper alike) or absolute (a
    # glare spot adds light to both, and the ratio falls where the contrast itself holds),
    # each as a share of its level inside the band
    box = np.ones(15) / 15
    contrast = bh / np.maximum(paper, 20.0)
    rel = np.convolve(contrast.mean(axis=0), box, mode="same")
    ab = np.convolve(bh.mean(axis=0), box, mode="same")
    prof = np.maximum(rel / max(float(np.median(rel[x0:x1])), 1e-6), ab / max(float(np.median(ab[x0:x1])), 1e-6))
    # off the document (a darker background, the image's border): not text, whatever its noise
    # (a column partly off the document is darker, averaged over a character, than text)...
    paper_col = np.median(paper, axis=0)
    dark = paper_col < 0.7 * float(np.median(paper_col[x0:x1]))
    dim = cv2.blur(img, (15, 15)).min(axis=0)
    dark |= dim < 0.75 * float(np.median(dim[x0:x1]))
    # ... unless its ink lies in the band's text rows rather than between them: the lines go
    # on into a shadow (a hand, the camera's stand), where noise would spread evenly
    prof[dark & ~_lined(contrast, x0, x1, box)] = 0.0
    thr = 0.25  # of the band's own level
    gap = int(out_h / 2.5)  # about one character pitch (2 to 3 lines per band height)

    def walk(start: int, step: int) -> int:
        last, x, miss = start, start, 0
        while 0 <= x + step < out_w and miss <= gap:
            x += step
            if prof[x] > thr:
                last, miss = x, 0
            else:
                miss += 1
        return last

    new0, new1 = walk(x0, -1), walk(x1, 1)
    if x0 - new0 < 0.3 * gap and new1 - x1 < 0.3 * gap:
        return rect  # the band already holds the whole text
    # the edges of the ink: half a character beyond the last contrasted column
    new0, new1 = new0 - gap // 4, new1 + gap // 4
    d0, d1 = max(0.0, (x0 - new0) / s), max(0.0, (new1 - x1) / s)
    nc = c + ux * (d1 - d0) / 2
    return ((float(nc[0]), float(nc[1])), (float(rw + d0 + d1), float(rh)), ang) + tuple(rect[3:])


def find_bands(gray: np.ndarray, view: np.ndarray | None = None) -> list[Band]:
    """The candidate MRZ bands of ``gray``. ``view``: the quadrilateral ([4, 2], in order
    round it) that the picture itself covers in ``gray`` when ``gray`` is a canvas round a
    turned image (None: all of ``gray``); a line running out of it runs out of the picture."""
    bands = []
    for rect in _candidates(gray):
        band = _band(gray, rect, view)
        if band is None:
            band = _extended_band(gray, rect, view)  # a line cut short may be what split badly
        else:
            band.extended = functools.partial(_extended_band, gray, rect, view)
        if band is None:
            band = _grown_band(gray, rect, view)
        if band is not None:
            bands.append(band)
    return bands


def text_angle(gray: np.ndarray, step: float = 1.0) -> float | None:
    """The direction of the image's text lines, in degrees in [-90, 90) (image axes, y
    down: lines along (cos a, sin a)); None when the image holds too little ink.

    Dark strokes (a black-hat about a small character wide, on the image brought to 480 px)
    are projected across each direction in turn; the text lines' direction is the one whose
    projection is the most peaked (the strokes pile up in the lines' rows). About 8 ms."""
    h, w = gray.shape[:2]
    s = 480.0 / max(h, w)
    small = cv2.resize(gray, None, fx=s, fy=s, interpolation=cv2.INTER_AREA) if s < 1 else gray
    bh = cv2.morphologyEx(small, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (7, 7)))
    ys, xs = np.nonzero(bh > max(20.0, float(np.percentile(bh, 95))))
    if len(xs) < 50:
        return None
    if len(xs) > 30_000:
        pick = np.random.default_rng(0).choice(len(xs), 30_000, replace=False)
        xs, ys = xs[pick], ys[pick]
    xs, ys = xs.astype(np.float32), ys.astype(np.float32)
    best, best_a = -1.0, 0.0
    for a in np.arange(-90.0, 90.0, step):
        t = np.deg2rad(a)
        across = -xs * np.sin(t) + ys * np.cos(t)
        hist = np.bincount((across - across.min()).astype(np.int32)).astype(np.float64)
        score = float((hist * hist).sum())
        if score > best:
            best, best_a = score, float(a)
    return best_a


LINE_PITCH = 1.9  # distance between MRZ lines in heights of one line's gradient rectangle
MRZ_LINE_ASPECT = 15  # a lone rectangle this long for its height may be one MRZ line


def _grown_band(gray: np.ndarray, rect: tuple, view: np.ndarray | None = None) -> Band | None:
    """A band of two line pitches each side of ``rect`` when ``rect`` is one long text line
    found alone: a glare spot over the middle of the other MRZ line(s) splits them into
    pieces too short and too far apart to be found or joined, while the line that the spot
    misses is found whole. None when ``rect`` is not such a line or no two lines come out."""
    (cx, cy), (rw, rh), ang = rect[:3]
    if rh < 3 or rw / rh < MRZ_LINE_ASPECT:
        return None
    grown = ((cx, cy), (rw, rh * (1 + 4 * LINE_PITCH)), ang)
    # capitals about 25 px high once rectified (a line's rectangle is about its capital
    # height; the line split's 31 px black-hat must exceed them)
    img, corners = rectify(gray, grown, cap_px=1.3 * rh)
    runs = split_lines(img)
    if len(runs) < 2:
        return None
    return Band(corners, img, [_row_crop(img, a, b) for a, b in runs], grown=True,
                at_edge=_at_image_edge(gray.shape, corners, img, runs, view))


def _view_depth(pts: np.ndarray, shape: tuple, view: np.ndarray | None) -> np.ndarray:
    """How far inside the picture each of the points ``pts`` ([n, 2]) lies, in pixels
    (negative: outside): inside ``view`` (a convex quadrilateral, see :func:`find_bands`),
    or the image of ``shape`` when None."""
    p = pts.astype(np.float64)
    if view is None:
        h, w = shape[:2]
        return np.minimum(np.minimum(p[:, 0], w - 1 - p[:, 0]), np.minimum(p[:, 1], h - 1 - p[:, 1]))
    v = np.asarray(view, np.float64)
    nxt = np.roll(v, -1, axis=0)
    edges = nxt - v
    turn = np.sign(np.sum(v[:, 0] * nxt[:, 1] - nxt[:, 0] * v[:, 1]))  # the corners' order round it
    rel = p[:, None, :] - v[None]
    cross = edges[None, :, 0] * rel[:, :, 1] - edges[None, :, 1] * rel[:, :, 0]
    return (turn * cross / np.linalg.norm(edges, axis=1)[None]).min(axis=1)


def _at_image_edge(shape: tuple, corners: np.ndarray, band: np.ndarray, runs: list[tuple[int, int]],
                   view: np.ndarray | None = None) -> list[bool]:
    """For each text line (rows ``runs`` of the rectified ``band`` cut from ``corners``),
    whether its text runs into the edge of the image of ``shape``: ink within half a
    character of where the line leaves the image. An MRZ begins and ends a character or
    more inside its document's edge, so a document partly out of view (the camera's
    frame, a scan's crop) cuts it there, and a character there may be missing: on TD1
    cards cut half a character into their MRZ, 5 of 20 names read wrong with passing
    checks (names have no check digit). ``view``: see :func:`find_bands`."""
    bh, bw = band.shape[:2]
    m = cv2.getPerspectiveTransform(np.array([[0, 0], [bw - 1, 0], [bw - 1, bh - 1], [0, bh - 1]], np.float32),
                                    corners.astype(np.float32))
    ink = None
    out = []
    xs = np.arange(bw, dtype=np.float32)
    for a, b in runs:
        pts = cv2.perspectiveTransform(np.stack([xs, np.full(bw, (a + b) / 2, np.float32)], axis=1)[None], m)[0]
        inside = _view_depth(pts, shape, view) >= -1e-6
        if inside.all() or not inside.any():
            out.append(False)
            continue
        if ink is None:
            ink = ink_mask(band) > 0
        first, last = int(np.argmax(inside)), bw - 1 - int(np.argmax(inside[::-1]))
        near = max(2, int(0.5 * (b - a)))  # half a character (capitals about a line's height)
        ends = ([(first, first + near)] if first > 0 else []) + ([(last - near + 1, last + 1)] if last < bw - 1 else [])
        hit = False
        for lo, hi in ends:
            block = ink[a:b, lo:hi]
            if view is not None:
                # a turned picture's edge crosses the line slantwise, and the canvas beyond it
                # (filled with the picture's median grey) reads as ink: only ink at least
                # 2 px inside the picture counts
                yy, xx = np.mgrid[a:b, lo:hi].astype(np.float32)
                where = cv2.perspectiveTransform(np.stack([xx.ravel(), yy.ravel()], axis=1)[None], m)[0]
                block = block & (_view_depth(where, shape, view) >= 2.0).reshape(block.shape)
            hit = hit or bool((block.sum(axis=0) >= 2).any())
        out.append(hit)
    return out


def _row_crop(img: np.ndarray, a: int, b: int) -> np.ndarray:
    """The text line of rows ``a:b`` of a rectified band, with a margin above and below."""
    pad = int(0.35 * (b - a)) + 2
    return img[max(0, a - pad) : min(img.shape[0], b + pad)]


def _extended_band(gray: np.ndarray, rect: tuple, view: np.ndarray | None = None) -> Band | None:
    """The band of ``rect`` lengthened by :func:`extend_rect`, again while it grows (a piece
    of the MRZ left of a glare spot reaches the far end in two steps); None when it is not
    longer."""
    ext = extend_rect(gray, rect)
    if ext is rect:
        return None
    for _ in range(2):
        more = extend_rect(gray, ext)
        if more is ext:
            break
        ext = more
    return _band(gray, ext, view)


def _band(gray: np.ndarray, rect: tuple, view: np.ndarray | None = None) -> Band | None:
    img, corners = rectify(gray, rect)
    runs = split_lines(img)
    flat = unbowed(img, runs)
    if flat is not None:
        img, runs = flat, split_lines(flat)
    if len(runs) < 2:
        # under perspective the lines may still slope inside the band, more than the gap
        # between them: straighten the band by the shear that best separates its rows of ink
        desk = deskewed(img)
        runs = split_lines(desk) if desk is not None else []
        if desk is None or len(runs) < 2:
            return None
        img = desk
        straightened = True
    else:
        straightened = False
    # the MRZ is at the bottom of a document: keep its last 2 or 3 lines (decided later)
    ink = ink_mask(img)
    lines = []
    for a, b in runs:
        tilt = line_tilt(ink, a, b)
        lines.append(_row_crop(img, a, b) if tilt is None else sheared_crop(img, *tilt))
    return Band(corners, img, lines, straightened=straightened,
                at_edge=_at_image_edge(gray.shape, corners, img, runs, view))
