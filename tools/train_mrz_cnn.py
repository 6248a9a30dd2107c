#!/usr/bin/env python3
"""Train the MRZ reader's convolutional character classifier (development time only).

The reader runs the network with numpy (``border_app/ocr/classifier.py``); PyTorch is used
here only to train it, in a separate environment that the application never needs:

    python3 -m venv .train-env
    .train-env/bin/pip install torch==2.13.0 numpy opencv-python-headless
    .venv/bin/python tools/train_mrz_model.py atlas data     # the training cells (cache file)
    nice -n 10 .train-env/bin/python tools/train_mrz_cnn.py train [--epochs N] [--final]

Data: the cell cache that ``tools/train_mrz_model.py data`` writes (and, with ``--extra``, the
small-document cells of ``train_mrz_model.py smalldata``) (``/tmp/mrz_train_cache.npz``:
synthetic OCR-B lines, lines cut from synthetic documents, and the *training* 75% of the real
crops with degraded variants; tags ``s``: 0 synthetic, 1/2 real training crop/variant, 3/4 the
validation tenth of the training crops/variants). The held-out 25% of the real crops
(``resources/data/mrz_lines_split.json``) is never read here.

Network (input: the 24x18 cell, normalised as ``classifier.features``):
conv3x3x16-ReLU-maxpool2, conv3x3x32-ReLU-maxpool2, conv3x3x64-ReLU, dense 128-ReLU, dense 37.
Augmentation per batch: shifts up to 2 px, scale 0.9-1.1, gain, blur, noise, stroke thickening
or thinning (grey-level dilation/erosion). Written as float16 ``resources/models/mrz_ocrb_cnn.npz``
with keys ``c0w c0b c1w c1b c2w c2b d0w d0b d1w d1b`` (conv weights as [kh*kw*cin, cout] for
the numpy im2col in the reader's NHWC layout).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path("/tmp/mrz_train_cache.npz")
OUT = ROOT / "resources" / "models" / "mrz_ocrb_cnn.npz"
SEED = 20240603


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.c0 = nn.Conv2d(1, 16, 3, padding=1)
        self.c1 = nn.Conv2d(16, 32, 3, padding=1)
        self.c2 = nn.Conv2d(32, 64, 3, padding=1)
        self.d0 = nn.Linear(64 * 6 * 4, 128)
        self.d1 = nn.Linear(128, 37)
        self.drop = nn.Dropout(0.2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.c0(x)), 2)  # 24x18 -> 12x9
        x = F.max_pool2d(F.relu(self.c1(x)), 2)  # 12x9 -> 6x4
        x = F.relu(self.c2(x))
        x = x.flatten(1)
        return self.d1(self.drop(F.relu(self.d0(x))))


def normalise(cells: torch.Tensor) -> torch.Tensor:
    """Same as border_app.ocr.classifier.features, on [n, 1, h, w]."""
    peak = cells.amax(dim=(1, 2, 3), keepdim=True)
    return cells / torch.clamp(peak, min=0.25) - 0.2


def augment(x: torch.Tensor, g: torch.Generator) -> torch.Tensor:
    n = x.shape[0]
    # affine: shift up to 2 px, scale 0.9-1.1 (grid_sample, zero = no ink outside)
    scale = 1 + (torch.rand(n, generator=g) - 0.5) * 0.2
    sx = (torch.rand(n, generator=g) - 0.5) * 4 / 9  # +-2 px of 18 in [-1, 1] units
    sy = (torch.rand(n, generator=g) - 0.5) * 4 / 12
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0] = 1 / scale
    theta[:, 1, 1] = 1 / scale
    theta[:, 0, 2] = sx
    theta[:, 1, 2] = sy
    keep = torch.rand(n, generator=g) < 0.3
    theta[keep] = torch.tensor([[1.0, 0, 0], [0, 1.0, 0]])
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, align_corners=False, padding_mode="zeros")
    # stroke weight
    r = torch.rand(n, generator=g)
    thick = F.max_pool2d(x, 3, 1, 1)
    thin = -F.max_pool2d(-x, 3, 1, 1)
    x = torch.where((r < 0.12)[:, None, None, None], thick, x)
    x = torch.where(((r >= 0.12) & (r < 0.22))[:, None, None, None], thin, x)
    # blur
    r = torch.rand(n, generator=g)
    k = torch.tensor([[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]) / 16
    blurred = F.conv2d(x, k[None, None], padding=1)
    x = torch.where((r < 0.2)[:, None, None, None], blurred, x)
    # gain and noise
    x = x * (0.6 + 0.4 * torch.rand(n, 1, 1, 1, generator=g))
    x = x + torch.randn(x.shape, generator=g) * (0.08 * torch.rand(n, 1, 1, 1, generator=g))
    return x


def export(net: Net, path: Path) -> None:
    sd = {k: v.detach().numpy() for k, v in net.state_dict().items()}
    out = {}
    for name in ("c0", "c1", "c2"):
        w = sd[f"{name}.weight"]  # [cout, cin, kh, kw]
        out[f"{name}w"] = w.transpose(1, 2, 3, 0).reshape(-1, w.shape[0])  # rows in (cin, kh, kw) order
        out[f"{name}b"] = sd[f"{name}.bias"]
    # dense 0 expects the torch flatten order (c, h, w); the reader transposes to match
    out["d0w"] = sd["d0.weight"].T
    out["d0b"] = sd["d0.bias"]
    out["d1w"] = sd["d1.weight"].T
    out["d1b"] = sd["d1.bias"]
    np.savez_compressed(path, **{k: v.astype(np.float16) for k, v in out.items()})


def load_npz(net: Net, path: Path) -> None:
    """Load weights written by :func:`export` (to fine-tune them)."""
    p = {k: v.astype(np.float32) for k, v in np.load(path).items()}
    sd = net.state_dict()
    for name in ("c0", "c1", "c2"):
        w = p[f"{name}w"]
        cout, cin = w.shape[1], sd[f"{name}.weight"].shape[1]
        sd[f"{name}.weight"] = torch.from_numpy(w.T.reshape(cout, cin, 3, 3).copy())
        sd[f"{name}.bias"] = torch.from_numpy(p[f"{name}b"])
    for name in ("d0", "d1"):
        sd[f"{name}.weight"] = torch.from_numpy(p[f"{name}w"].T.copy())
        sd[f"{name}.bias"] = torch.from_numpy(p[f"{name}b"])
    net.load_state_dict(sd)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("step", choices=["train"])
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--final", action="store_true", help="also train on the validation tenth")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--init", type=Path, help="start from these weights (fine-tuning)")
    ap.add_argument("--extra", type=Path, action="append", default=[],
                    help="more cell caches (e.g. /tmp/mrz_train_small.npz from train_mrz_model.py smalldata)")
    args = ap.parse_args()
    torch.manual_seed(SEED)
    g = torch.Generator().manual_seed(SEED)
    parts = [np.load(CACHE)] + [np.load(p) for p in args.extra]
    x = torch.from_numpy(np.concatenate([d["x"] for d in parts]).astype(np.float32))[:, None]
    y = torch.from_numpy(np.concatenate([d["y"] for d in parts]).astype(np.int64))
    s = torch.from_numpy(np.concatenate([d["s"] for d in parts]).astype(np.int64))
    val = s == 3
    tr = torch.ones_like(val) if args.final else (s != 3) & (s != 4)
    xt, yt = x[tr], y[tr]
    xv, yv = x[val], y[val]
    # real crops are fewer than synthetic cells: weight them up in sampling
    w = torch.where(s[tr] == 0, 1.0, 2.0)
    net = Net()
    if args.init:
        load_npz(net, args.init)
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    bs = 256
    steps = args.epochs * (len(xt) // bs)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps, pct_start=0.15)
    step = 0
    for ep in range(args.epochs):
        t0 = time.time()
        net.train()
        order = torch.multinomial(w, len(xt), replacement=True, generator=g)
        total = 0.0
        for b in range(0, len(order) - bs + 1, bs):
            idx = order[b : b + bs]
            xb = normalise(augment(xt[idx], g))
            loss = F.cross_entropy(net(xb), yt[idx], label_smoothing=0.05)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if step < steps - 1:
                sched.step()
            step += 1
            total += float(loss.detach()) * bs
        net.eval()
        with torch.no_grad():
            pred = torch.cat([net(normalise(xv[i : i + 4096])).argmax(1) for i in range(0, len(xv), 4096)])
        acc = float((pred == yv).float().mean()) if len(xv) else float("nan")
        print(f"epoch {ep} loss {total / len(order):.4f} val-char-acc {acc:.4f} ({time.time() - t0:.0f}s)", flush=True)
        export(net, args.out)
    print("saved", args.out)


if __name__ == "__main__":
    main()
