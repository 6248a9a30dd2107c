#!/usr/bin/env python3
"""Build the MRZ reader's model: the OCR-B glyph atlas and the character classifier.

Development-time only (needs Pillow and the Debian ``fonts-ocr-b`` font); the run-time
reader needs only numpy + OpenCV and the two files this script writes:

* ``resources/models/ocrb_glyphs.npz``: the 37 MRZ glyphs rendered in fixed-pitch cells;
* ``resources/models/mrz_ocrb_mlp.npz``: the classifier weights (a 2-hidden-layer MLP).

Steps (``python tools/train_mrz_model.py [atlas|data|smalldata|motiondata|train|finetune|all]``):

1. ``atlas``: render the glyphs from ``/usr/share/fonts/opentype/ocr-b/OCRB.otf``.
2. ``data``: synthetic lines (random MRZ-like text rendered from the atlas at 10-40 px
   capital height, with blur, noise, JPEG, contrast, thickening/thinning, slight rotation),
   segmented by the reader's own segmenter, plus the *training* 75% of the real crops in
   ``../shared/data/mrz-lines`` (segmented by the same segmenter; a line is used only when
   its number of cells equals the ground-truth length). The held-out 25% listed in
   ``resources/data/mrz_lines_split.json`` is never read here.
2b. ``smalldata [N]``: cells of N small synthetic documents (230-700 px wide; default 1,500,
   4,500 for the shipped small-document models) cut by the reader's own fitted grid and segmenter, labelled from the
   generator's truth
   (``/tmp/mrz_train_small.npz``; used by ``finetune ... --small`` and ``train_mrz_cnn.py --extra``).
2c. ``motiondata``: cells of text smeared by movement (a document moving under a webcam),
   atlas lines and synthetic documents of 580-1,000 px, half of them kept
   (``/tmp/mrz_train_motion.npz``; used by ``finetune ... --motion`` and
   ``train_mrz_cnn.py --extra``; see ``resources/models/README.md``).
3. ``train``: numpy MLP, Adam, a few epochs; prints validation accuracy on a slice of the
   training crops (not the held-out set).

Seeds are fixed; run with ``nice -n 10``: a full build takes a few minutes on 2 cores.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MODELS = ROOT / "resources" / "models"
SPLIT = ROOT / "resources" / "data" / "mrz_lines_split.json"
LINES = ROOT.parent / "shared" / "data" / "mrz-lines"
FONT = "/usr/share/fonts/opentype/ocr-b/OCRB.otf"
CACHE = Path("/tmp/mrz_train_cache.npz")


def build_atlas() -> None:
    from PIL import Image, ImageDraw, ImageFont

    from border_app.ocr.glyphs import CHARSET

    size = 120
    font = ImageFont.truetype(FONT, size)
    adv = int(round(font.getlength("A")))
    cap_top, cap_bottom = font.getbbox("H")[1], font.getbbox("H")[3]
    top, bottom = cap_top - 14, cap_bottom + 10
    cells = []
    for ch in CHARSET:
        img = Image.new("L", (adv, bottom - top), 0)
        ImageDraw.Draw(img).text((0, -top), ch, fill=255, font=font)
        cells.append(np.asarray(img, np.uint8))
    cells = np.stack(cells)
    MODELS.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        MODELS / "ocrb_glyphs.npz",
        cells=cells,
        cap_top=np.float32((cap_top - top) / (bottom - top)),
        cap_height=np.float32((cap_bottom - cap_top) / (bottom - top)),
    )
    print("atlas", cells.shape, "cap", (cap_bottom - cap_top) / (bottom - top))



SEED = 20240603


def _source(name: str) -> str:
    """The document a crop comes from: ``<image>-<line>.tif`` -> ``<image>``."""
    return name.rsplit("-", 1)[0]


def make_split() -> None:
    """Hold out 25% of the real crops, whole source documents at a time (seeded)."""
    names = sorted(p.name for p in LINES.glob("*.tif"))
    groups = sorted({_source(n) for n in names})
    rng = np.random.default_rng(SEED)
    order = rng.permutation(len(groups))
    held: set[str] = set()
    count = 0
    for i in order:
        if count >= 0.25 * len(names):
            break
        g = groups[i]
        members = [n for n in names if _source(n) == g]
        held.update(members)
        count += len(members)
    SPLIT.parent.mkdir(parents=True, exist_ok=True)
    SPLIT.write_text(
        json.dumps(
            {
                "source": "../shared/data/mrz-lines (DoubangoTelecom/tesseractMRZ @ 1e7adfe)",
                "method": "documents (crop name without '-<line>.tif') shuffled with numpy "
                f"default_rng({SEED}); whole documents held out until >= 25% of the crops",
                "total": len(names),
                "held_out_count": len(held),
                "held_out": sorted(held),
            },
            indent=1,
        )
        + "\n"
    )
    print("split", len(held), "of", len(names))


def load_split() -> tuple[list[Path], list[Path]]:
    data = json.loads(SPLIT.read_text())
    held = set(data["held_out"])
    files = sorted(LINES.glob("*.tif"))
    return [f for f in files if f.name not in held], [f for f in files if f.name in held]


LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"


def random_text(rng: np.random.Generator) -> str:
    """MRZ-like text: names with < and << separators, digit runs, codes, filler runs."""
    n = int(rng.choice([30, 36, 44, int(rng.integers(12, 45))]))
    parts: list[str] = []
    while sum(map(len, parts)) < n:
        r = rng.random()
        if r < 0.35:
            parts.append("".join(rng.choice(list(LETTERS), int(rng.integers(1, 11)))))
        elif r < 0.6:
            parts.append("".join(rng.choice(list(DIGITS), int(rng.integers(1, 10)))))
        elif r < 0.75:
            parts.append("<" * int(rng.integers(1, 3)))
        elif r < 0.85:
            parts.append("<" * int(rng.integers(3, 20)))
        else:
            parts.append("".join(rng.choice(list(LETTERS + DIGITS + "<"), int(rng.integers(1, 8)))))
    return "".join(parts)[:n]


def _synthdocs():
    """The synthetic document generator (``tests/synthdocs.py``)."""
    if str(ROOT / "tests") not in sys.path:
        sys.path.insert(0, str(ROOT / "tests"))
    import synthdocs

    return synthdocs


def degrade_line(mask: np.ndarray, rng: np.random.Generator, cap: float, motion: bool = False) -> np.ndarray:
    """Turn an ink mask into a camera/scanner-like grayscale line image. ``motion``: also
    smeared by the document's movement (0.1-0.7 capital heights, in any direction)."""
    import cv2

    # stroke weight: blur + re-threshold softly
    if rng.random() < 0.6:
        m = cv2.GaussianBlur(mask, (0, 0), max(0.3, cap * 0.04))
        t = rng.uniform(0.25, 0.65)
        mask = np.clip((m - t) / 0.25 + 0.5, 0, 1)
    top, bottom = (int(rng.uniform(0.08, 0.45) * cap) for _ in range(2))
    left, right = (int(rng.uniform(0.0, 1.5) * cap) for _ in range(2))
    mask = cv2.copyMakeBorder(mask, top, bottom, left, right, cv2.BORDER_CONSTANT, value=0)
    if rng.random() < 0.5:
        ang = rng.uniform(-1.2, 1.2)
        h, w = mask.shape
        mat = cv2.getRotationMatrix2D((w / 2, h / 2), ang, 1.0)
        mask = cv2.warpAffine(mask, mat, (w, h))
    paper = rng.uniform(120, 255)
    contrast = rng.uniform(0.35, 0.95) * paper
    img = paper - contrast * mask
    # uneven light and background texture
    h, w = img.shape
    img = img * (1 + rng.uniform(-0.25, 0.25) * np.linspace(-1, 1, w)[None, :])
    if rng.random() < 0.4:
        tex = cv2.resize(rng.normal(0, 1, (max(2, h // 8), max(2, w // 8))).astype(np.float32), (w, h))
        img = img + tex * rng.uniform(3, 20)
    if motion:
        img = _synthdocs().motion_blur(img.astype(np.float32), float(rng.uniform(0.1, 0.7) * cap),
                                       float(rng.uniform(0, 180)))
    sigma = rng.uniform(0, 1.6)
    if sigma > 0.3:
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    img = img + rng.normal(0, rng.uniform(0, 14), img.shape)
    img = np.clip(img, 0, 255).astype(np.uint8)
    if rng.random() < 0.5:
        q = int(rng.integers(30, 95))
        ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q])
        img = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    if rng.random() < 0.35:  # like the real crops: upscaled and binarised
        f = rng.uniform(1.5, 4.0)
        img = cv2.resize(img, None, fx=f, fy=f, interpolation=rng.choice([cv2.INTER_LINEAR, cv2.INTER_CUBIC]))
        _t, img = cv2.threshold(img, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return img


def vary_real(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    import cv2

    r = rng.random()
    if r < 0.3:
        f = rng.uniform(0.35, 0.7)
        small = cv2.resize(img, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
        img = cv2.resize(small, (img.shape[1], img.shape[0]), interpolation=cv2.INTER_LINEAR)
        _t, img = cv2.threshold(img, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    elif r < 0.55:
        k = np.ones((2, 2), np.uint8)
        img = cv2.erode(img, k) if rng.random() < 0.5 else cv2.dilate(img, k)
    elif r < 0.8:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.8, 2.0))
        img = np.clip(img.astype(np.float32) * rng.uniform(0.5, 1.0) + rng.uniform(0, 80), 0, 255).astype(np.uint8)
    else:
        img = np.clip(img + rng.normal(0, 25, img.shape), 0, 255).astype(np.uint8)
    return img


def build_data(n_synth: int = 3500, real_variants: int = 4, n_docs: int = 600) -> None:
    import cv2

    from border_app.ocr.glyphs import INDEX, render_line
    from border_app.ocr.segment import segment_line

    rng = np.random.default_rng(SEED)
    xs, ys, src = [], [], []

    def keep(cells: np.ndarray, text: str, tag: int) -> None:
        """Cells of one line with their labels and source tag (0 synthetic, 1-4 real)."""
        xs.append(cells)
        ys.append(np.array([INDEX[c] for c in text], np.int16))
        src.append(np.full(len(text), tag, np.int8))

    def synthetic_lines(n: int, caps: tuple[float, float], pitches: tuple[float, float], upscale: bool) -> int:
        """Render, degrade and segment ``n`` random lines; keep those cut into one cell per
        character. ``upscale``: small lines enlarged to 36 px capitals as the document reader does."""
        kept = 0
        for _i in range(n):
            text = random_text(rng)
            cap = float(rng.uniform(*caps))
            mask = render_line(text, cap, pitch_ratio=float(rng.uniform(*pitches)))
            img = degrade_line(mask, rng, cap)
            if upscale:
                if img.max() > 1 and np.unique(img).size <= 2:
                    continue  # binarised at that size: unreadable, skip
                f = 36.0 / cap
                img = cv2.resize(img, None, fx=f, fy=f, interpolation=cv2.INTER_CUBIC)
            seg = segment_line(img)
            if seg is None or len(seg.cells) != len(text):
                continue
            kept += 1
            keep(seg.cells, text, 0)
        return kept

    t0 = time.time()
    kept = synthetic_lines(n_synth, (9, 42), (0.9, 1.12), upscale=False)
    print(f"synthetic lines kept {kept}/{n_synth} in {time.time() - t0:.0f}s")
    # low-resolution lines (3.5-9 px capitals) upscaled the way the document reader does
    kept = synthetic_lines(n_synth // 3, (3.5, 9), (0.95, 1.1), upscale=True)
    print(f"low-resolution synthetic lines kept {kept}/{n_synth // 3}")
    # lines cut from synthetic documents by the document pipeline itself (seeds far from
    # the benchmark's and the tests')
    kept = total = 0
    try:
        synthdocs = _synthdocs()

        from border_app.ocr.classifier import default_classifier
        from border_app.ocr.locate import find_bands

        clf = default_classifier() if (MODELS / "mrz_ocrb_mlp.npz").exists() else None
    except ImportError:
        synthdocs = None
    for i in range(n_docs if synthdocs else 0):
        doc = synthdocs.make_doc(9_000_000 + i)
        gray = cv2.cvtColor(doc.image, cv2.COLOR_BGR2GRAY)
        if doc.settings["upside_down"]:
            gray = cv2.rotate(gray, cv2.ROTATE_180)
        for band in find_bands(gray):
            k = len(doc.lines)
            if len(band.lines) < k:
                continue
            total += 1
            for im, text in zip(band.lines[-k:], doc.lines, strict=False):
                seg = segment_line(im, len(text))
                if seg is None or len(seg.cells) != len(text):
                    continue
                # guard against a band that is not the MRZ: the previous model must agree
                if clf is not None and np.mean([a == b for a, b in zip(clf.read(seg.cells), text, strict=False)]) < 0.6:
                    continue
                kept += 1
                keep(seg.cells, text, 0)
            break
    print(f"document lines kept {kept} (from {total} bands of {n_docs} documents)")
    train, _held = load_split()
    kept = total = 0
    for f in train:
        gt = f.with_name(f.name[:-4] + ".gt.txt").read_text().strip()
        if not gt or any(c not in INDEX for c in gt):
            continue
        img0 = cv2.imread(str(f), cv2.IMREAD_GRAYSCALE)
        if img0 is None:
            continue
        for v in range(1 + real_variants):
            img = img0 if v == 0 else vary_real(img0, rng)
            total += 1
            seg = segment_line(img)
            if seg is None or len(seg.cells) != len(gt):
                continue
            kept += 1
            # 1 = real training crop, 2 = its variant; the last tenth of files = validation
            tag = 1 if v == 0 else 2
            if f in train[-len(train) // 10 :]:
                tag += 2
            keep(seg.cells, gt, tag)
    print(f"real (training part) lines kept {kept}/{total}")
    x = np.concatenate(xs).astype(np.float16)
    y = np.concatenate(ys)
    s = np.concatenate(src)
    np.savez_compressed(CACHE, x=x, y=y, s=s)
    print("cells", x.shape, "synthetic", int((s == 0).sum()), "real", int((s > 0).sum()))


SMALL_CACHE = Path("/tmp/mrz_train_small.npz")


MOTION_CACHE = Path("/tmp/mrz_train_motion.npz")


def _mrz_band(gray: np.ndarray, doc):
    """The first band the reader's band finder gives in a synthetic document's image (turned
    upright when the document lies upside down) with at least as many lines as its MRZ, or None."""
    import cv2

    from border_app.ocr.locate import find_bands

    if doc.settings["upside_down"]:
        gray = cv2.rotate(gray, cv2.ROTATE_180)
    return next((b for b in find_bands(gray) if len(b.lines) >= len(doc.lines)), None)


def build_motion(n_lines: int = 1500, n_docs: int = 1500, seed0: int = 9_800_000) -> None:
    """Cells of text smeared by movement (a document moving under a webcam), which the
    ``data`` step's degradations lack: ``n_lines`` atlas lines degraded as there plus a
    motion blur of 0.1-0.7 capital heights in any direction, and the MRZ lines of
    ``n_documents`` synthetic documents of 580-1,000 px (seeds 9,800,000+) smeared by
    0.15-0.7 capital heights, cut by the reader's own band finder and segmenter (kept when
    the current model agrees on >= 35% of a line: a guard against bands that are not the
    MRZ, loose enough to keep the lines it misreads)."""
    import cv2

    synthdocs = _synthdocs()

    from border_app.ocr.classifier import default_classifier
    from border_app.ocr.glyphs import INDEX, render_line
    from border_app.ocr.segment import grid_fitted_cells, line_geometry, segment_line

    clf = default_classifier()
    rng = np.random.default_rng(SEED + 2)
    xs, ys = [], []
    t0 = time.time()
    kept = 0
    for _i in range(n_lines):
        text = random_text(rng)
        cap = float(rng.uniform(9, 42))
        img = degrade_line(render_line(text, cap, pitch_ratio=float(rng.uniform(0.9, 1.12))), rng, cap, motion=True)
        seg = segment_line(img)
        if seg is None or len(seg.cells) != len(text):
            continue
        kept += 1
        xs.append(seg.cells)
        ys.append(np.array([INDEX[c] for c in text], np.int16))
    print(f"smeared lines kept {kept}/{n_lines} ({time.time() - t0:.0f}s)", flush=True)
    kept = total = 0
    for i in range(n_docs):
        doc = synthdocs.make_doc(seed0 + i, width=int(rng.integers(580, 1001)))
        cap = 2.4 * doc.settings["width"] / 1.24 / synthdocs.SIZES_MM[doc.format][0]
        gray = cv2.cvtColor(doc.image, cv2.COLOR_BGR2GRAY).astype(np.float32)
        gray = np.clip(synthdocs.motion_blur(gray, float(rng.uniform(0.15, 0.7) * cap), float(rng.uniform(0, 180))),
                       0, 255)
        band = _mrz_band(gray.astype(np.uint8), doc)
        if band is not None:
            total += 1
            for im, text in zip(band.lines[-len(doc.lines):], doc.lines, strict=False):
                geo = line_geometry(im)
                fitted = grid_fitted_cells(geo, len(text)) if geo is not None else None
                for seg in (segment_line(im, len(text)), fitted):
                    if seg is None or len(seg.cells) != len(text):
                        continue
                    if np.mean([a == b for a, b in zip(clf.read(seg.cells), text, strict=False)]) < 0.35:
                        continue
                    kept += 1
                    xs.append(seg.cells)
                    ys.append(np.array([INDEX[c] for c in text], np.int16))
        if i % 250 == 249:
            print(f"  {i + 1} documents, {kept} line cuts kept ({time.time() - t0:.0f}s)", flush=True)
    x = np.concatenate(xs).astype(np.float16)
    y = np.concatenate(ys)
    print(f"smeared documents: {kept} line cuts from {total} bands of {n_docs} documents; cells {x.shape}")
    # half of them, drawn evenly (all of them would be 40% of the fine-tuning's cells)
    keep = np.sort(np.random.default_rng(1).choice(len(y), len(y) // 2, replace=False))
    np.savez_compressed(MOTION_CACHE, x=x[keep], y=y[keep], s=np.zeros(len(keep), np.int8))
    print(f"kept {len(keep)} cells in {MOTION_CACHE}")


def build_small_docs(n_docs: int = 1500, seed0: int = 9_500_000) -> None:
    """Cells of small synthetic documents (230-700 px wide: MRZ glyphs of 4-12 px) cut the
    way the reader cuts them (its fitted grid and its component segmenter), labelled from
    the generator's ground truth; a line is kept when the current reader agrees on >= 50%
    of its characters (a guard against bands that are not the MRZ or lines cut off by one).
    Seeds 9,500,000+ (benchmark: 300,000+ and 700,000+; tests: 5-22 and 5,000,000+)."""
    import cv2

    synthdocs = _synthdocs()

    from border_app.ocr.glyphs import INDEX
    from border_app.ocr.reader import default_reader
    from border_app.ocr.segment import grid_fitted_cells, line_geometry, segment_line

    reader = default_reader()
    rng = np.random.default_rng(SEED + 1)
    xs, ys = [], []
    kept = total = 0
    t0 = time.time()
    for i in range(n_docs):
        doc = synthdocs.make_doc(seed0 + i, width=int(rng.integers(230, 700)))
        k = len(doc.lines)
        band = _mrz_band(cv2.cvtColor(doc.image, cv2.COLOR_BGR2GRAY), doc)
        if band is not None:
            total += 1
            for ims in (band.lines[-k:], band.lines[-k - 1 : -1] if len(band.lines) > k else []):
                good = 0
                for im, text in zip(ims, doc.lines, strict=False):
                    cuts = []
                    geo = line_geometry(im)
                    if geo is not None:
                        cuts.append(grid_fitted_cells(geo, len(text)))
                    cuts.append(segment_line(im, len(text)))
                    for seg in cuts:
                        if seg is None or len(seg.cells) != len(text):
                            continue
                        got = reader.classifier.read(seg.cells)
                        if np.mean([a == b for a, b in zip(got, text, strict=False)]) < 0.5:
                            continue
                        good += 1
                        xs.append(seg.cells)
                        ys.append(np.array([INDEX[c] for c in text], np.int16))
                kept += good
                if good:
                    break
        if i % 250 == 249:
            print(f"  {i + 1} documents, {kept} line cuts kept ({time.time() - t0:.0f}s)", flush=True)
    x = np.concatenate(xs).astype(np.float16)
    y = np.concatenate(ys)
    np.savez_compressed(SMALL_CACHE, x=x, y=y, s=np.zeros(len(y), np.int8))
    print(f"small documents: {kept} line cuts from {total} bands of {n_docs} documents; cells {x.shape}")


def train(epochs: int = 12, hidden: tuple[int, ...] = (512, 256), final: bool = False,
          init: Path | None = None, lr0: float = 2e-3, out: Path | None = None,
          extra: tuple[Path, ...] = ()) -> None:
    """Train the MLP; ``final`` also trains on the validation tenth (after it was measured).

    ``init``: start from these weights (fine-tuning, usually with a smaller ``lr0``);
    ``out``: where to save (default: the shipped model file)."""
    from border_app.ocr.classifier import Classifier, features

    parts = [np.load(CACHE)] + [np.load(p) for p in extra]
    x = np.concatenate([d["x"] for d in parts])
    y = np.concatenate([d["y"] for d in parts]).astype(np.int64)
    s = np.concatenate([d["s"] for d in parts])
    val = s == 3
    tr = (s != 3) & (s != 4) if not final else np.ones(len(s), bool)
    rng = np.random.default_rng(SEED)
    xt, yt = x[tr], y[tr]
    xv, yv = x[val].astype(np.float32), y[val]
    dims = [x.shape[1] * x.shape[2], *hidden, 37]
    params = {}
    for i in range(len(dims) - 1):
        params[f"w{i}"] = (rng.normal(0, np.sqrt(2.0 / dims[i]), (dims[i], dims[i + 1]))).astype(np.float32)
        params[f"b{i}"] = np.zeros(dims[i + 1], np.float32)
    if init is not None:
        with np.load(init) as start:
            params = {k: start[k].astype(np.float32) for k in start.files}
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v2 = {k: np.zeros_like(v) for k, v in params.items()}
    nl = len(dims) - 1
    step = 0
    bs = 256
    for ep in range(epochs):
        t0 = time.time()
        order = rng.permutation(len(xt))
        lr = lr0 * (0.5 ** (ep / 3))
        loss_sum = 0.0
        for b in range(0, len(order), bs):
            idx = order[b : b + bs]
            cells = xt[idx].astype(np.float32)
            # cell-level augmentation: shift by up to 1 px, gain
            if rng.random() < 0.5:
                dx, dy = rng.integers(-1, 2, 2)
                cells = np.roll(cells, (int(dy), int(dx)), axis=(1, 2))
            cells = cells * rng.uniform(0.7, 1.0, (len(idx), 1, 1)).astype(np.float32)
            h = [features(cells)]
            for i in range(nl):
                z = h[-1] @ params[f"w{i}"] + params[f"b{i}"]
                if i < nl - 1:
                    z = np.maximum(z, 0)
                    if True:  # dropout 10%
                        z *= (rng.random(z.shape) > 0.1) / 0.9
                h.append(z.astype(np.float32))
            z = h[-1] - h[-1].max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            yb = yt[idx]
            loss_sum += float(-np.log(p[np.arange(len(idx)), yb] + 1e-9).sum())
            g = p
            g[np.arange(len(idx)), yb] -= 1
            g /= len(idx)
            step += 1
            for i in reversed(range(nl)):
                gw = h[i].T @ g + 1e-5 * params[f"w{i}"]
                gb = g.sum(axis=0)
                if i > 0:
                    g = (g @ params[f"w{i}"].T) * (h[i] > 0)
                for k, gr in ((f"w{i}", gw), (f"b{i}", gb)):
                    m[k] = 0.9 * m[k] + 0.1 * gr
                    v2[k] = 0.999 * v2[k] + 0.001 * gr * gr
                    mh = m[k] / (1 - 0.9**step)
                    vh = v2[k] / (1 - 0.999**step)
                    params[k] -= (lr * mh / (np.sqrt(vh) + 1e-8)).astype(np.float32)
        clf = Classifier(params)
        acc = float((clf.probabilities(xv).argmax(1) == yv).mean()) if len(xv) else float("nan")
        print(f"epoch {ep} loss {loss_sum / len(xt):.4f} val-char-acc {acc:.4f} ({time.time() - t0:.0f}s)", flush=True)
    out = out or MODELS / "mrz_ocrb_mlp.npz"
    np.savez_compressed(out, **{k: v.astype(np.float16) for k, v in params.items()})
    print("saved", out)

if __name__ == "__main__":
    step = sys.argv[1] if len(sys.argv) > 1 else "all"
    if step in ("atlas", "all"):
        build_atlas()
    if step in ("split",) or (step == "all" and not SPLIT.exists()):
        make_split()
    if step in ("data", "all"):
        build_data()
    if step in ("smalldata", "all"):
        # smalldata [N]: N documents (default 1,500; the same first documents for any N)
        build_small_docs(int(sys.argv[2]) if step == "smalldata" and len(sys.argv) > 2 else 1500)
    if step == "motiondata":
        build_motion()
    if step in ("train", "all"):
        train(final="--final" in sys.argv)
    if step == "finetune":
        # a few epochs from the shipped weights at a small learning rate:
        #   train_mrz_model.py finetune EPOCHS LR OUT.npz [--small] [--motion]
        # (--small: also the small-document cells of the ``smalldata`` step; --motion: the
        # smeared cells of the ``motiondata`` step)
        train(epochs=int(sys.argv[2]), init=MODELS / "mrz_ocrb_mlp.npz", lr0=float(sys.argv[3]), out=Path(sys.argv[4]),
              extra=tuple(p for p, flag in ((SMALL_CACHE, "--small"), (MOTION_CACHE, "--motion")) if flag in sys.argv))
