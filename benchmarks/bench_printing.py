"""Slip and report generation time.

Prints, for each slip size (80mm, A6, A4; screening kind, with a 300x400 JPEG photo, DÉMO
mark), the median and p95 milliseconds of signing + rendering one slip (target: median
<= 50 ms), the one-off font registration time, then the time to aggregate and render the
period report for 10,000 crossings made by ``border_app.demo.generate_travellers``
(target: <= 2 s), and the sizes of the outputs.

    python benchmarks/bench_printing.py            # BENCH_SLIPS=40 BENCH_CROSSINGS=10000
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SLIPS = int(os.environ.get("BENCH_SLIPS", "40"))
CROSSINGS = int(os.environ.get("BENCH_CROSSINGS", "10000"))


def _photo() -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (300, 400), (215, 222, 232))
    ImageDraw.Draw(img).ellipse((85, 70, 215, 230), fill=(110, 80, 55))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    return buf.getvalue()


def bench_slips() -> None:
    try:
        import _rl_accel  # noqa: F401

        accel = "with"
    except ImportError:
        accel = "without"
    print(f"reportlab {accel} the rl_accel C extension; load average {os.getloadavg()[0]:.1f}")
    from border_app.usecases.printer_test_slip import EphemeralKeys
    from printing import fonts
    from border_app.slip_data import SlipData, sign_slip_data
    from printing.slips import render_slip

    def make_slip(data, *, kind, size, keys, post_id, demo):
        """Sign, then render: what issuing a slip costs."""
        qr = sign_slip_data(data, kind=kind, post_id=post_id, keys=keys, demo=demo)
        return render_slip(data, kind=kind, size=size, demo=demo, qr_text=qr), qr

    t = time.perf_counter()
    fonts.register_fonts()
    print(f"font registration (once per process): {(time.perf_counter() - t) * 1000:.1f} ms")
    keys = EphemeralKeys("NE-POST-BENCH")
    data = SlipData(post_name="Poste frontière de Makalondi", post_pcode="NE006013",
                    issued_at=datetime.now(timezone.utc), serial="S250312-4F2A9C", surname="ABDOULAYE MAHAMADOU",
                    given_names="Françoise Élodie", birth_date="1985-03-12", nationality="MLI",
                    document_type="passport", document_number="19AB12345", photo=_photo(),
                    screening_outcome="referral", direction="entry",
                    record_id="5f0c7a3e-2b1d-4c8e-9a6f-0d1e2f3a4b5c")
    for size in ("80mm", "a6", "a4"):
        make_slip(data, kind="screening", size=size, keys=keys, post_id="P", demo=True)  # warm-up
        times, cpu, length = [], [], 0
        for _ in range(SLIPS):
            t, c = time.perf_counter(), time.process_time()
            pdf, _qr = make_slip(data, kind="screening", size=size, keys=keys, post_id="P", demo=True)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            length = len(pdf)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        verdict = "OK" if statistics.median(times) <= 50 else "SLOW"
        print(f"slip {size:>4}: median {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  "
              f"(CPU median {statistics.median(cpu):5.1f} ms; {SLIPS} runs, {length / 1024:.0f} KiB PDF)  "
              f"target <= 50 ms: {verdict}")


def bench_report() -> None:
    from border_app import model as dm
    from border_app.demo import generate_travellers
    from printing.report_render import render_report
    from printing.reports import compute_report

    end = datetime(2025, 3, 31, 18, 0, tzinfo=timezone.utc)
    t = time.perf_counter()
    outcomes = ("cleared", "cleared", "cleared", None, None, "secondary", "referral", "isolation")
    registrations = []
    for i, draft in enumerate(generate_travellers(CROSSINGS, seed=1, end=end, weeks=4)):
        registrations.append(dm.Registration(
            crossing_id=str(i), person=draft.person, crossing=draft.crossing, document=draft.document,
            post_id="P", recorded_by="u", recorded_at=draft.crossing.crossed_at,
            screening_outcome=outcomes[i % len(outcomes)]))
    days = sorted({r.crossing.crossed_at.date() for r in registrations})
    print(f"generated {len(registrations)} fictitious crossings over {len(days)} days "
          f"in {time.perf_counter() - t:.2f} s (not part of the report time)")

    t0, c0 = time.perf_counter(), time.process_time()
    data = compute_report(registrations, date_from=days[0], date_to=days[-1], small_count_threshold=5)
    t1 = time.perf_counter()
    pdf = render_report(data, language="fr", post=dm.Post(id="P", name="Poste frontière de Makalondi",
                                                           pcode="NE006013"), demo=True)
    t2 = time.perf_counter()
    cpu = time.process_time() - c0
    total = t2 - t0
    verdict = "OK" if total <= 2 else "SLOW"
    print(f"report {len(registrations)} crossings: aggregate {(t1 - t0) * 1000:.0f} ms + render "
          f"{(t2 - t1) * 1000:.0f} ms = {total:.2f} s (CPU {cpu:.2f} s; {data.total.text} in period, "
          f"{len(pdf) / 1024:.0f} KiB PDF)  "
          f"target <= 2 s: {verdict}")


if __name__ == "__main__":
    bench_slips()
    bench_report()
