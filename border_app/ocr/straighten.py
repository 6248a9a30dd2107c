"""Straighten a rectified MRZ band whose text lines are not level: lines that bow (a
passport's page curling towards its spine, a card held by its edges) or whose end curls
(:func:`unbowed`), lines that slope inside the band under perspective (:func:`deskewed`),
and one line's residual tilt (:func:`line_tilt`, :func:`sheared_crop`)."""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["BOW_MIN_SAG", "BOW_STRIPS", "CURL_MIN", "deskewed", "ink_mask", "line_tilt", "sheared_crop", "unbowed"]

BOW_STRIPS = 16  # the band's width is cut into this many strips to follow its lines' height
BOW_MIN_SAG = 0.25  # of a text line's height: a smaller bow is left to the straight paths
CURL_MIN = 0.2  # of a text line's height: an end straying this far from a straight course


def unbowed(band: np.ndarray, runs: list[tuple[int, int]]) -> np.ndarray | None:
    """``band`` with its text lines made straight when they bow (a passport's page curls
    towards its spine, a card held by its edges bends) or an end of them curls (a corner of
    the page lifting), else None.

    A bowed MRZ's rectified lines rise (or fall) towards both ends: a line's row crop cuts
    the end characters and picks up the next line's, and the lines may merge in the row
    profile. The band's width is cut into strips; each strip's row profile of horizontal
    gradients (text strokes, not the document's edge along the lines) is matched against
    its inner neighbour's, from the middle outwards, giving the text's height along the
    band (a match moving more than 0.4 of a line's height per strip, or a lone strip off
    both its neighbours, is left out: a strip past the document, a stamp). A parabola that
    fits those heights well is taken out when its sag reaches ``BOW_MIN_SAG`` of a line's
    height; otherwise the heights themselves, joined by straight pieces, when they stray
    from a straight course by ``CURL_MIN`` of a line's height. The tilt goes with them: the
    lines come out level."""
    h, w = band.shape
    sw = (w - 1) // BOW_STRIPS  # strips of the column differences
    if sw < 8 or h < 12:
        return None
    # each strip's row profile of horizontal gradients, smoothed over 5 rows
    grad = np.abs(np.diff(band.astype(np.int16), axis=1))[:, : BOW_STRIPS * sw].astype(np.float32)
    prof = cv2.GaussianBlur(grad.reshape(h, BOW_STRIPS, sw).sum(axis=2), (1, 5), 0).T  # [strip, row]
    mass = prof.sum(axis=1)
    if not (mass > 0).any():
        return None
    good = mass > 0.25 * float(np.median(mass[mass > 0]))
    if good.sum() < 6:
        return None
    line_h = float(np.median([b - a for a, b in runs])) if runs else h / 4
    reach = max(2, int(0.12 * h))

    def offset(a: np.ndarray, b: np.ndarray) -> float:
        """The shift s (rows, sub-pixel) for which b(y) best matches a(y - s)."""
        sc = np.correlate(b, a, "full")[h - 1 - reach : h + reach]
        k = int(np.argmax(sc))
        off = 0.0
        if 0 < k < len(sc) - 1:
            den = sc[k - 1] - 2 * sc[k] + sc[k + 1]
            if den < 0:
                off = 0.5 * (sc[k - 1] - sc[k + 1]) / den
        return k - reach + off

    idx = np.flatnonzero(good)
    mid = int(idx[np.argmin(np.abs(idx - BOW_STRIPS // 2))])
    heights = np.full(BOW_STRIPS, np.nan)
    heights[mid] = 0.0
    for step in (1, -1):
        ref = mid
        for i in range(mid + step, BOW_STRIPS if step > 0 else -1, step):
            if good[i]:
                d = offset(prof[ref], prof[i])
                if abs(d) <= 0.4 * line_h * abs(i - ref):
                    heights[i] = heights[ref] + d
                    ref = i
    keep = ~np.isnan(heights)
    ki = np.flatnonzero(keep)
    for a, b, c in zip(ki, ki[1:], ki[2:], strict=False):  # consecutive triples
        between = heights[a] + (heights[c] - heights[a]) * (b - a) / (c - a)
        if abs(heights[b] - between) > 0.25 * line_h and (heights[b] - heights[a]) * (heights[c] - heights[b]) < 0:
            keep[b] = False
    if keep.sum() < 6:
        return None
    xs = (np.arange(BOW_STRIPS) + 0.5) * sw
    xk, hk = xs[keep], heights[keep]
    x = np.arange(w, dtype=np.float64)
    coef = np.polyfit(xk, hk, 2)
    rms = float(np.sqrt(np.mean((hk - np.polyval(coef, xk)) ** 2)))
    sag = abs(float(coef[0])) * (float(xk[-1] - xk[0]) / 2) ** 2
    if sag >= BOW_MIN_SAG * line_h and rms <= 0.25 * sag:
        lift = np.polyval(coef, x)
    else:
        c1, c0 = np.polyfit(xk, hk, 1)
        if float(np.abs(hk - (c1 * xk + c0)).max()) < CURL_MIN * line_h:
            return None
        lift = np.interp(x, xk, hk)
        # beyond the outer strips' centres, the outer pieces' slopes go on
        lo, hi = x < xk[0], x > xk[-1]
        lift[lo] = hk[0] + (x[lo] - xk[0]) * (hk[1] - hk[0]) / (xk[1] - xk[0])
        lift[hi] = hk[-1] + (x[hi] - xk[-1]) * (hk[-1] - hk[-2]) / (xk[-1] - xk[-2])
    lift -= lift[w // 2]  # the middle stays put
    xx, yy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    return cv2.remap(band, xx, yy + lift.astype(np.float32)[None, :], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def deskewed(band: np.ndarray, max_deg: float = 8.0) -> np.ndarray | None:
    """``band`` sheared vertically by the slope (within +-``max_deg``) that makes its row
    profile of ink the most contrasted (lines apart), or None when no slope does better."""
    ink = ink_mask(band).astype(np.float32) / 255.0
    h, w = ink.shape
    small = cv2.resize(ink, (max(8, w // 4), max(8, round(h * max(8, w // 4) / w))), interpolation=cv2.INTER_AREA)
    sh, sw = small.shape

    def score(slope: float) -> float:
        m = np.array([[1, 0, 0], [slope, 1, -slope * sw / 2]], np.float32)  # same scale both ways
        prof = cv2.warpAffine(small, m, (sw, sh), flags=cv2.WARP_INVERSE_MAP | cv2.INTER_LINEAR).sum(axis=1)
        return float((prof**2).sum())

    slopes = np.tan(np.deg2rad(np.linspace(-max_deg, max_deg, 33)))
    scores = [score(float(t)) for t in slopes]
    best = float(slopes[int(np.argmax(scores))])
    if abs(best) < 1e-6 or max(scores) <= 1.05 * score(0.0):
        return None
    m = np.array([[1, 0, 0], [best, 1, -best * w / 2]], np.float32)
    return cv2.warpAffine(band, m, (w, h), flags=cv2.WARP_INVERSE_MAP | cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)


def ink_mask(band: np.ndarray) -> np.ndarray:
    g = cv2.GaussianBlur(band, (3, 3), 0)
    bh = cv2.morphologyEx(g, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (31, 31)))
    _t, th = cv2.threshold(bh, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return th


def line_tilt(ink: np.ndarray, a: int, b: int) -> tuple[float, float, float] | None:
    """(slope, intercept, text height) of a line of the band that is not horizontal (the
    band is a trapezoid under perspective: its lines are not parallel), else None."""
    sub = ink[a:b].astype(np.float32) / 255.0
    wcol = sub.sum(axis=0)
    cols = np.flatnonzero(wcol >= 2)
    if len(cols) < 20:
        return None
    rows = np.arange(a, b, dtype=np.float32)[:, None]
    yc = (sub[:, cols] * rows).sum(axis=0) / wcol[cols]
    m, c = np.polyfit(cols.astype(np.float32), yc, 1, w=np.sqrt(wcol[cols]))
    m = float(np.clip(m, -0.2, 0.2))
    extent = float(cols[-1] - cols[0])
    if abs(m) * extent < max(4.0, 0.25 * (b - a)):
        return None
    h = max(float(b - a) - 0.7 * abs(m) * extent, 0.75 * (b - a))
    return m, float(c), h


def sheared_crop(img: np.ndarray, m: float, c: float, h: float) -> np.ndarray:
    """The line ``y = m x + c`` of text height ``h`` cut out straight (a vertical shear)."""
    pad = 0.35 * h + 2
    out_h = int(round(h + 2 * pad))
    top = c - out_h / 2.0
    mat = np.array([[1, 0, 0], [m, 1, top]], np.float32)
    return cv2.warpAffine(img, mat, (img.shape[1], out_h), flags=cv2.WARP_INVERSE_MAP | cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)
