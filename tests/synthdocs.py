"""Synthetic MRZ documents for tests and benchmarks (fixed seeds, documented settings).

Every format (TD1, TD2, TD3, MRV-A, MRV-B) is drawn as a card of its real proportions
(ICAO sizes, MRZ at 2.54 mm pitch, 2.4 mm capitals, lines 4.2 mm apart, ~6 mm from the bottom edge) with
printed-looking clutter above the MRZ and a photo block, on a background, then degraded.

Settings of :func:`degrade` (each document draws its own values from the seeded RNG):

* width of the document: 250 to 2,000 px (``WIDTHS`` cycles through 250, 400, 640,
  1000, 1400, 2000); the image adds a 12% margin of background on each side;
* rotation: uniform in [-10, +10] degrees; one document in 8 is also turned 180 degrees;
* perspective: each corner moved by up to 10% of the document width (``uniform(0, 0.10)``);
* blur: Gaussian sigma uniform in [0, 1.5];
* Gaussian noise: sigma uniform in [0, 8] grey levels;
* brightness: multiplied by a factor in [0.35, 1.0];
* glare: one document in 3 gets a bright elliptic spot (radius 4-10% of the width, blends the
  image towards white by 40-75% at its centre: contrast drops, text stays faintly visible);
* JPEG quality: uniform integer in [40, 95].

``make_set(n, seed)`` is what the tests (small n) and ``benchmarks/bench_mrz_reader.py``
(n = 200, seed 3) use. Names come from the short lists below (15 surnames, 14 given names);
``make_doc(seed, random_names=True)`` draws them as random letters instead, all else alike:
a model trained on these documents can learn the lists (a classifier that reads a cell
beside its neighbours did), and the benchmark reads both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from border_app.mrz.layouts import LAYOUT_NAMES as FORMATS
from border_app.mrz.layouts import LENGTHS  # characters per MRZ line

SIZES_MM = {"TD1": (85.6, 54.0), "TD2": (105.0, 74.0), "TD3": (125.0, 88.0), "MRVA": (125.0, 88.0),
            "MRVB": (105.0, 74.0)}
WIDTHS = (250, 400, 640, 1000, 1400, 2000)
SURNAMES = ["ERIKSSON", "MAHAMADOU", "ISSOUFOU", "OUEDRAOGO", "DIALLO", "TRAORE", "KONE", "ABDOU", "MOUSSA", "SANI",
            "O CONNOR", "AL BASRI", "KANE", "BOUBACAR", "HAMIDOU"]
GIVEN = ["ANNA MARIA", "AMINATA", "IBRAHIM", "FATI", "OUMAROU", "HADIZA", "MOHAMED ALI", "AISSA", "SEYDOU", "MARIAMA",
         "YACOUBA", "ZEINABOU", "K", "JEAN PIERRE"]
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STATES = ["NER", "MLI", "BFA", "NGA", "TCD", "BEN", "DZA", "UTO", "FRA", "D"]


@dataclass
class SynthDoc:
    image: np.ndarray  # BGR uint8
    lines: list[str]
    format: str
    settings: dict


def random_name(rng: np.random.Generator, parts: tuple[int, int], lengths: tuple[int, int]) -> str:
    """Name parts of uniformly drawn letters (no name list to learn from)."""
    return " ".join("".join(rng.choice(list(LETTERS), int(rng.integers(*lengths))))
                    for _ in range(int(rng.integers(*parts))))


def random_mrz(rng: np.random.Generator, fmt: str, names_rng: np.random.Generator | None = None) -> list[str]:
    from border_app import mrz

    number = ("".join(rng.choice(list(LETTERS + "0123456789"), 2))
              + "".join(rng.choice(list("0123456789"), int(rng.integers(5, 8)))))
    birth = date(int(rng.integers(1940, 2015)), int(rng.integers(1, 13)), int(rng.integers(1, 29)))
    expiry = date(int(rng.integers(2015, 2036)), int(rng.integers(1, 13)), int(rng.integers(1, 29)))
    kw = dict(
        surname=str(rng.choice(SURNAMES)),
        given_names=str(rng.choice(GIVEN)),
        document_number=number,
        issuing_state=str(rng.choice(STATES)),
        nationality=str(rng.choice(STATES)),
        birth_date=birth,
        sex=str(rng.choice(["M", "F", "<"])),
        expiry_date=expiry,
    )
    if names_rng is not None:  # random names, every other field as drawn above
        kw["surname"] = random_name(names_rng, (1, 3), (2, 11))
        kw["given_names"] = random_name(names_rng, (1, 4), (1, 9))
    if rng.random() < 0.4:
        kw["optional_data"] = "".join(rng.choice(list("0123456789"), int(rng.integers(3, 8))))
    builder = {"TD1": mrz.build_td1, "TD2": mrz.build_td2, "TD3": mrz.build_td3, "MRVA": mrz.build_mrva,
               "MRVB": mrz.build_mrvb}[fmt]
    return builder(**kw)


def mrz_start(fmt: str, width_px: int) -> tuple[float, float]:
    """Where the MRZ's text begins on a ``width_px`` wide document of ``fmt`` (px from its
    left edge: the lines are centred at the 2.54 mm pitch), and that pitch in px."""
    wmm = SIZES_MM[fmt][0]
    ppm = width_px / wmm
    return (wmm - LENGTHS[fmt] * 2.54) / 2 * ppm, 2.54 * ppm


def mrz_line_y(fmt: str, width_px: int, i: int, n: int) -> float:
    """The centre height (px from the top) of line ``i`` of an ``n``-line MRZ on a
    ``width_px`` wide document of ``fmt``: lines 4.2 mm apart, the last 4.5 mm above the
    bottom edge."""
    wmm, hmm = SIZES_MM[fmt]
    ppm = width_px / wmm
    bottom = hmm - 4.5
    return (bottom - (n - 1 - i) * 4.2) * ppm


def render_document(lines: list[str], fmt: str, width_px: int, rng: np.random.Generator) -> np.ndarray:
    """A clean grayscale card (uint8) with the MRZ at the bottom."""
    from border_app.ocr.glyphs import render_line

    wmm, hmm = SIZES_MM[fmt]
    ppm = width_px / wmm
    h = int(round(hmm * ppm))
    card = np.full((h, width_px), int(rng.integers(215, 250)), np.float32)
    # soft background pattern (guilloche-like)
    yy, xx = np.mgrid[0:h, 0:width_px].astype(np.float32) / ppm
    card -= 10 * (0.5 + 0.5 * np.sin(xx * 0.9 + 2 * np.sin(yy * 0.5)))
    # photo block and clutter text bars above the MRZ
    pw = int(0.28 * width_px)
    card[int(0.12 * h) : int(0.6 * h), int(0.04 * width_px) : int(0.04 * width_px) + pw] = rng.uniform(60, 160)
    x0 = int(0.38 * width_px)
    y = int(0.12 * h)
    while y < int(0.58 * h):
        text = "".join(rng.choice(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"), int(rng.integers(4, 16))))
        m = render_line(text, 2.0 * ppm, pitch_ratio=0.9)
        mh, mw = m.shape
        mw = min(mw, width_px - x0 - 2)
        if mh < h - y and mw > 0:
            card[y : y + mh, x0 : x0 + mw] -= 150 * m[:, :mw]
        y += int(4.5 * ppm)
    # the MRZ: capital height 2.4 mm, pitch 2.54 mm, lines 4.2 mm apart
    for i, line in enumerate(lines):
        card += mrz_line_ink(line, fmt, width_px, i, len(lines), card.shape)
    return np.clip(card, 0, 255).astype(np.uint8)


def mrz_line_ink(line: str, fmt: str, width_px: int, i: int, n: int, shape: tuple[int, int]) -> np.ndarray:
    """What printing ``line`` as line ``i`` of an ``n``-line MRZ adds to a ``width_px`` wide
    card of ``shape`` (float32, negative where the ink darkens it): the difference of two
    lines' inks is what printing one instead of the other changes."""
    from border_app.ocr.glyphs import render_line

    ppm = width_px / SIZES_MM[fmt][0]
    m = render_line(line, 2.4 * ppm, pitch_ratio=2.54 / 2.4 / 0.99)
    mh, mw = m.shape
    top = int(round(mrz_line_y(fmt, width_px, i, n) - mh / 2))
    left = int(round(mrz_start(fmt, width_px)[0]))
    mw = min(mw, width_px - left)
    out = np.zeros(shape, np.float32)
    out[top : top + mh, left : left + mw] = -200 * m[:, :mw]
    return out


