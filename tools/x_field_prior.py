#!/usr/bin/env python3
"""Count the characters of the alphanumeric (``X``) fields - document numbers, optional data -
in the real training crops that are valid MRZ lines, without the validation tenth and never
the held-out quarter (``resources/data/mrz_lines_split.json``). The counts are pasted into
``border_app/ocr/decode.py:X_FIELD_COUNTS`` (order ``0-9A-Z``).

    .venv/bin/python tools/x_field_prior.py
"""

from __future__ import annotations

import collections
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tools")]

from train_mrz_model import load_split  # noqa: E402

from border_app.ocr.line_types import LINE_TYPES, line_fits  # noqa: E402
from border_app.ocr.glyphs import CHARSET  # noqa: E402


def main() -> None:
    train, _held = load_split()
    train = train[: len(train) - len(train) // 10]  # the validation tenth is the last tenth
    counts: collections.Counter[str] = collections.Counter()
    lines = 0
    for f in train:
        gt = f.with_name(f.name[:-4] + ".gt.txt").read_text().strip()
        kind = line_fits(gt)
        if kind is None:
            continue
        lines += 1
        for k, ch in zip(LINE_TYPES[kind]["lines"][0], gt, strict=False):
            if k == "X":
                counts[ch] += 1
    print(f"{lines} valid training lines, {sum(counts.values())} characters in X fields")
    print("X_FIELD_COUNTS =", tuple(counts[c] for c in CHARSET if c != "<"))


if __name__ == "__main__":
    main()
