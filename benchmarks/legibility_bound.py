#!/usr/bin/env python3
"""How legible are the synthetic documents' names at all? A genie-aided ideal observer.

The synthetic set (tests/synthdocs.py) degrades documents as small as 250 px wide with blur
up to sigma 1.5, noise and JPEG. Names carry no check digit, so a reader must see each of
their letters. This script asks, for each letter of each name, how well even an observer
that knows *everything else* could tell it from every other letter: the document's exact
geometry, lighting, glare and blur, the background, every other character, and the noise's
strength. Such an observer can only do better than any real reader.

For each name letter and each rival letter, the two renderings' difference is pushed through
the document's own degradation chain (``synthdocs.warp_chain``: perspective, brightness,
glare, blur), giving the pixel difference ``D`` the two hypotheses predict. Then:

* ``d`` = ||D|| / sigma, sigma being the noise (Gaussian noise + JPEG) measured on the
  document itself along such differences (the residual between the image and its
  noise-free version, projected on the ``D`` of every pair, its standard deviation): under
  Gaussian noise the best possible test between the letter and that rival errs with
  probability Phi(-d/2). A letter is misread at least as often as its closest rival wins,
  so the chance that *every* letter of a document's names is read right is at most the
  product of (1 - Phi(-d_min/2)) over its letters (letters far apart see independent
  noise). Summed over documents, this bounds the number of documents any reader can read
  exactly, names included;
* ``template``: on this very image, is some rival's predicted image closer to the observed
  pixels than the truth's (least squares)? A genie-aided template matcher then misreads it.

Names are drawn as random letters (``make_doc(seed, random_names=True)``, as the benchmark's
``synthnames`` set), so that no name list helps. Seeds: those of ``make_set(200, seed=3)``,
or ``--seeds A N``.

    .venv/bin/python benchmarks/legibility_bound.py [--widths 250,400] [--per-width 34]
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# The names field of each format: (line index, first position, end position), 0-based.
NAME_FIELDS = {"TD1": (2, 0, 30), "TD2": (0, 5, 36), "MRVB": (0, 5, 36), "TD3": (0, 5, 44), "MRVA": (0, 5, 44)}


def phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def analyse(seed: int) -> dict:
    import cv2

    import synthdocs

    trace: dict = {}
    doc = synthdocs.make_doc(seed, random_names=True, trace=trace)
    fmt, shape = doc.format, trace["card"].shape
    card_w = shape[1]
    li, a, b = NAME_FIELDS[fmt]
    line = doc.lines[li]
    n = len(doc.lines)
    base = synthdocs.mrz_line_ink(line, fmt, card_w, li, n, shape)
    observed = cv2.cvtColor(doc.image, cv2.COLOR_BGR2GRAY).astype(np.float32)
    residual = observed - trace["noise_free"]

    r2 = float((residual**2).sum())
    pairs = []  # per letter: [(||D||, residual along D)] over its rivals
    template_wrong = 0
    for j in range(a, b):
        if line[j] not in LETTERS:
            continue
        per = []
        wrong = False
        for r in LETTERS:
            if r == line[j]:
                continue
            other = synthdocs.mrz_line_ink(line[:j] + r + line[j + 1 :], fmt, card_w, li, n, shape)
            d = synthdocs.warp_chain(other - base, trace)
            norm = float(np.linalg.norm(d))
            per.append((norm, float((residual * d).sum()) / max(norm, 1e-6)))
            # template decision: observed = noise_free + residual; the rival predicts noise_free + d
            wrong = wrong or float(((residual - d) ** 2).sum()) < r2
        template_wrong += wrong
        pairs.append(per)
    # the noise along the differences' directions
    proj = [z for per in pairs for _, z in per]
    sigma = float(np.std(proj)) if proj else float("nan")
    p_all = 1.0
    worst = []
    for per in pairs:
        dmin = min(norm for norm, _ in per) / max(sigma, 1e-6)
        p_all *= 1.0 - phi(-dmin / 2.0)
        worst.append(dmin)
    return {
        "seed": seed, "format": fmt, "width": card_w, "blur": doc.settings["blur"], "jpeg": doc.settings["jpeg"],
        "noise": doc.settings["noise"], "letters": len(pairs), "sigma": sigma, "p_exact_max": p_all,
        "d_min": min(worst) if worst else float("inf"), "template_wrong": template_wrong,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--widths", default="250,400,640")
    ap.add_argument("--per-width", type=int, default=0, help="documents per width (0: all of make_set(200, 3))")
    ap.add_argument("--seeds", type=int, nargs=2, metavar=("A", "N"), help="seeds A..A+N-1 instead of the benchmark's")
    ap.add_argument("--list", action="store_true", help="one line per document")
    args = ap.parse_args()
    import cv2

    import synthdocs

    cv2.setNumThreads(1)  # small images: threads only add overhead

    widths = [int(w) for w in args.widths.split(",")]
    a, n = args.seeds if args.seeds else (3 * 100_000, 200)
    seeds, taken = [], dict.fromkeys(widths, 0)
    for s in range(a, a + n):
        w = synthdocs.WIDTHS[s % len(synthdocs.WIDTHS)]  # the width make_doc gives this seed
        if w in taken and (not args.per_width or taken[w] < args.per_width):
            seeds.append(s)
            taken[w] += 1
    rows = [analyse(s) for s in seeds]
    print(f"Genie-aided ideal observer on the names of make_doc(seed, random_names=True), seeds {a}..{a + n - 1}")
    print("bound = expected number of documents whose every name letter even that observer reads right")
    print(f"{'width':>6} {'blur':>9} {'docs':>5} {'bound':>7} {'share':>7}"
          f" {'template: docs with a letter misread':>38}")
    bands = [(0.0, 0.5), (0.5, 1.0), (1.0, 1.51)]
    for w in widths:
        for lo, hi in bands + [(0.0, 1.51)]:
            g = [r for r in rows if r["width"] == w and lo <= r["blur"] < hi]
            if not g:
                continue
            bound = sum(r["p_exact_max"] for r in g)
            tw = sum(r["template_wrong"] > 0 for r in g)
            label = "all" if (lo, hi) == (0.0, 1.51) else f"{lo:.1f}-{min(hi, 1.5):.1f}"
            print(f"{w:>6} {label:>9} {len(g):>5} {bound:>7.1f} {bound / len(g):>7.1%} {tw:>38}")
    if args.list:
        for r in rows:
            print(r)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