def degrade(card: np.ndarray, rng: np.random.Generator, trace: dict | None = None) -> tuple[np.ndarray, dict]:
    """``card`` degraded by the settings in the module's docstring. ``trace``, when given, is
    filled with what is needed to push any other card image (a difference of two
    renderings) through the same linear chain (``warp_chain``): the perspective matrix, the
    output size, the brightness, the glare spot's factor, the blur; and the image before
    noise and JPEG (``noise_free``, float32)."""
    import cv2

    h, w = card.shape
    s = {
        "angle": float(rng.uniform(-10, 10)),
        "upside_down": bool(rng.random() < 0.125),
        "perspective": float(rng.uniform(0, 0.10)),
        "blur": float(rng.uniform(0, 1.5)),
        "noise": float(rng.uniform(0, 8)),
        "brightness": float(rng.uniform(0.35, 1.0)),
        "glare": bool(rng.random() < 1 / 3),
        "jpeg": int(rng.integers(40, 96)),
        "glare_strength": float(rng.uniform(0.4, 0.75)),
    }
    margin = int(0.12 * w)
    W, H = w + 2 * margin, h + 2 * margin
    bg = rng.uniform(40, 120)
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    jitter = rng.uniform(-1, 1, (4, 2)) * s["perspective"] * w
    dst = src + margin + jitter.astype(np.float32)
    c = np.array([W / 2, H / 2], np.float32)
    a = np.deg2rad(s["angle"] + (180 if s["upside_down"] else 0))
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]], np.float32)
    dst = (dst - c) @ rot.T + c
    m = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    img = cv2.warpPerspective(card.astype(np.float32), m, (W, H), flags=cv2.INTER_LINEAR, borderValue=bg)
    img *= s["brightness"]
    spot = None
    if s["glare"]:
        gx, gy = rng.uniform(0.2, 0.8) * W, rng.uniform(0.2, 0.8) * H
        r = rng.uniform(0.04, 0.10) * W
        img = add_glare(img, gx, gy, r, s["glare_strength"])
        if trace is not None:
            spot = add_glare(np.zeros((H, W), np.float32), gx, gy, r, s["glare_strength"]) / 255.0
    if s["blur"] > 0.2:
        img = cv2.GaussianBlur(img, (0, 0), s["blur"])
    if trace is not None:
        trace.update(matrix=m, size=(W, H), brightness=s["brightness"], spot=spot, blur=s["blur"],
                     noise_free=img.copy())
    img += rng.normal(0, s["noise"], img.shape).astype(np.float32)
    img = np.clip(img, 0, 255).astype(np.uint8)
    bgr = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, s["jpeg"]])
    return cv2.imdecode(buf, cv2.IMREAD_COLOR), s


