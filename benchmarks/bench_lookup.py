"""Document look-up ("already seen?") on a post database with a million documents.

Creates, or re-uses, a SQLite demo database in ``$BENCH_DIR`` (default /tmp/border-bench)
holding ``$BENCH_DOCUMENTS`` (default 1,000,000) stored documents, seeded with
``db.demo.add_demo_travellers`` (fictitious travellers from ``border_app.demo``). Prints the
seeding time, then median and p95 milliseconds of ``RegistrationService.find_document``
for existing and missing numbers, next to the raw indexed SQL query; then
``RegistrationService.search`` (every day, by name or number: issue #18, defect 18) for a
name's beginning, two words of a name and a number's beginning, beside the old query (a
``search_key LIKE`` over every person) as the anchor, and a day list for scale.
Then the rate of registrations through the service (the indexes' cost on writes; they stay
in the demo database) and the sizes of the crossings' and the name index's b-trees.
Targets: find_document median <= 5 ms; each search median <= 50 ms.

    python benchmarks/bench_lookup.py
"""

from __future__ import annotations

import os
import random
import statistics
import string
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BENCH_DIR = Path(os.environ.get("BENCH_DIR", "/tmp/border-bench"))
TARGET = int(os.environ.get("BENCH_DOCUMENTS", "1000000"))
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "1000"))
CHUNK = 100_000

RAW_SQL = (
    "SELECT c.id, p.name, c.direction, c.crossed_at, c.voided FROM identity_documents d "
    "JOIN crossings c ON c.document_id = d.id JOIN posts p ON p.id = c.post_id "
    "WHERE d.number = ? ORDER BY c.crossed_at DESC LIMIT 50"
)


def ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return f"median {statistics.median(values) * 1000:7.3f} ms   p95 {p95 * 1000:7.3f} ms   (n={len(values)})"


def timed(fn, args_list) -> list[float]:
    out = []
    for args in args_list:
        t = time.perf_counter()
        fn(*args)
        out.append(time.perf_counter() - t)
    return out


#: the search of the code before the name index (82affb9): a LIKE on every person's
#: search_key, OR the number's beginning; kept as the benchmark's anchor
OLD_SEARCH_SQL = (
    "SELECT c.id FROM crossings c WHERE c.person_id IN (SELECT id FROM persons WHERE {names}) "
    "OR c.document_id IN (SELECT id FROM identity_documents WHERE number >= ? AND number < ?) "
    "ORDER BY c.crossed_at DESC LIMIT 100"
)


def old_search(cur, query: str):
    from db.models import normalise_number, search_key

    words = search_key(query).split()[:8]
    number = normalise_number(query)
    names = " AND ".join("search_key LIKE ?" for _w in words) or "0"
    params = [f"% {w}%" for w in words] + [number, number[:-1] + chr(ord(number[-1]) + 1)]
    return cur.execute(OLD_SEARCH_SQL.format(names=names), params).fetchall()


def cur_sizes(path) -> list[tuple[str, float]]:
    """(name, MB) of the crossings' and the name index's b-trees (SQLite's dbstat, if built in)."""
    import sqlite3

    conn = sqlite3.connect(str(path))
    try:
        return [(name, size / 1e6) for name, size in conn.execute(
            "SELECT name, sum(pgsize) FROM dbstat WHERE name IN (SELECT name FROM sqlite_master "
            "WHERE tbl_name IN ('crossings', 'person_name_tokens')) GROUP BY name ORDER BY name")]
    except sqlite3.DatabaseError:
        return []
    finally:
        conn.close()


