"""The compact OCR-B character classifiers, run with numpy (weights in ``resources/models``).

* :class:`CnnClassifier` (shipped default, ``mrz_ocrb_cnn.npz``): three 3x3 convolutions
  (16, 32, 64 channels, ReLU, two 2x2 max-pools) and two dense layers, trained by
  ``tools/train_mrz_cnn.py``; run here as im2col + matrix products.
* :class:`Classifier`: the earlier MLP (``mrz_ocrb_mlp.npz``, ``tools/train_mrz_model.py``),
  kept as the fallback and for comparisons in the benchmark.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from importlib import resources

import numpy as np
from threadpoolctl import ThreadpoolController

from .glyphs import CHARSET

MODEL_FILE = "mrz_ocrb_mlp.npz"
CNN_FILE = "mrz_ocrb_cnn.npz"
SMALL_FILES = ("mrz_ocrb_cnn_small.npz", "mrz_ocrb_mlp_small.npz")  # for MRZ bands under 480 px


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
        h = np.ascontiguousarray(features(cells))
        for k, (w, b) in enumerate(self.layers):
            h = h @ w + b
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
def _blas_controller():
    try:
        return ThreadpoolController()
    except Exception:  # noqa: BLE001 - without it, BLAS keeps its own thread count
        return None


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the classifiers' matrix products (numpy's BLAS; OpenCV's ``gemm``, used before,
    took 8 ms where BLAS takes 0.4 ms for 88 cells through a 432x512 layer) on one BLAS
    thread. On the posts' 2-core
    laptops more threads give nothing on these sizes and make the latency jump when the
    other core is busy (the GUI, an export): median per frame with a busy core, 47 ms on one
    thread against 83 ms on two."""
    ctl = _blas_controller()
    if ctl is None:
        yield
        return
    with ctl.limit(limits=1, user_api="blas"):
        yield


def _conv3x3(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """'Same' 3x3 convolution + bias + ReLU, NHWC; ``w`` is [9*cin, cout] in (kh, kw, cin) order."""
    n, h, wd, c = x.shape
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    cols = np.concatenate([xp[:, dy : dy + h, dx : dx + wd] for dy in range(3) for dx in range(3)], axis=3)
    out = cols.reshape(n * h * wd, 9 * c) @ w
    out += b
    np.maximum(out, 0.0, out=out)
    return out.reshape(n, h, wd, -1)


def _pool2(x: np.ndarray) -> np.ndarray:
    n, h, w, c = x.shape
    x = x[:, : h // 2 * 2, : w // 2 * 2]
    return x.reshape(n, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))


class CnnClassifier(Classifier):
    """The convolutional classifier (same interface as :class:`Classifier`)."""

    def __init__(self, params: dict[str, np.ndarray]):
        p = {k: v.astype(np.float32) for k, v in params.items()}
        for name in ("c0w", "c1w", "c2w"):  # file rows (cin, kh, kw) -> (kh, kw, cin) for _conv3x3
            w = p[name]
            cin = w.shape[0] // 9
            p[name] = w.reshape(cin, 9, -1).transpose(1, 0, 2).reshape(9 * cin, -1)
        self.p = {k: np.ascontiguousarray(v) for k, v in p.items()}

    def logits(self, cells: np.ndarray) -> np.ndarray:
        p = self.p
        n, h, w = cells.shape
        x = features(cells).reshape(n, h, w, 1)
        x = _pool2(_conv3x3(x, p["c0w"], p["c0b"]))
        x = _pool2(_conv3x3(x, p["c1w"], p["c1b"]))
        x = _conv3x3(x, p["c2w"], p["c2b"])
        x = np.ascontiguousarray(x.transpose(0, 3, 1, 2).reshape(n, -1))  # the training's (c, h, w) order
        x = x @ p["d0w"] + p["d0b"]
        np.maximum(x, 0.0, out=x)
        return x @ p["d1w"] + p["d1b"]


def load_classifier(name: str) -> Classifier:
    """A shipped model by file name (``mrz_ocrb_cnn.npz`` or ``mrz_ocrb_mlp.npz``)."""
    ref = resources.files("resources").joinpath("models", name)
    with ref.open("rb") as fh:
        data = np.load(fh)
        params = {k: data[k] for k in data.files}
    return CnnClassifier(params) if "c0w" in params else Classifier(params)


@functools.lru_cache(maxsize=1)
def search_classifier() -> Classifier:
    """The cheap MLP that scores candidate readings before the CNN reads the winner."""
    return load_classifier(MODEL_FILE)


@functools.lru_cache(maxsize=1)
def default_classifier() -> Classifier:
    """The convolutional model when shipped, else the MLP."""
    if resources.files("resources").joinpath("models", CNN_FILE).is_file():
        return load_classifier(CNN_FILE)
    return load_classifier(MODEL_FILE)


@functools.lru_cache(maxsize=1)
def small_classifiers() -> tuple[Classifier, Classifier] | None:
    """(CNN, MLP) fine-tuned on cells of small synthetic documents, for small MRZ bands;
    None when not shipped."""
    if not all(resources.files("resources").joinpath("models", f).is_file() for f in SMALL_FILES):
        return None
    return load_classifier(SMALL_FILES[0]), load_classifier(SMALL_FILES[1])