def make_doc(seed: int, fmt: str | None = None, width: int | None = None, clean: bool = False,
             random_names: bool = False, trace: dict | None = None, lines: list[str] | None = None) -> SynthDoc:
    """``random_names``: the same document (every other field, the rendering and its
    degradations drawn alike) with names of random letters instead of the name lists.
    ``trace``: see :func:`degrade`. ``lines``: these MRZ lines printed instead of the drawn
    ones (of the same format), everything else drawn alike."""
    rng = np.random.default_rng(seed)
    fmt = fmt or FORMATS[seed % len(FORMATS)]
    width = width or WIDTHS[seed % len(WIDTHS)]
    drawn = random_mrz(rng, fmt, np.random.default_rng((seed, 1)) if random_names else None)
    lines = lines or drawn
    card_w = int(width)  # the document is ``width`` px wide (the image adds 12% margins each side)
    card = render_document(lines, fmt, card_w, rng)
    if clean:
        import cv2

        return SynthDoc(cv2.cvtColor(card, cv2.COLOR_GRAY2BGR), lines, fmt, {"width": card_w})
    img, s = degrade(card, rng, trace)
    if trace is not None:
        trace["card"] = card
    s["width"] = img.shape[1]
    return SynthDoc(img, lines, fmt, s)


def warp_chain(diff: np.ndarray, trace: dict) -> np.ndarray:
    """A card-sized float image (a difference between two renderings) pushed through the
    linear part of the degradation ``trace`` records: perspective, brightness, glare, blur."""
    import cv2

    out = cv2.warpPerspective(diff.astype(np.float32), trace["matrix"], trace["size"], flags=cv2.INTER_LINEAR,
                              borderValue=0) * trace["brightness"]
    if trace["spot"] is not None:
        out *= 1 - trace["spot"]
    if trace["blur"] > 0.2:
        out = cv2.GaussianBlur(out, (0, 0), trace["blur"])
    return out


