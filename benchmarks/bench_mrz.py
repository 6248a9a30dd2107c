"""MRZ parsing and demo-traveller generation speed, on one core (pure Python).

Run: ``.venv/bin/python benchmarks/bench_mrz.py [--seconds S]``. Prints, for each case,
the best of several rounds, in operations per second of wall time and of process CPU
time (the CPU figure is the fair one on a shared, busy machine). Targets: >= 50,000
parses/s for a valid TD3, >= 20,000 demo drafts/s.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from border_app import mrz  # noqa: E402
from border_app.demo import generate_travellers  # noqa: E402

TODAY = date(2026, 11, 29)
TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
TD1 = "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
# what a keyboard wedge types: CRLF, lower case, framing characters
WEDGE = "\x02" + TD3.replace("\n", "\r\n").lower() + "\r\n\x03"
# OCR output with look-alikes in numeric fields and the issuing state
OCR = "P<UT0ERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO74O8122F12O4159ZE184226B<<<<<1O"
# a failing check digit: the slow path, errors translated
INVALID = TD3[:-1] + "5"


def _rate(fn, count: int, rounds: int) -> tuple[float, float]:
    best_wall = best_cpu = float("inf")
    for _ in range(rounds):
        w0, c0 = time.perf_counter(), time.process_time()
        fn(count)
        best_wall = min(best_wall, time.perf_counter() - w0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return count / best_wall, count / max(best_cpu, 1e-9)


def _parses(text: str):
    parse = mrz.parse

    def run(count: int) -> None:
        for _ in range(count):
            parse(text, today=TODAY)
    return run


def _parses_with_errors(text: str):
    parse = mrz.parse

    def run(count: int) -> None:
        for _ in range(count):
            parse(text, today=TODAY).errors  # noqa: B018 - translation is part of the cost
    return run


def _drafts(count: int) -> None:
    end = datetime(2026, 11, 28, 18, 0, tzinfo=timezone.utc)
    for _ in generate_travellers(count, seed=1, end=end):
        pass


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=20_000, help="operations per round")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    assert mrz.parse(TD3, today=TODAY).valid and mrz.parse(OCR, today=TODAY).valid
    assert mrz.parse(WEDGE, today=TODAY).valid and not mrz.parse(INVALID, today=TODAY).valid
    cases = [
        ("MRZ parse, valid TD3", _parses(TD3), 50_000),
        ("MRZ parse, valid TD1", _parses(TD1), None),
        ("MRZ parse, keyboard-wedge TD3 (CRLF, lower case, STX/ETX)", _parses(WEDGE), None),
        ("MRZ parse, OCR TD3 with 4 corrections", _parses(OCR), None),
        ("MRZ parse, invalid TD3 + translated errors", _parses_with_errors(INVALID), None),
        ("demo traveller drafts", _drafts, 20_000),
    ]
    print(f"{'case':60} {'wall /s':>10} {'CPU /s':>10}  target")
    for name, fn, target in cases:
        count = args.count if "demo" not in name else max(args.count // 2, 1)
        wall, cpu = _rate(fn, count, args.rounds)
        verdict = ""
        if target:
            verdict = f">= {target:,} " + ("ok" if cpu >= target else "MISSED")
        print(f"{name:60} {wall:10,.0f} {cpu:10,.0f}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
