"""Import into the PostgreSQL coordination database (issue #20).

Prints, side by side: the import rate (records/s, decryption and verification included)
beside a plain COPY of the same decoded rows into an unindexed table (the floor) and the
ratio; the re-import of an overlapping full bundle (rows changed, time); then, at national
scale (``--national-rows``, default 10,000,000 crossings from 50 posts, generated in SQL with
generate_series and cached in the database ``hhbm_bench_national``: drop it to rebuild), the
import rate again, daily flows for a month across all posts, one post's lag, a document-number
lookup, and the database's size on disk.

    python benchmarks/bench_import.py [--db SERVER_URL] [--travellers 20000] [--national-rows N]

SERVER_URL defaults to BORDER_APP_TEST_PG_URL; its role needs CREATEDB and CREATEROLE.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from border_app.bundles import ENTITIES, WHITELIST, open_bundle, write_bundle  # noqa: E402
from border_app.keys import KdfParams, Keystore, key_id  # noqa: E402
from border_app.usecases.import_bundles import import_one  # noqa: E402
from db.coordination import init_db, open_coordination  # noqa: E402
from db.coordination.posts import add_post  # noqa: E402
from db.coordination.status import daily_crossings, find_document, post_lag  # noqa: E402

FAST = KdfParams(1, 1024, 1)
AT = dt.datetime(2026, 3, 1, 6, 0, tzinfo=dt.timezone.utc)


def _uuid(prefix: str, kind: str, i: int) -> str:
    """A fixed random-looking UUID, as the posts' ids are (uuid4): new rows land all over the
    indexes of a large database, not at one end."""
    return str(uuid.UUID(bytes=hashlib.md5(f"{prefix}{kind}{i}".encode()).digest()))


def records(first: int, count: int, prefix: str) -> dict[str, list[dict]]:
    """``count`` travellers: person, document, crossing, screening + health, slip, audit."""
    out: dict[str, list[dict]] = {e: [] for e in ENTITIES}
    for i in range(first, first + count):
        seq = 4 * i
        pid, did, cid, sid = (_uuid(prefix, k, i) for k in "pdcs")
        when = AT + dt.timedelta(minutes=i % 40000)
        out["persons"].append({"id": pid, "change_seq": seq + 1, "surname": "ADAMOU", "given_names": "Issa",
                               "sex": "M", "birth_date": "1990-01-02", "birth_date_approximate": False,
                               "nationality": ("NER", "MLI", "BFA", "NGA")[i % 4], "identity_declared": False,
                               "created_at": when})
        out["documents"].append({"id": did, "change_seq": seq + 2, "person_id": pid, "doc_type": "passport",
                                 "document_code": "P", "number": f"{prefix[:2]}{i:08d}", "issuing_state": "NER",
                                 "expiry_date": "2030-01-01", "mrz_format": "TD3", "mrz_valid": True})
        out["crossings"].append({"id": cid, "change_seq": seq + 3, "person_id": pid, "document_id": did,
                                 "direction": "entry" if i % 2 else "exit", "crossed_at": when,
                                 "transport_mode": "road", "origin": "NGA", "destination": "NER", "reason": "trade",
                                 "group_size": 1, "recorded_at": when, "voided": False, "void_reason": None,
                                 "confirmed_invalid": False, "confirmed_expired": False})
        out["screenings"].append({"id": sid, "change_seq": seq + 4, "person_id": pid, "crossing_id": cid,
                                  "screened_at": when, "outcome": "cleared", "protocol_versions": {"ebola": "1"},
                                  "voided": False})
        out["health"].append({"id": sid, "answers": {"fever": False}, "temperature_c": 36.6,
                              "temperature_method": "infrared", "fired": [], "actions": [],
                              "referral_destination": None, "referral_notes": None, "certificate": None})
        out["slips"].append({"id": _uuid(prefix, "l", i), "change_seq": seq + 3, "serial": f"S{i}", "crossing_id": cid,
                             "screening_id": sid, "kind": "screening", "size": "80mm", "issued_at": when,
                             "duplicate": False, "original_id": None, "copy_no": 0})
        out["audit"].append({"id": _uuid(prefix, "a", i), "seq": seq + 4, "at": when, "user_id": "u1",
                             "action": "create", "entity": "crossing", "entity_id": cid})
    return out


def bundle(folder: Path, post, coord, recs, lo: int, hi: int, *, full=False, name="b") -> Path:
    blob = write_bundle(recs, {"schema_version": "0005", "post_id": post.post_id, "post_name": "Bench",
                               "pcode": "NE100", "from_seq": lo, "to_seq": hi, "full": full,
                               "created_at": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")},
                        post, coord.coordination_encryption_public_key,
                        key_id(coord.coordination_encryption_public_key))
    path = folder / f"{name}-{lo}-{hi}.hhbm"
    path.write_bytes(blob)
    return path


def fresh_database(server: str, name: str, *, keep: bool = False) -> tuple[str, bool]:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if exists and not keep:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        if not exists or not keep:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False), bool(exists and keep)


def import_rate(db, path, coord) -> tuple[float, int, int]:
    t0 = time.perf_counter()
    r = import_one(db, path, private_keys=coord.coordination_private_keys())
    elapsed = time.perf_counter() - t0
    assert r.status == "imported", (r.reason_code, r.reason)
    n = sum(r.counts.values()) + r.counts["screenings"]       # health rows too
    return elapsed, n, r.rows_changed


def copy_floor(db, path, coord, post) -> tuple[float, int]:
    """A plain COPY of the same decoded rows into unindexed tables (decoding not timed)."""
    opened = open_bundle(path, coordination_private_keys=coord.coordination_private_keys(),
                         post_signing_keys={post.signing_key_id: post.signing_public_key})
    rows = {e: [list(r.values()) for r in opened.records(e)] for e in ENTITIES}
    opened.close()
    import json

    n = 0
    with db.engine.begin() as conn:
        for e in ENTITIES:
            conn.exec_driver_sql(f"CREATE TEMP TABLE floor_{e} AS SELECT " + ", ".join(f'"{c}"' for c in WHITELIST[e])
                                 + f" FROM {e} WITH NO DATA")
        raw = conn.connection.driver_connection
        t0 = time.perf_counter()
        with raw.cursor() as cur:
            for e in ENTITIES:
                with cur.copy(f"COPY floor_{e} FROM STDIN") as copy:
                    for row in rows[e]:
                        copy.write_row([json.dumps(v) if isinstance(v, (dict, list)) else v for v in row])
                        n += 1
        elapsed = time.perf_counter() - t0
    return elapsed, n


#: the national database's generator: change it when build_national changes (the cache is rebuilt)
BUILD = "2: uuid ids, one year, persons and documents"


def schema_fingerprint() -> str:
    """The generator's version and the coordination migrations' SHA-256: the cached national
    database is rebuilt when either changes."""
    from db.coordination import MIGRATIONS_DIR

    h = hashlib.sha256(BUILD.encode())
    for path in sorted(MIGRATIONS_DIR.joinpath("versions").glob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def build_national(url: str, rows: int, posts: int = 50) -> None:
    """``rows`` crossings from ``posts`` posts spread evenly over one year (10 March 2025 to
    10 March 2026, oldest first, as they would have arrived), their travellers (one person
    and one document per two crossings) and the crossings' one-row-per-id table, generated
    in SQL (generate_series, 1,000,000 rows per statement). The secondary indexes and the
    primary keys are dropped before the load and built again after it (sorted builds are
    several times faster than 10,000,000 single inserts), then VACUUM ANALYZE."""
    eng = create_engine(url)
    heavy = ("crossings", "crossing_versions", "documents", "persons")
    span = 365 * 86400
    with eng.begin() as conn:
        month = dt.date(2025, 3, 1)
        while month <= dt.date(2026, 3, 1):
            conn.execute(text("SELECT ensure_crossing_partition(CAST(:d AS date))"), {"d": month})
            month = (month + dt.timedelta(days=32)).replace(day=1)
        conn.execute(text(
            "INSERT INTO posts (post_id, name, pcode, signing_key_id, public_keys, last_seq, newest_record_at) "
            f"SELECT 'natpost-' || g, 'Post ' || g, 'NE' || lpad(g::text, 3, '0'), 'k' || g, '{{}}', {rows}, "
            f"timestamptz '2026-03-10 00:00+00' - g * interval '1 hour' FROM generate_series(1, {posts}) g"))
        keys = conn.execute(text(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'p' AND conrelid = ANY(CAST(:t AS regclass[]))"), {"t": list(heavy)}).all()
        indexes = conn.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY(:t) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype = 'p')"), {"t": list(heavy)}).all()
        for name, _def in indexes:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
        for table, name, _def in keys:
            conn.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    when = f"timestamptz '2025-03-10 00:00+00' + (g::bigint * {span} / {rows}) * interval '1 second'"
    per_batch = 1_000_000
    t0 = time.perf_counter()
    for start in range(0, rows, per_batch):
        n = min(per_batch, rows - start)
        lo, hi = start + 1, start + n
        with eng.begin() as conn:
            conn.execute(text(
                "INSERT INTO crossings (id, post_id, change_seq, person_id, document_id, direction, crossed_at, "
                "transport_mode, origin, destination, reason, group_size, recorded_at, voided, confirmed_invalid, "
                "confirmed_expired) "
                f"SELECT md5('c' || g)::uuid, 'natpost-' || (g % {posts} + 1), g, md5('p' || ((g + 1) / 2))::uuid, "
                "md5('d' || ((g + 1) / 2))::uuid, "
                "CASE WHEN g % 2 = 0 THEN 'entry' ELSE 'exit' END, "
                f"{when}, 'road', 'NGA', 'NER', 'trade', 1, {when} + interval '2 minutes', g % 97 = 0, false, false "
                f"FROM generate_series({lo}, {hi}) g"))
            conn.execute(text(
                f"INSERT INTO crossing_versions (id, post_id, change_seq, crossed_at) SELECT md5('c' || g)::uuid, "
                f"'natpost-' || (g % {posts} + 1), g, {when} FROM generate_series({lo}, {hi}) g"))
            conn.execute(text(
                "INSERT INTO persons (id, post_id, change_seq, surname, given_names, sex, birth_date, nationality, "
                "identity_declared, created_at) "
                f"SELECT md5('p' || k)::uuid, 'natpost-' || ((2 * k - 1) % {posts} + 1), 2 * k - 1, "
                "'NOM' || (k % 5000), 'Prenom', CASE WHEN k % 2 = 0 THEN 'F' ELSE 'M' END, '1990-01-02', "
                "(ARRAY['NER', 'MLI', 'BFA', 'NGA', 'TCD', 'BEN'])[k % 6 + 1], false, "
                f"timestamptz '2025-03-10 00:00+00' + ((2 * k - 1)::bigint * {span} / {rows}) * interval '1 second' "
                f"FROM generate_series({(lo + 1) // 2}, {hi // 2}) k"))
            conn.execute(text(
                "INSERT INTO documents (id, post_id, change_seq, person_id, doc_type, document_code, number, "
                "issuing_state, expiry_date, mrz_format, mrz_valid) "
                f"SELECT md5('d' || k)::uuid, 'natpost-' || ((2 * k - 1) % {posts} + 1), 2 * k - 1, "
                "md5('p' || k)::uuid, 'passport', "
                "'P', 'N' || lpad(k::text, 8, '0'), 'NER', date '2030-01-01', 'TD3', true "
                f"FROM generate_series({(lo + 1) // 2}, {hi // 2}) k"))
        print(f"  generated {hi:,} crossings ({time.perf_counter() - t0:.0f} s)", flush=True)
    with eng.begin() as conn:
        conn.exec_driver_sql("SET maintenance_work_mem = '512MB'")
        for table, name, definition in keys:
            conn.exec_driver_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in indexes:
            conn.exec_driver_sql(definition)
    print(f"  keys and indexes built ({time.perf_counter() - t0:.0f} s)", flush=True)
    with eng.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        conn.exec_driver_sql("CREATE TABLE bench_built (rows bigint, schema text)")
        conn.execute(text("INSERT INTO bench_built VALUES (:r, :s)"), {"r": rows, "s": schema_fingerprint()})
    eng.dispose()


def forget_post(db, post_id: str) -> None:
    """Remove what one import wrote for ``post_id`` (keeps the cached national database at its size)."""
    with db.engine.begin() as conn:
        for table in ("persons", "documents", "crossings", "crossing_versions", "screenings", "health", "slips",
                      "tombstones", "audit", "received_ranges", "imports", "post_keys", "posts"):
            conn.execute(text(f"DELETE FROM {table} WHERE post_id = :p"), {"p": post_id})


def timed(fn, repeat: int) -> tuple[float, float, object]:
    """(first run, best run) in ms, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(1000 * (time.perf_counter() - t0))
    return times[0], min(times), result


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=os.environ.get("BORDER_APP_TEST_PG_URL"))
    ap.add_argument("--travellers", type=int, default=20000)
    ap.add_argument("--national-rows", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=2, help="imports per database; the best is reported (shared machine)")
    args = ap.parse_args()
    if not args.db:
        print("bench_import: give --db or BORDER_APP_TEST_PG_URL (skipped)")
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="bench-import-"))
    coord = Keystore.create(tmp / "c.json", post_id="coord", coordination=True, kdf=FAST, first_slot=("a", "p"))[1]
    post_store, post = Keystore.create(tmp / "p.json", post_id=str(uuid.uuid4()), kdf=FAST, first_slot=("a", "p"))
    n = args.travellers
    t0 = time.perf_counter()
    recs = records(0, n, "x")
    first = bundle(tmp, post, coord, recs, 0, 4 * n + 4)
    print(f"bundle of {n:,} travellers written in {time.perf_counter() - t0:.1f} s "
          f"({first.stat().st_size / 1e6:.1f} MB)", flush=True)

    # the national database first (built once, cached), so that both imports run close in time
    nat_url, cached = fresh_database(args.db, "hhbm_bench_national", keep=True)
    if cached:
        eng = create_engine(nat_url)
        with eng.connect() as conn:
            have = conn.execute(text("SELECT rows, schema FROM bench_built")).first() if conn.execute(
                text("SELECT to_regclass('bench_built')")).scalar() else None
        eng.dispose()
        cached = have is not None and tuple(have) == (args.national_rows, schema_fingerprint())
        if not cached:
            nat_url, _ = fresh_database(args.db, "hhbm_bench_national")
    if not cached:
        init_db(nat_url)[0].dispose()
        t0 = time.perf_counter()
        build_national(nat_url, args.national_rows)
        print(f"national database built: {args.national_rows:,} crossings from 50 posts in "
              f"{time.perf_counter() - t0:.0f} s (cached in hhbm_bench_national)", flush=True)

    empty_runs, nat_runs = [], []
    floor = changed_again = again_s = None
    nat = open_coordination(nat_url)
    for run in range(args.runs):
        # into an empty database
        url, _ = fresh_database(args.db, "hhbm_bench_import")
        db, _done = init_db(url)
        add_post(db, post_store.public_keys(), name="Bench", pcode="NE100")
        elapsed, count, _changed = import_rate(db, first, coord)
        empty_runs.append(count / elapsed)
        if run == 0:
            floor_s, floor_n = copy_floor(db, first, coord, post)
            floor = floor_n / floor_s
            more = records(n, 1, "x")
            full = bundle(tmp, post, coord, {e: recs[e] + more[e] for e in ENTITIES}, 0, 4 * n + 8, full=True,
                          name="full")
            t0 = time.perf_counter()
            r = import_one(db, full, private_keys=coord.coordination_private_keys())
            again_s = time.perf_counter() - t0
            changed_again = (r.status, r.rows_changed, sum(len(v) for v in more.values()))
        db.dispose()
        # into the national database (the same bundle: its post is registered there, then forgotten)
        add_post(nat, post_store.public_keys(), name="Bench", pcode="NE100")
        try:
            elapsed, count, _changed = import_rate(nat, first, coord)
            nat_runs.append(count / elapsed)
        finally:
            forget_post(nat, post.post_id)
        print(f"  run {run + 1}: empty {empty_runs[-1]:,.0f} records/s, national {nat_runs[-1]:,.0f} records/s",
              flush=True)
    rate, rate2 = max(empty_runs), max(nat_runs)

    flows_first, flows_best, flows = timed(lambda: daily_crossings(nat, dt.date(2025, 6, 1), 30), 3)
    lag_first, lag_best, lag = timed(lambda: post_lag(nat, "natpost-7"), 5)
    doc_first, doc_best, found = timed(lambda: find_document(nat, "N01234567"), 5)
    with nat.engine.connect() as conn:
        size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar()
        crossings = conn.execute(text("SELECT count(*) FROM crossing_versions")).scalar()
        months = conn.execute(text("SELECT count(*) FROM pg_inherits WHERE inhparent = 'crossings'::regclass")).scalar()
    nat.dispose()

    def ok(flag: bool) -> str:
        return "met" if flag else "NOT met"

    print()
    print(f"{'measure':<58} {'figure':>22} {'target':>16}  ")
    rows = [
        (f"import, empty database ({count:,} records, best of {args.runs})", f"{rate:,.0f} rec/s", ">= 20,000/s",
         ok(rate >= 20000)),
        ("plain COPY of the same decoded rows, unindexed (floor)", f"{floor:,.0f} rec/s", "", ""),
        ("import / floor", f"{rate / floor:.2f}", "", ""),
        (f"re-import of an overlapping --full bundle ({changed_again[0]})",
         f"{changed_again[1]} rows, {again_s:.2f} s", f"{changed_again[2]} rows", ok(changed_again[1] ==
                                                                                   changed_again[2])),
        (f"import into {crossings:,} crossings ({months} months)", f"{rate2:,.0f} rec/s", "within 20%", ""),
        ("  change vs empty database", f"{100 * (rate2 - rate) / rate:+.0f}%", ">= -20%",
         ok(rate2 >= 0.8 * rate)),
        (f"daily flows, 30 days, all posts ({len(flows)} rows; first {flows_first:.0f} ms)",
         f"{flows_best:.0f} ms", "<= 1,000 ms", ok(flows_best <= 1000 and len(flows) > 0)),
        (f"one post's lag ({lag:,.0f} s; first {lag_first:.1f} ms)", f"{lag_best:.1f} ms", "<= 50 ms",
         ok(lag_best <= 50)),
        (f"document-number lookup ({len(found)} found; first {doc_first:.1f} ms)", f"{doc_best:.1f} ms",
         "<= 10 ms", ok(doc_best <= 10)),
        ("national database size on disk", f"{size / 1e9:.2f} GB", "", ""),
    ]
    for label, figure, target, verdict in rows:
        print(f"{label:<58} {figure:>22} {target:>16}  {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
