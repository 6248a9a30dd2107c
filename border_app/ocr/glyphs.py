"""The OCR-B glyph atlas (``resources/models/ocrb_glyphs.npz``) and a line renderer.

The atlas holds the 37 MRZ characters of the OCR-B font (Debian ``fonts-ocr-b``, public
domain, Matthew Skala / Norbert Schwarz) rendered once by ``tools/train_mrz_model.py`` into
fixed-pitch cells (ink = 255). It lets the training script and the synthetic document
generator draw MRZ text with numpy + OpenCV only, with no font file at run time.
"""

from __future__ import annotations

import functools
from importlib import resources

import cv2
import numpy as np

CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"
INDEX = {c: i for i, c in enumerate(CHARSET)}


@functools.lru_cache(maxsize=1)
def atlas() -> tuple[np.ndarray, float]:
    """Return (cells uint8 [37, H, W], capital height as a fraction of H)."""
    ref = resources.files("resources").joinpath("models", "ocrb_glyphs.npz")
    with ref.open("rb") as fh:
        data = np.load(fh)
        return data["cells"].copy(), float(data["cap_height"])


def render_line(text: str, char_height: float, pitch_ratio: float = 1.0) -> np.ndarray:
    """Render ``text`` as a float32 ink mask (1 = ink) whose capital height is ``char_height`` px.

    ``pitch_ratio`` scales the advance (real MRZs print at 2.54 mm pitch for ~2.4 mm
    capitals, close to the font's own advance)."""
    cells, cap = atlas()
    n, h, w = cells.shape
    scale = char_height / (h * cap)  # the cell is the capital height plus margins
    out_h = max(4, int(round(h * scale)))
    cw = w * scale * pitch_ratio
    out_w = max(4, int(round(cw * len(text))) + 2)
    big = np.zeros((h, int(np.ceil(w * pitch_ratio * len(text))) + w), np.float32)
    for i, ch in enumerate(text):
        x = int(round(i * w * pitch_ratio))
        big[:, x : x + w] = np.maximum(big[:, x : x + w], cells[INDEX[ch]].astype(np.float32) / 255.0)
    big = big[:, : int(round(w * pitch_ratio * len(text)))]
    return cv2.resize(big, (out_w, out_h), interpolation=cv2.INTER_AREA)
