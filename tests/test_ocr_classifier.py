"""The MRZ reader's character classifiers: the numpy CNN's arithmetic and the shipped weights."""

from __future__ import annotations

import numpy as np
import pytest

from border_app.ocr.classifier import (
    CNN_FILE,
    MODEL_FILE,
    Classifier,
    CnnClassifier,
    default_classifier,
    features,
    load_classifier,
)
from border_app.ocr.glyphs import CHARSET, render_line
from border_app.ocr.segment import segment_line


def _reference_logits(params: dict[str, np.ndarray], cells: np.ndarray) -> np.ndarray:
    """Plain-loop NCHW forward pass written from the file format's definition (rows of a conv
    weight in (cin, kh, kw) order; dense 0 over the (c, h, w) flatten)."""
    x = features(cells).reshape(len(cells), 1, *cells.shape[1:]).astype(np.float64)

    def conv(x, w, b):
        n, cin, h, wd = x.shape
        k = w.reshape(cin, 3, 3, -1)
        xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
        out = np.zeros((n, k.shape[3], h, wd))
        for ci in range(cin):
            for dy in range(3):
                for dx in range(3):
                    out += xp[:, ci, dy : dy + h, dx : dx + wd][:, None] * k[ci, dy, dx][None, :, None, None]
        return np.maximum(out + b[None, :, None, None], 0)

    def pool(x):
        n, c, h, w = x.shape
        return x[:, :, : h // 2 * 2, : w // 2 * 2].reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))

    x = pool(conv(x, params["c0w"], params["c0b"]))
    x = pool(conv(x, params["c1w"], params["c1b"]))
    x = conv(x, params["c2w"], params["c2b"]).reshape(len(cells), -1)
    x = np.maximum(x @ params["d0w"] + params["d0b"], 0)
    return x @ params["d1w"] + params["d1b"]


def test_cnn_matches_a_plain_loop_implementation():
    rng = np.random.default_rng(1)
    shapes = {"c0w": (9, 16), "c0b": (16,), "c1w": (144, 32), "c1b": (32,), "c2w": (288, 64),
              "c2b": (64,), "d0w": (64 * 6 * 4, 128), "d0b": (128,), "d1w": (128, 37), "d1b": (37,)}
    params = {k: rng.normal(0, 0.3, s).astype(np.float32) for k, s in shapes.items()}
    cells = rng.random((5, 24, 18)).astype(np.float32)
    got = CnnClassifier(params).logits(cells)
    want = _reference_logits(params, cells)
    assert got.shape == (5, 37)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-3)


def test_default_classifier_is_the_shipped_cnn():
    clf = default_classifier()
    assert isinstance(clf, CnnClassifier)
    assert isinstance(load_classifier(MODEL_FILE), Classifier)
    assert isinstance(load_classifier(CNN_FILE), CnnClassifier)


@pytest.mark.parametrize("name", [CNN_FILE, MODEL_FILE])
def test_shipped_models_read_every_character_rendered_cleanly(name):
    clf = load_classifier(name)
    text = CHARSET[:-1] + "<<" + CHARSET[::-1]
    img = (255 - 200 * render_line(text, 30.0)).astype(np.uint8)
    seg = segment_line(np.pad(img, 12, constant_values=255), len(text))
    assert seg is not None and len(seg.cells) == len(text)
    assert clf.read(seg.cells) == text
    p = clf.probabilities(seg.cells)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)


def test_empty_input_gives_no_rows():
    assert default_classifier().probabilities(np.zeros((0, 24, 18), np.float32)).shape == (0, 37)


def test_reader_runs_on_one_blas_thread_and_gives_the_threads_back(monkeypatch):
    """The classifiers' matrix products run on one BLAS thread while the reader works (more
    threads only add latency on a 2-core laptop whose other core draws the GUI); the rest of
    the process keeps its own setting."""
    import threadpoolctl
    from border_app.ocr import reader as reader_mod
    from border_app.ocr.classifier import one_blas_thread

    ctl = threadpoolctl.ThreadpoolController()
    if not ctl.select(user_api="blas").lib_controllers:
        pytest.skip("numpy has no BLAS that threadpoolctl can see")

    def blas_threads() -> set[int]:
        return {lib.num_threads for lib in threadpoolctl.ThreadpoolController().select(user_api="blas").lib_controllers}

    with ctl.limit(limits=2, user_api="blas"):
        seen = []
        real = reader_mod.MrzReader._read_gray

        def spy(self, gray):
            seen.append(blas_threads())
            return real(self, gray)

        monkeypatch.setattr(reader_mod.MrzReader, "_read_gray", spy)
        reader_mod.read_frame(np.full((120, 200), 255, np.uint8))
        assert seen == [{1}]
        assert blas_threads() == {2}
        with one_blas_thread():
            assert blas_threads() == {1}
        assert blas_threads() == {2}
