"""The compact OCR-B character classifier: a numpy MLP (weights in ``resources/models``)."""

from __future__ import annotations

import functools
from importlib import resources

import numpy as np

from .glyphs import CHARSET

MODEL_FILE = "mrz_ocrb_mlp.npz"


def features(cells: np.ndarray) -> np.ndarray:
    """Flatten cells [n, h, w] into mean/contrast-normalised vectors [n, h*w]."""
    x = cells.reshape(len(cells), -1).astype(np.float32)
    peak = x.max(axis=1, keepdims=True)
    x = x / np.maximum(peak, 0.25)
    return x - 0.2


class Classifier:
    def __init__(self, params: dict[str, np.ndarray]):
        self.layers = []
        i = 0
        while f"w{i}" in params:
            self.layers.append((params[f"w{i}"].astype(np.float32), params[f"b{i}"].astype(np.float32)))
            i += 1

    def logits(self, cells: np.ndarray) -> np.ndarray:
        import cv2

        h = np.ascontiguousarray(features(cells))
        for k, (w, b) in enumerate(self.layers):
            # OpenCV's gemm: steady latency on small matrices (numpy's BLAS threads spike)
            h = cv2.gemm(h, w, 1.0, None, 0.0) + b
            if k < len(self.layers) - 1:
                np.maximum(h, 0.0, out=h)
        return h

    def probabilities(self, cells: np.ndarray) -> np.ndarray:
        """Softmax probabilities [n, 37] over :data:`CHARSET`."""
        if len(cells) == 0:
            return np.zeros((0, len(CHARSET)), np.float32)
        z = self.logits(cells)
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def read(self, cells: np.ndarray) -> str:
        p = self.probabilities(cells)
        return "".join(CHARSET[i] for i in p.argmax(axis=1))


@functools.lru_cache(maxsize=1)
def default_classifier() -> Classifier:
    ref = resources.files("resources").joinpath("models", MODEL_FILE)
    with ref.open("rb") as fh:
        data = np.load(fh)
        return Classifier({k: data[k] for k in data.files})