def motion_blur(img: np.ndarray, length: float, angle_deg: float) -> np.ndarray:
    """``img`` smeared evenly along a straight segment ``length`` px long at ``angle_deg``
    (0 = along the image's rows), centred on each pixel: a document moving while a camera
    exposes it."""
    import cv2

    if length < 1:
        return img
    n = 2 * int(np.ceil(length / 2)) + 3
    c = n // 2
    t = np.linspace(-0.5, 0.5, 64 * n)
    xs = c + t * length * np.cos(np.radians(angle_deg))
    ys = c + t * length * np.sin(np.radians(angle_deg))
    k = np.zeros((n, n), np.float64)
    x0, y0 = np.floor(xs).astype(int), np.floor(ys).astype(int)
    fx, fy = xs - x0, ys - y0
    for dx, dy, w in ((0, 0, (1 - fx) * (1 - fy)), (1, 0, fx * (1 - fy)), (0, 1, (1 - fx) * fy), (1, 1, fx * fy)):
        np.add.at(k, (y0 + dy, x0 + dx), w)
    return cv2.filter2D(img, -1, (k / k.sum()).astype(np.float32), borderType=cv2.BORDER_REPLICATE)


def add_glare(img: np.ndarray, cx: float, cy: float, r: float, strength: float) -> np.ndarray:
    """``img`` (float, gray or BGR) blended towards white by an elliptic spot centred at
    (``cx``, ``cy``), ``r`` high and 1.8 ``r`` wide, ``strength`` at its centre."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    spot = strength * np.exp(-(((xx - cx) / (1.8 * r)) ** 2 + ((yy - cy) / r) ** 2))
    return img + (255 - img) * (spot[..., None] if img.ndim == 3 else spot)


def _lit_clean_doc(seed: int, darkest: float) -> tuple[SynthDoc, np.random.Generator, np.ndarray]:
    """A clean document of the seed's format, 640-1,000 px wide, lit at ``darkest``-100%:
    the document, the seed's generator (to draw what follows) and the image as float."""
    rng = np.random.default_rng(seed)
    doc = make_doc(seed, fmt=FORMATS[seed % len(FORMATS)], width=int(rng.integers(640, 1001)), clean=True)
    return doc, rng, doc.image.astype(np.float32) * rng.uniform(darkest, 1.0)


def glare_doc(seed: int) -> SynthDoc:
    """A clean document (any format, 640-1,000 px wide) lit at 35-100%, with a glare spot
    centred on its MRZ's middle line at 15-85% of its width (radius 5-10% of the width,
    blending towards white by 50-85% at its centre): the webcam's commonest trouble, a
    lamp's reflection on the laminate over the MRZ. Seeds 7,000,000+ served to choose
    changes; the benchmark uses 7,100,000+."""
    doc, rng, img = _lit_clean_doc(seed, 0.35)
    h, w = img.shape[:2]
    hmm = SIZES_MM[doc.format][1]
    mrz_y = (hmm - 4.5 - (len(doc.lines) - 1) * 2.1) / hmm * h
    r = rng.uniform(0.05, 0.10) * w
    strength = rng.uniform(0.5, 0.85)
    gx = rng.uniform(0.15, 0.85) * w
    img = add_glare(img, gx, mrz_y, r, strength).clip(0, 255).astype(np.uint8)
    return SynthDoc(img, doc.lines, doc.format, {"width": w, "glare_strength": strength, "glare_x": gx / w})


