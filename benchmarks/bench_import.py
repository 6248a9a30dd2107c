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


def records(first: int, count: int, prefix: str) -> dict[str, list[dict]]:
    """``count`` travellers: person, document, crossing, screening + health, slip, audit."""
    out: dict[str, list[dict]] = {e: [] for e in ENTITIES}
    for i in range(first, first + count):
        seq = 4 * i
        pid, did, cid, sid = (f"{prefix}{k}{i:08d}" for k in "pdcs")
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
        out["slips"].append({"id": f"{prefix}l{i:08d}", "change_seq": seq + 3, "serial": f"S{i}", "crossing_id": cid,
                             "screening_id": sid, "kind": "screening", "size": "80mm", "issued_at": when,
                             "duplicate": False, "original_id": None, "copy_no": 0})
        out["audit"].append({"id": f"{prefix}a{i:08d}", "seq": seq + 4, "at": when, "user_id": "u1",
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


def build_national(url: str, rows: int, posts: int = 50) -> None:
    """``rows`` crossings from ``posts`` posts over 12 months, in SQL (generate_series)."""
    eng = create_engine(url)
    with eng.begin() as conn:
        for m in range(12):
            conn.execute(text("SELECT ensure_crossing_partition(CAST(:d AS date))"),
                         {"d": dt.date(2025, 4, 1) + dt.timedelta(days=31 * m)})
        conn.execute(text(
            "INSERT INTO posts (post_id, name, pcode, signing_key_id, public_keys, newest_record_at) "
            f"SELECT 'natpost-' || g, 'Post ' || g, 'NE' || lpad(g::text, 3, '0'), 'k' || g, '{{}}', now() "
            f"FROM generate_series(1, {posts}) g"))
    per_batch = 1_000_000
    for start in range(0, rows, per_batch):
        n = min(per_batch, rows - start)
        with eng.begin() as conn:
            conn.execute(text(
                "INSERT INTO crossings (id, post_id, change_seq, person_id, document_id, direction, crossed_at, "
                "transport_mode, group_size, recorded_at, voided) "
                f"SELECT 'nc' || g, 'natpost-' || (g % {posts} + 1), g, 'np' || g, 'nd' || g, "
                "CASE WHEN g % 2 = 0 THEN 'entry' ELSE 'exit' END, "
                f"timestamptz '2025-04-01 00:00+00' + (g % 31000000) * interval '1 second', 'road', 1, "
                f"timestamptz '2025-04-01 00:00+00' + (g % 31000000) * interval '1 second', false "
                f"FROM generate_series({start + 1}, {start + n}) g"))
            conn.execute(text(
                f"INSERT INTO crossing_versions (id, post_id, change_seq, crossed_at) SELECT 'nc' || g, "
                f"'natpost-' || (g % {posts} + 1), g, timestamptz '2025-04-01 00:00+00' + (g % 31000000) * "
                f"interval '1 second' FROM generate_series({start + 1}, {start + n}) g"))
            conn.execute(text(
                "INSERT INTO documents (id, post_id, change_seq, person_id, doc_type, number) "
                f"SELECT 'nd' || g, 'natpost-' || (g % {posts} + 1), g, 'np' || g, 'passport', 'N' || g "
                f"FROM generate_series({start + 1}, {start + n}) g"))
        print(f"  built {start + n:,} crossings", flush=True)
    with eng.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        conn.execute(text("CREATE TABLE IF NOT EXISTS bench_built (rows bigint)"))
        conn.execute(text("INSERT INTO bench_built VALUES (:r)"), {"r": rows})
    eng.dispose()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=os.environ.get("BORDER_APP_TEST_PG_URL"))
    ap.add_argument("--travellers", type=int, default=20000)
    ap.add_argument("--national-rows", type=int, default=10_000_000)
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
          f"({first.stat().st_size / 1e6:.1f} MB)")

    url, _ = fresh_database(args.db, "hhbm_bench_import")
    db, _done = init_db(url)
    add_post(db, post_store.public_keys(), name="Bench", pcode="NE100")
    elapsed, count, changed = import_rate(db, first, coord)
    rate = count / elapsed
    floor_s, floor_n = copy_floor(db, first, coord, post)
    print(f"import (decrypt + verify + COPY + merge): {count:,} records in {elapsed:.2f} s = {rate:,.0f} records/s "
          f"(target >= 20,000/s)")
    print(f"plain COPY of the same decoded rows, unindexed: {floor_n / floor_s:,.0f} records/s; "
          f"import / floor = {rate / (floor_n / floor_s):.2f}")
    more = records(n, 1, "x")
    full = bundle(tmp, post, coord, {e: recs[e] + more[e] for e in ENTITIES}, 0, 4 * n + 8, full=True, name="full")
    t0 = time.perf_counter()
    r = import_one(db, full, private_keys=coord.coordination_private_keys())
    print(f"re-import of an overlapping --full bundle ({r.status}): {r.rows_changed} rows changed "
          f"(the one new traveller's {sum(len(v) for v in more.values())} records; the {count:,} already there: 0) "
          f"in {time.perf_counter() - t0:.2f} s")
    db.dispose()

    nat_url, cached = fresh_database(args.db, "hhbm_bench_national", keep=True)
    if cached:
        eng = create_engine(nat_url)
        with eng.connect() as conn:
            have = conn.execute(text("SELECT max(rows) FROM bench_built")).scalar() if conn.execute(
                text("SELECT to_regclass('bench_built')")).scalar() else None
        eng.dispose()
        cached = have == args.national_rows
        if not cached:
            nat_url, _ = fresh_database(args.db, "hhbm_bench_national")
    if not cached:
        init_db(nat_url)[0].dispose()
        t0 = time.perf_counter()
        build_national(nat_url, args.national_rows)
        print(f"national database built: {args.national_rows:,} crossings from 50 posts in "
              f"{time.perf_counter() - t0:.0f} s (cached in hhbm_bench_national)")
    nat = open_coordination(nat_url)
    fresh_store, fresh = Keystore.create(tmp / "p2.json", post_id=str(uuid.uuid4()), kdf=FAST, first_slot=("a", "p"))
    add_post(nat, fresh_store.public_keys(), name="Bench 2", pcode="NE101")
    nb = bundle(tmp, fresh, coord, records(0, n, "y"), 0, 4 * n + 4, name="nat")
    elapsed2, count2, _c = import_rate(nat, nb, coord)
    rate2 = count2 / elapsed2
    print(f"import into {args.national_rows:,} crossings: {rate2:,.0f} records/s "
          f"({100 * (rate2 - rate) / rate:+.0f}% vs empty; target within 20%)")
    t0 = time.perf_counter()
    flows = daily_crossings(nat, dt.date(2025, 6, 1), 30)
    print(f"daily flows for a month across all posts: {len(flows)} rows in {1000 * (time.perf_counter() - t0):.0f} ms "
          "(target <= 1 s)")
    t0 = time.perf_counter()
    post_lag(nat, "natpost-7")
    print(f"one post's lag: {1000 * (time.perf_counter() - t0):.1f} ms (target <= 50 ms)")
    t0 = time.perf_counter()
    found = find_document(nat, "N123457")
    print(f"document-number lookup: {len(found)} found in {1000 * (time.perf_counter() - t0):.1f} ms "
          "(target <= 10 ms)")
    with nat.engine.connect() as conn:
        size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar()
    print(f"database size on disk: {size / 1e9:.2f} GB")
    nat.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
