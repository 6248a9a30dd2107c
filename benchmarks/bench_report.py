"""Period report on a post database with a million crossings (issue #18, defect 17).

Two cases, side by side, each a SQLite post database built once and re-used from
``~/.cache/hhbm-bench/`` (``$BENCH_REPORT_DIR``, default ``report-1m``, and
``$BENCH_REPORT_DENSE_DIR``, default ``report-1m-dense``), holding ``$BENCH_CROSSINGS``
(default 1,000,000) crossings with their travellers, screenings of every outcome (some
re-screened, some voided) and voided crossings, inserted in bulk with SQLAlchemy Core
(``executemany``, no ORM; ``synchronous=OFF`` and a large page cache for the build only):

- ``spread``: the crossings spread over a year (365 days ending ``END``), ~80,000 of them in
  the 30 days reported;
- ``dense``: the issue's own example, 869,441 of the 1,000,000 crossings in the 30 days
  reported (the rest over the 335 days before).

Then, for each case in a fresh process (so that the peak RSS is the report's own), times a
30-day report (figures from ``ReportService.counts`` + PDF) of each kind, and measures its
peak memory (tracemalloc, and the process's peak RSS from ``resource.getrusage``), printed
beside the targets: <= 3 s, <= 300 MB. ``--insert-rate`` times single registrations (a
person and a crossing, one committed transaction each, as the app writes them) on the dense
database, to see what the report's indexes cost the writes.

The old anchor (82affb9, from the issue): the report loaded at most 200,000 crossings as ORM
objects, silently; 196,000 crossings took 36 s and 1.37 GB.

    python benchmarks/bench_report.py                 # both cases: build if needed, then measure
    python benchmarks/bench_report.py dense           # one case (spread or dense)
    python benchmarks/bench_report.py --rebuild       # delete the cached databases first
    python benchmarks/bench_report.py --insert-rate   # registrations per second (dense database)
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CACHE = Path.home() / ".cache" / "hhbm-bench"
TARGET = int(os.environ.get("BENCH_CROSSINGS", "1000000"))
END = date(2026, 11, 30)                  # last day of the year of data
DAYS = 365
REPORT_DAYS = 30
DENSE_IN_PERIOD = 869_441                 # the example: of 1,000,000, in the 30 days
#: case -> (database folder, segments of (crossings, first day, days) in time order)
CASES = {
    "spread": (Path(os.environ.get("BENCH_REPORT_DIR", CACHE / "report-1m")),
               [(TARGET, END - timedelta(days=DAYS - 1), DAYS)]),
    "dense": (Path(os.environ.get("BENCH_REPORT_DENSE_DIR", CACHE / "report-1m-dense")),
              [(TARGET - TARGET * DENSE_IN_PERIOD // 1_000_000, END - timedelta(days=DAYS - 1), DAYS - REPORT_DAYS),
               (TARGET * DENSE_IN_PERIOD // 1_000_000, END - timedelta(days=REPORT_DAYS - 1), REPORT_DAYS)]),
}
BENCH_DIR = CASES["spread"][0]            # set to the case's folder by main()
CHUNK = 50_000
TARGET_SECONDS, TARGET_MB = 3.0, 300.0
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
PASSWORD = "bench-report-1234"

NATIONALITIES = ["NER"] * 30 + ["NGA"] * 12 + ["BFA"] * 8 + ["MLI"] * 6 + ["TCD"] * 3 + [
    "BEN", "TGO", "GHA", "CIV", "SEN", "CMR", "DZA", "LBY", "FRA", "SDN", "GIN", "CAF", None, None]
SEXES = ["F", "M", "M", "F", "X", None]
OUTCOMES = ["cleared"] * 12 + ["secondary"] * 3 + ["referral"] * 2 + ["isolation"]


def birth_date(rng: random.Random) -> str | None:
    year = rng.randint(1930, 2026)
    form = rng.random()
    if form < 0.06:
        return None
    if form < 0.16:
        return f"{year:04d}"
    if form < 0.24:
        return f"{year:04d}-{rng.randint(1, 12):02d}"
    return (date(year, 1, 1) + timedelta(days=rng.randrange(365))).isoformat()


def synthetic_rows(rng: random.Random, n: int, *, post_id: str, user_id: str, first_day: date, days: int,
                   persons: list[dict] | None = None, seq: int = 1, returning: float = 0.6):
    """``n`` crossings (and their persons and screenings) as Core row dicts, spread over
    ``days`` post-local days from ``first_day``, in time order (as a post records them).
    Ids grow with ``seq`` (so that bulk inserts append to the primary-key indexes); about
    60 % (``returning``) of crossings are by a traveller of ``persons`` or one seen before.
    Returns (the new persons, crossings, screenings)."""
    persons_new: list[dict] = []
    pool = persons if persons is not None else []
    crossings, screenings = [], []
    base = datetime(first_day.year, first_day.month, first_day.day, tzinfo=timezone.utc) - timedelta(hours=1)
    salt = rng.getrandbits(32) << 64
    moments = sorted(base + timedelta(days=rng.randrange(days), seconds=rng.randrange(86_400)) for _ in range(n))

    def new_id() -> str:
        nonlocal seq
        seq += 1
        return str(uuid.UUID(int=salt | seq))

    for when in moments:
        if pool and rng.random() < returning:
            person = rng.choice(pool)
        else:
            person = dict(id=new_id(), post_id=post_id, change_seq=seq, surname="BENCH", given_names="",
                          search_key="bench", sex=rng.choice(SEXES), birth_date=birth_date(rng),
                          birth_date_approximate=False, nationality=rng.choice(NATIONALITIES),
                          identity_declared=False, created_at=when)
            persons_new.append(person)
            pool.append(person)
        cid = new_id()
        crossings.append(dict(id=cid, post_id=post_id, change_seq=seq, person_id=person["id"], document_id=None,
                              direction=rng.choice(("entry", "exit")), crossed_at=when, group_size=1,
                              recorded_by=user_id, recorded_at=when, voided=rng.random() < 0.01,
                              confirmed_invalid=False, confirmed_expired=False))
        if rng.random() < 0.3:                        # screened, sometimes twice, sometimes voided
            for k in range(1 + (rng.random() < 0.1)):
                screenings.append(dict(
                    id=new_id(), post_id=post_id, change_seq=seq,
                    person_id=person["id"], crossing_id=cid, screened_at=when + timedelta(minutes=5 + 10 * k),
                    screened_by=user_id, protocol_versions={}, answers={}, outcome=rng.choice(OUTCOMES),
                    fired=[], actions=[], voided=rng.random() < 0.05))
    return persons_new, crossings, screenings


def insert_rows(conn, persons: list[dict], crossings: list[dict], screenings: list[dict]) -> None:
    """Bulk insert with SQLAlchemy Core (``executemany``; no ORM objects)."""
    from db.models import Crossing, Person, Screening

    for table, rows in ((Person.__table__, persons), (Crossing.__table__, crossings),
                        (Screening.__table__, screenings)):
        if rows:
            conn.execute(table.insert(), rows)


def open_bench_database(build: bool = True, folder: Path | None = None):
    os.environ["BORDER_APP_HOME"] = str(folder or BENCH_DIR)
    from border_app.keys import KdfParams
    from border_app.paths import profile
    from db import open_database
    from db.services import AuthService, PostService, UserService

    prof = profile().ensure()
    database = open_database(prof.database_url, profile=prof)
    # a cached database older than the code is migrated by open_database, which first copies
    # it to backups/ (as at a post): a waste of 0.7-0.9 GB per migration here
    for copy in prof.backups.glob("*.sqlite3"):
        print(f"removing the migration's copy of the benchmark database: {copy.name}")
        copy.unlink()
    post = PostService(database).get_post()
    if post is None:
        if not build:
            raise SystemExit("no benchmark database: run without --measure first")
        admin = PostService(database).setup_post(
            name="Poste de banc d'essai", pcode="NE006013", language="fr", admin_username="chef",
            admin_full_name="Chef", admin_password=PASSWORD, kdf=KdfParams.TEST)
        from border_app.roles import Role

        UserService(database, admin).create_user(username="superviseur", full_name="Superviseur",
                                                 role=Role.SUPERVISOR, password=PASSWORD)
    if build:
        actor = AuthService(database).login("superviseur", PASSWORD)
    else:
        # the supervisor as the services see them, without signing in: the password check
        # (Argon2id, tens of MB) would otherwise dominate the peak RSS measured for the report
        import sqlalchemy as sa

        from border_app import model as dm
        from border_app.roles import Role

        with database.engine.connect() as conn:
            user_id, post_id = conn.execute(sa.text(
                "SELECT id, post_id FROM users WHERE username = 'superviseur'")).one()
        actor = dm.Actor(user_id=user_id, username="superviseur", full_name="Superviseur",
                         role=Role.SUPERVISOR, post_id=post_id)
    return prof, database, actor


def build(case: str) -> None:
    import sqlalchemy as sa

    folder, segments = CASES[case]
    prof, database, actor = open_bench_database(folder=folder)
    with database.engine.connect() as conn:
        have = conn.execute(sa.text("SELECT count(*) FROM crossings")).scalar_one()
    if have >= TARGET:
        print(f"{case}: database re-used: {have:,} crossings ({prof.database}); --rebuild to build it again")
        database.dispose()
        return
    if have:
        database.dispose()
        raise SystemExit(f"{case}: {prof.database} holds {have:,} crossings only (an interrupted build?): "
                         f"run with --rebuild")
    print(f"{case}: building {TARGET:,} crossings in {prof.database}")
    rng = random.Random(2026)
    pool: list[dict] = []
    t0 = time.perf_counter()
    done = 0
    with database.engine.connect() as conn:
        # for the build only (this connection): no fsync per transaction, a large page cache
        raw = conn.connection.dbapi_connection            # outside a transaction (SQLite requires it)
        raw.execute("PRAGMA synchronous=OFF")
        raw.execute("PRAGMA cache_size=-262144")
        for n_segment, first, days in segments:
            chunks = max(1, -(-n_segment // CHUNK))
            for chunk in range(chunks):
                n = n_segment * (chunk + 1) // chunks - n_segment * chunk // chunks
                d0, d1 = chunk * days // chunks, (chunk + 1) * days // chunks    # in time order
                day0 = first + timedelta(days=d0)
                persons, crossings, screenings = synthetic_rows(
                    rng, n, post_id=actor.post_id, user_id=actor.user_id, first_day=day0,
                    days=max(1, d1 - d0), persons=pool, seq=done * 4 + 1)
                if len(pool) > 100_000:
                    del pool[:50_000]
                with conn.begin():
                    insert_rows(conn, persons, crossings, screenings)
                done += n
                print(f"  {done:>9,} crossings  (up to {first + timedelta(days=max(d1, d0 + 1) - 1)}; "
                      f"{time.perf_counter() - t0:5.1f} s)", flush=True)
        with conn.begin():
            conn.exec_driver_sql("ANALYZE")
    print(f"{case}: build time {time.perf_counter() - t0:.1f} s, database "
          f"{prof.database.stat().st_size / 1e6:.0f} MB")
    database.dispose()


def measure(case: str) -> int:
    import resource
    import tracemalloc

    import sqlalchemy as sa

    from border_app.usecases.period_report import report_pdf
    from db.report_services import ReportService

    folder = CASES[case][0]
    _prof, database, actor = open_bench_database(build=False, folder=folder)
    start, end = END - timedelta(days=REPORT_DAYS - 1), END
    with database.engine.connect() as conn:
        total = conn.execute(sa.text("SELECT count(*) FROM crossings")).scalar_one()
    print(f"[{case}] post database: {total:,} crossings; report {start.isoformat()} .. {end.isoformat()} "
          f"({REPORT_DAYS} days)")
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results = {}
    from db.services import PostService
    from printing.report_render import render_report
    from printing.reports import report_from_counts

    post = PostService(database).get_post()
    for kind in ("shared", "internal"):
        runs = []
        for _run in range(RUNS):
            t0, c0 = time.perf_counter(), time.process_time()
            counts = ReportService(database, actor).counts(start, end)
            t1, c1 = time.perf_counter(), time.process_time()
            data = report_from_counts(counts, date_from=start, date_to=end, small_count_threshold=5, kind=kind)
            t2 = time.perf_counter()
            pdf = render_report(data, language="fr", post=post, demo=False)
            t3 = time.perf_counter()
            runs.append((t3 - t0, t1 - t0, t2 - t1, t3 - t2, c1 - c0, time.process_time() - c0))
        runs.sort()
        total, t_sql, t_fig, t_pdf, cpu_sql, cpu = runs[len(runs) // 2]    # the median run
        t = time.perf_counter()
        report_pdf(database, actor, start=start, end=end, threshold=5, language="fr", kind=kind)
        t_report_pdf = time.perf_counter() - t
        results[kind] = dict(seconds=round(min(total, t_report_pdf), 2), sql=round(t_sql, 2),
                             cpu_sql=round(cpu_sql, 2), cpu=round(cpu, 2),
                             crossings=sum(counts.values()), cells=len(counts))
        print(f"[{case}] {kind:8s}: {sum(counts.values()):,} crossings in the period ({len(counts):,} aggregated "
              f"cells); median of {RUNS}: {total:.2f} s = SQL aggregation {t_sql:.2f} s + figures and suppression "
              f"{t_fig:.2f} s + PDF {t_pdf:.2f} s (target <= {TARGET_SECONDS:.0f} s); "
              f"report_pdf {t_report_pdf:.2f} s; PDF {len(pdf) / 1e3:.0f} kB; CPU time of all threads "
              f"{cpu:.2f} s (SQL {cpu_sql:.2f} s)")
    load = os.getloadavg()
    print(f"[{case}] load average while measuring: {' '.join(f'{x:.1f}' for x in load)} on {os.cpu_count()} CPUs")
    tracemalloc.start()
    report_pdf(database, actor, start=start, end=end, threshold=5, language="fr", kind="shared")
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024       # kB on Linux
    print(f"[{case}] peak memory: tracemalloc {peak / 1e6:.1f} MB (Python allocations of one report); "
          f"process peak RSS {rss:.0f} MB (before the reports {rss0:.0f} MB) (target <= {TARGET_MB:.0f} MB)")
    ok = max(r["seconds"] for r in results.values()) <= TARGET_SECONDS and rss <= TARGET_MB
    (folder / "last-measure.json").write_text(json.dumps(dict(
        case=case, total=total, results=results, rss_mb=round(rss), tracemalloc_mb=round(peak / 1e6, 1),
        load=[round(x, 1) for x in load], ok=ok)))
    database.dispose()
    return 0


def insert_rate(case: str = "dense", n: int = 300) -> int:
    """Single registrations (a new person and a crossing, one committed transaction each,
    ``synchronous=FULL`` as the app runs) on the case's database; removed afterwards."""
    import sqlalchemy as sa

    from db.models import Crossing, Person

    _prof, database, actor = open_bench_database(build=False, folder=CASES[case][0])
    rng = random.Random(7)
    persons, crossings, _screenings = synthetic_rows(
        rng, n, post_id=actor.post_id, user_id=actor.user_id, first_day=END + timedelta(days=1), days=1,
        seq=1 << 40, returning=0.0)
    t0 = time.perf_counter()
    for p, c in zip(persons, crossings, strict=True):  # a new person for every crossing (returning=0.0)
        with database.engine.begin() as conn:
            conn.execute(Person.__table__.insert(), [p])
            conn.execute(Crossing.__table__.insert(), [c])
    elapsed = time.perf_counter() - t0
    with database.engine.begin() as conn:
        conn.execute(sa.delete(Crossing.__table__).where(Crossing.id.in_([c["id"] for c in crossings])))
        conn.execute(sa.delete(Person.__table__).where(Person.id.in_([p["id"] for p in persons])))
    with database.engine.connect() as conn:
        indexes = conn.execute(sa.text("SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                                       "AND tbl_name IN ('crossings', 'persons', 'screenings')")).scalar_one()
    print(f"[{case}] insert rate: {n / elapsed:.0f} registrations/s ({elapsed / n * 1000:.1f} ms each, a person "
          f"and a crossing per committed transaction; {indexes} indexes on crossings, persons, screenings)")
    database.dispose()
    return 0


def summary(cases: list[str]) -> None:
    print(f"\n30-day report, median time of the slower kind / process peak RSS "
          f"(targets <= {TARGET_SECONDS:.0f} s, <= {TARGET_MB:.0f} MB):")
    for case in cases:
        path = CASES[case][0] / "last-measure.json"
        if not path.exists():
            print(f"  {case:7s}: not measured")
            continue
        r = json.loads(path.read_text())
        slow = max(r["results"].values(), key=lambda x: x["seconds"])
        print(f"  {case:7s}: {slow['crossings']:>9,} crossings in the period: {slow['seconds']:5.2f} s "
              f"(SQL {slow['sql']:.2f} s; CPU {slow.get('cpu', 0):.2f} s), {r['rss_mb']:4d} MB  -> "
              f"{'met' if r['ok'] else 'MISSED'}  (load average {r['load'][0]:.1f} on {os.cpu_count()} CPUs)")
    print("old anchor (82affb9, issue #18): at most 200,000 crossings loaded as ORM objects, silently; "
          "196,000 crossings took 36 s and 1.37 GB")
    print("first aggregated version (4610bc9, no report indexes, one day at a time): spread 1.73 s, 104 MB; "
          "dense 7.4-7.9 s (SQL 6.8-7.7 s), 161 MB (load average 3.4-5.9 on 2 CPUs)")
    print("wall-clock times on a shared machine follow its load: the CPU time is the steadier figure")


def main(argv: list[str]) -> int:
    cases = [a for a in argv if a in CASES] or list(CASES)
    if "--measure" in argv:
        return measure(cases[0])
    if "--build" in argv:
        build(cases[0])
        return 0
    if "--insert-rate" in argv:
        return insert_rate(*cases[:1]) if any(a in CASES for a in argv) else insert_rate()
    for case in cases:
        folder = CASES[case][0]
        if "--rebuild" in argv and folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True, exist_ok=True)
        # each step in its own process: a child inherits its parent's peak RSS (ru_maxrss), so
        # this process stays small and the measuring one starts clean
        code = (subprocess.call([sys.executable, __file__, "--build", case])
                or subprocess.call([sys.executable, __file__, "--measure", case]))
        if code:
            return code
    summary(cases)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