def main() -> int:
    os.environ["BORDER_APP_HOME"] = str(BENCH_DIR)
    from border_app.keys import KdfParams
    from border_app.paths import profile
    from db import open_database
    from db.demo import DEMO_ACCOUNTS, add_demo_travellers, counts, ensure_demo_accounts
    from db.services import AuthService, RegistrationService

    prof = profile(demo=True).ensure()
    print(f"database: {prof.database}")
    start = time.perf_counter()
    database = open_database(prof.database_url, profile=prof)  # upgrades an older file (0004: the name index)
    print(f"open (with any upgrade): {time.perf_counter() - start:.1f} s")
    ensure_demo_accounts(database, kdf=KdfParams.TEST)
    documents = counts(database)["documents"]
    if documents < TARGET:
        print(f"seeding: {documents:,} documents stored, target {TARGET:,}")
        start = time.perf_counter()
        seed = 1000 + documents // CHUNK
        while documents < TARGET:
            need = TARGET - documents
            n = min(CHUNK, int(need * 1.2) + 10)  # about 1 traveller in 7 has no document
            t = time.perf_counter()
            add_demo_travellers(database, n, seed)
            seed += 1
            documents = counts(database)["documents"]
            print(f"  {documents:>9,} documents  (+{n:,} travellers in {time.perf_counter() - t:5.1f} s)", flush=True)
        print(f"seeding time: {time.perf_counter() - start:.1f} s")
    else:
        print("seeding time: 0 s (database re-used; delete the folder to re-seed)")
    totals = counts(database)
    print(f"stored: {totals['documents']:,} documents, {totals['persons']:,} persons, "
          f"{totals['crossings']:,} crossings")
    print(f"database size: {prof.database.stat().st_size / 1e6:.0f} MB")

    agent = next(a for a in DEMO_ACCOUNTS if a["username"] == "agent")
    actor = AuthService(database).login(agent["username"], agent["password"])
    service = RegistrationService(database, actor)

    rng = random.Random(42)
    raw = database.engine.raw_connection()
    cur = raw.cursor()
    max_rowid = cur.execute("SELECT max(rowid) FROM identity_documents").fetchone()[0]
    existing = []
    while len(existing) < SAMPLES:
        row = cur.execute("SELECT number, issuing_state FROM identity_documents WHERE rowid = ?",
                          (rng.randint(1, max_rowid),)).fetchone()
        if row:
            existing.append(row)
    missing = ["".join(rng.choices(string.ascii_uppercase, k=2)) + "".join(rng.choices(string.digits, k=7)) + "Q"
               for _ in range(SAMPLES)]
    plan = cur.execute("EXPLAIN QUERY PLAN " + RAW_SQL, (existing[0][0],)).fetchall()
    print("query plan: " + " | ".join(str(r[-1]) for r in plan))

    service.find_document(existing[0][0])  # warm up
    print("find_document (service: role check, session, dataclasses)")
    print("  existing number           ", ms(timed(service.find_document, [(n,) for n, _s in existing])))
    print("  existing number + state   ", ms(timed(service.find_document, existing)))
    print("  missing number            ", ms(timed(service.find_document, [(n,) for n in missing])))
    print("raw indexed SQL (sqlite3 cursor, same query)")
    print("  existing number           ", ms(timed(lambda n: cur.execute(RAW_SQL, (n,)).fetchall(),
                                                  [(n,) for n, _s in existing])))
    print("  missing number            ", ms(timed(lambda n: cur.execute(RAW_SQL, (n,)).fetchall(),
                                                  [(n,) for n in missing])))

    # search queries drawn from stored persons: a name's beginning (4 letters of the surname),
    # two words (the surname and the first given name's beginning), a number's beginning
    persons = []
    max_person = cur.execute("SELECT max(rowid) FROM persons").fetchone()[0]
    while len(persons) < 30:
        row = cur.execute("SELECT surname, given_names FROM persons WHERE rowid = ?",
                          (rng.randint(1, max_person),)).fetchone()
        if row and row[1]:
            persons.append(row)
    name_prefixes = [(surname[:4],) for surname, _g in persons]
    two_words = [(f"{surname} {given.split()[0][:3]}",) for surname, given in persons]
    numbers = []  # drawn apart from ``existing`` (BENCH_SAMPLES may be small)
    while len(numbers) < 30:
        row = cur.execute("SELECT number FROM identity_documents WHERE rowid = ?",
                          (rng.randint(1, max_rowid),)).fetchone()
        if row:
            numbers.append(row[0])
    number_prefixes = [(n[:5],) for n in numbers]
    service.search(name_prefixes[0][0])  # warm up
    print("search every day (service: at most 100 crossings, newest first; target median <= 50 ms)")
    print("  name beginning (4 letters)", ms(timed(service.search, name_prefixes)))
    print("  two words of a name       ", ms(timed(service.search, two_words)))
    print("  number beginning (5 chars)", ms(timed(service.search, number_prefixes)))
    print("old query (search_key LIKE over every person; the anchor)")
    print("  name beginning (4 letters)", ms(timed(lambda q: old_search(cur, q), name_prefixes[:5])))
    print("  two words of a name       ", ms(timed(lambda q: old_search(cur, q), two_words[:5])))
    print("  number beginning (5 chars)", ms(timed(lambda q: old_search(cur, q), number_prefixes[:5])))
    raw.close()

    sample = service.find_document(existing[-1][0])
    day = service.get(sample[0].crossing_id).crossing.crossed_at.date() if sample else \
        date.today() - timedelta(days=1)
    print("other look-ups")
    print("  list_day (up to 500 rows) ", ms(timed(lambda d: service.list_day(d), [(day,)] * 5)))

    # the indexes' cost on writes: registrations through the service (each its own transaction)
    from datetime import datetime, timezone

    from border_app import model as dm

    def register(i: int) -> None:
        service.register(dm.RegistrationDraft(
            person=dm.PersonData(surname="BENCH", given_names="Ecriture {}".format(i), sex="F",
                                 birth_date="1990-04", nationality="NER", identity_declared=True),
            crossing=dm.CrossingData(direction=dm.Direction.ENTRY, crossed_at=datetime.now(timezone.utc),
                                     transport_mode=dm.TransportMode.BUS, origin="Torodi", destination="Niamey",
                                     reason=dm.TravelReason.TRADE, group_size=1),
            document=None))

    writes = int(os.environ.get("BENCH_WRITES", "200"))
    start = time.perf_counter()
    for i in range(writes):
        register(i)
    print(f"  registrations (service)    {writes / (time.perf_counter() - start):7.1f} per second (n={writes})")
    sizes = cur_sizes(prof.database)
    if sizes:
        print("index sizes (MB): " + ", ".join(f"{name} {mb:.0f}" for name, mb in sizes))
    database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