def shadow_doc(seed: int) -> SynthDoc:
    """A clean document (any format, 640-1,000 px wide) lit at 60-100%, with the soft edge of
    a shadow (a hand, the camera's stand) crossing it at a slant at 20-80% of its width, the
    shadowed side at 25-50% of the light. Seeds 7,500,000+ served to choose changes; the
    benchmark uses 7,600,000+."""
    doc, rng, img = _lit_clean_doc(seed, 0.6)
    h, w = img.shape[:2]
    x0, slope = rng.uniform(0.2, 0.8) * w, rng.uniform(-1.5, 1.5)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    side = 1 / (1 + np.exp(-((xx - x0 - slope * (yy - 0.9 * h)) / (0.02 * w))))
    dark = rng.uniform(0.25, 0.5)
    img = np.clip(img * (1 - (1 - dark) * side)[..., None], 0, 255).astype(np.uint8)
    return SynthDoc(img, doc.lines, doc.format, {"width": w, "shadow": dark, "edge_x": x0 / w, "slope": slope})


def _warped_doc(seed: int, shape) -> SynthDoc:
    """A clean document (any format, 640-1,000 px wide) lit at 60-100%, each of its columns
    moved up or down by ``lift(u)`` px, where ``lift = shape(rng, w)`` (``u`` from -1 to 1
    across the document, ``w`` its width), on a background, then turned by up to 10 degrees."""
    import cv2

    doc, rng, img = _lit_clean_doc(seed, 0.6)
    h, w = img.shape[:2]
    lift, reach = shape(rng, w)
    angle = float(rng.uniform(-10, 10))
    bg = float(rng.uniform(40, 120))
    m = int(0.12 * w + reach)
    img = cv2.copyMakeBorder(img, m, m, m, m, cv2.BORDER_CONSTANT, value=(bg, bg, bg))
    hh, ww = img.shape[:2]
    xx, yy = np.meshgrid(np.arange(ww, dtype=np.float32), np.arange(hh, dtype=np.float32))
    u = np.clip((xx - m) / w * 2 - 1, -1, 1)
    img = cv2.remap(img, xx, yy - lift(u), cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=(bg, bg, bg))
    rot = cv2.getRotationMatrix2D((ww / 2, hh / 2), angle, 1.0)
    img = cv2.warpAffine(img, rot, (ww, hh), flags=cv2.INTER_LINEAR, borderValue=(bg, bg, bg))
    return SynthDoc(np.clip(img, 0, 255).astype(np.uint8), doc.lines, doc.format, {"width": w, "angle": angle})


def _bow(rng: np.random.Generator, w: int):
    sag = float(rng.uniform(0.01, 0.03) * w * rng.choice([-1, 1]))
    return (lambda u: sag * (1 - u * u)), abs(sag)


def _curl(rng: np.random.Generator, w: int):
    amount = float(rng.uniform(0.01, 0.03) * w * rng.choice([-1, 1]))
    start, end = float(rng.uniform(0.0, 0.6)), float(rng.choice([-1, 1]))
    return (lambda u: amount * np.clip((end * u - start) / (1 - start), 0, 1) ** 2), abs(amount)


def bent_doc(seed: int) -> SynthDoc:
    """A clean document (any format, 640-1,000 px wide) lit at 60-100%, bowed along its MRZ
    lines: its middle lifted or lowered against its two ends by 1-3% of its width (a
    passport's page curling towards the spine, a card held by its edges), on a background,
    then turned by up to 10 degrees. Every column of the document moves by a parabola of its
    position across the width (``sag * (1 - u**2)``, ``u`` from -1 to 1). Seeds 8,000,000+
    served to choose changes; the benchmark uses 8,100,000+."""
    return _warped_doc(seed, _bow)


def curled_doc(seed: int) -> SynthDoc:
    """Like :func:`bent_doc`, but one end of the document curls (a corner of the page
    lifting): from a point 0-60% of the way from the middle to that end, its columns move
    up or down quadratically, by 1-3% of the width at the end. Seeds 8,700,000+ served to
    choose changes; the benchmark uses 8,800,000+."""
    return _warped_doc(seed, _curl)


def make_set(n: int, seed: int = 3) -> list[SynthDoc]:
    return [make_doc(seed * 100_000 + i) for i in range(n)]
