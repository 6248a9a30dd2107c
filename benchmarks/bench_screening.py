"""Screening benchmark: evaluate all shipped protocols, build the form spec, build the widget.

Targets: evaluation <= 1 ms, widget <= 100 ms. Run: ``nice -n 10 .venv/bin/python benchmarks/bench_screening.py``.
Prints median and 95th percentile wall-clock times (and CPU time, the machine being shared).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from border_app.screening import (  # noqa: E402
    ScreeningSettings, Traveller, applicable_questions, build_form, evaluate, load_protocols,
)

AT = datetime(2025, 6, 10, 9, 0, tzinfo=timezone.utc)
ALL = ["general", "ebola_marburg", "cholera", "mpox", "meningitis", "covid19", "yellow_fever"]
SETTINGS = ScreeningSettings(affected_areas={"ebola_marburg": ["COD", "UGA"], "covid19": ["CHN"]},
                             outbreaks={"cholera"})
TRAVELLER = Traveller("1990-04-02", "F")
ANSWERS = {"temperature": 38.6, "temperature_method": "infrared", "general_condition": "unwell", "fever_reported": True,
           "symptoms": ["headache", "weakness", "vomiting", "diarrhoea", "cough"], "areas_visited": ["COD", "NGA"],
           "ebola_area_date": "2025-05-25", "sick_contact": True, "ebola_contact": False, "unexplained_bleeding": False,
           "loose_stools_24h": 4, "diarrhoea_days": 2, "bloody_stools": False, "severe_dehydration": False,
           "mpox_contact": True, "mpox_contact_date": "2025-06-01", "shock_signs": False, "covid_contact": False,
           "symptom_onset_date": "2025-06-07", "yf_card": True, "yf_vaccination_date": "2012-02-01"}


def timed(fn, n):
    wall, cpu = [], []
    for _ in range(n):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
    wall.sort()
    return statistics.median(wall) * 1000, wall[int(len(wall) * 0.95) - 1] * 1000, statistics.mean(cpu) * 1000


def report(name, fn, n, target_ms=None):
    med, p95, cpu = timed(fn, n)
    verdict = "" if target_ms is None else ("  OK (target <= %g ms)" % target_ms if med <= target_ms
                                             else "  OVER target %g ms" % target_ms)
    print(f"{name:<52} median {med:8.3f} ms   p95 {p95:8.3f} ms   cpu {cpu:8.3f} ms   (n={n}){verdict}")


def main() -> int:
    t0 = time.perf_counter()
    protocols = load_protocols()
    print(f"{'load + validate the 7 shipped protocol files':<52} {(time.perf_counter() - t0) * 1000:8.1f} ms (once)")
    active = protocols.select(ALL)
    evaluate(active, TRAVELLER, AT, ANSWERS, SETTINGS)  # warm the merge cache
    d = evaluate(active, TRAVELLER, AT, ANSWERS, SETTINGS)
    print(f"decision: {d.outcome.value}, {len(d.fired)} rules fired, {len(d.actions)} actions")
    report("evaluate, 7 protocols active, busy case", lambda: evaluate(active, TRAVELLER, AT, ANSWERS, SETTINGS),
           2000, 1.0)
    report("evaluate, 7 protocols active, no answers", lambda: evaluate(active, TRAVELLER, AT, {}, SETTINGS), 2000, 1.0)
    general = protocols.select(["general"])
    report("evaluate, general only", lambda: evaluate(general, TRAVELLER, AT, ANSWERS, SETTINGS, strict=False),
           2000, 1.0)
    report("applicable_questions, 7 protocols",
           lambda: applicable_questions(active, TRAVELLER, AT, ANSWERS, SETTINGS), 2000)
    report("build_form (form spec), 7 protocols", lambda: build_form(active, TRAVELLER, AT, SETTINGS), 2000)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from PySide6.QtWidgets import QApplication

        from ui.screening_form import ScreeningForm
    except ImportError as exc:  # pragma: no cover
        print(f"widget: skipped ({exc})")
        return 0
    app = QApplication.instance() or QApplication([])
    spec = build_form(active, TRAVELLER, AT, SETTINGS)
    t0 = time.perf_counter()
    first = ScreeningForm(spec)
    cold_ms = (time.perf_counter() - t0) * 1000
    print(f"{'ScreeningForm, first build (cold: fonts, styles)':<52} {cold_ms:8.1f} ms (once)")
    first.deleteLater()
    widgets = []

    def build():
        w = ScreeningForm(spec)
        widgets.append(w)

    report("ScreeningForm(spec) build, 7 protocols (warm)", build, 15, 100.0)
    w = widgets[-1]
    spin = w.findChild(object, "q_temperature")
    report("widget: one answer change -> re-evaluate + redraw",
           lambda: spin.setValue(38.0 if spin.value() != 38.0 else 39.0), 100)
    for x in widgets:
        x.deleteLater()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
