"""What the coordinator asks of the coordination database: each post's state (last
counter received, counts, last import, clock skew, gaps), the import log, the daily
crossings by post and direction."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import text

from border_app.bundles import COUNT_KEYS

from . import CoordinationDB

#: count key -> table counted (crossings through their one-row-per-id table)
_COUNTED = {"persons": "persons", "documents": "documents", "crossings": "crossing_versions",
            "screenings": "screenings", "slips": "slips", "tombstones": "tombstones", "audit": "audit"}


def merge_ranges(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of counter ranges ``(from exclusive, to inclusive]``."""
    merged: list[list[int]] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [(a, b) for a, b in merged]


def gaps(ranges: list[tuple[int, int]]) -> list[list[int]]:
    """The counter ranges missing below the newest received, in the manifests' convention
    ``[from, to]``: changes ``from < change_seq <= to`` were never received (an export
    ``from..to`` would fill it). Counted from 0, computed from the manifests' ranges only."""
    out: list[list[int]] = []
    last = 0
    for lo, hi in merge_ranges(ranges):
        if lo > last:
            out.append([last, lo])
        last = max(last, hi)
    return out


def covered(ranges: list[tuple[int, int]], lo: int, hi: int) -> bool:
    """True when ``(lo, hi]`` lies inside the union of ``ranges`` (and is not empty)."""
    if hi <= lo:
        return False
    return any(a <= lo and hi <= b for a, b in merge_ranges(ranges))


def received_ranges(conn, post_id: str) -> list[tuple[int, int]]:
    rows = conn.execute(text("SELECT from_seq, to_seq FROM received_ranges WHERE post_id = :p"), {"p": post_id})
    return [(int(a), int(b)) for a, b in rows]


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def posts_status(db: CoordinationDB) -> list[dict]:
    """One dict per registered post: the interface of ``coordination status --json`` plus
    ``revoked``, ``last_bundle``, ``newest_record_at`` and ``lag_s`` (newest record
    received vs. now)."""
    with db.engine.connect() as conn:
        posts = conn.execute(text(
            "SELECT post_id, name, pcode, last_seq, last_import_at, clock_skew_s, revoked_at, last_bundle, "
            "newest_record_at, now() AS now FROM posts ORDER BY pcode, name, post_id")).all()
        counts: dict[str, dict[str, int]] = {}
        for key, table in _COUNTED.items():
            for post_id, n in conn.execute(text(f"SELECT post_id, count(*) FROM {table} GROUP BY post_id")):
                counts.setdefault(post_id, {})[key] = int(n)
        ranges: dict[str, list[tuple[int, int]]] = {}
        for post_id, a, b in conn.execute(text("SELECT post_id, from_seq, to_seq FROM received_ranges")):
            ranges.setdefault(post_id, []).append((int(a), int(b)))
    out = []
    for p in posts:
        c = counts.get(p.post_id, {})
        out.append({
            "post_id": p.post_id, "name": p.name, "pcode": p.pcode, "last_seq": int(p.last_seq),
            "counts": {k: c.get(k, 0) for k in COUNT_KEYS},
            "last_import_at": _iso(p.last_import_at),
            "clock_skew_s": None if p.clock_skew_s is None else round(float(p.clock_skew_s), 1),
            "gaps": gaps(ranges.get(p.post_id, [])),
            "revoked": p.revoked_at is not None, "last_bundle": p.last_bundle,
            "newest_record_at": _iso(p.newest_record_at),
            "lag_s": None if p.newest_record_at is None else round((p.now - p.newest_record_at).total_seconds()),
        })
    return out


def post_lag(db: CoordinationDB, post_id: str) -> float | None:
    """Seconds between the newest record received from one post and now."""
    with db.engine.connect() as conn:
        value = conn.execute(text("SELECT extract(epoch FROM now() - newest_record_at) FROM posts "
                                  "WHERE post_id = :p"), {"p": post_id}).scalar()
    return None if value is None else float(value)


def recent_imports(db: CoordinationDB, limit: int = 200) -> list[dict]:
    with db.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT i.at, i.bundle, i.status, i.reason_code, i.post_id, p.name, p.pcode, i.from_seq, i.to_seq, "
            "i.rows_changed FROM imports i LEFT JOIN posts p ON p.post_id = i.post_id ORDER BY i.id DESC LIMIT :n"),
            {"n": limit}).all()
    return [dict(r._mapping) for r in rows]


#: the daily-flows query's settings (this transaction only)
_FLOWS_SETTINGS = ("jit = off", "work_mem = '64MB'", "parallel_setup_cost = 10", "parallel_tuple_cost = 0.001")


def daily_crossings(db: CoordinationDB, start: date, days: int) -> list[tuple[date, str, str, str, int]]:
    """``(day, post_id, pcode, direction, crossings)`` for ``days`` days from ``start``
    (UTC days; voided crossings left out), all posts, aggregated in the database."""
    t0 = datetime(start.year, start.month, start.day, tzinfo=timezone.utc)
    t1 = t0 + timedelta(days=days)
    with db.engine.begin() as conn:
        # a month across all posts is ~1,000,000 rows at national scale: counted per (day, post,
        # direction) in one hash table (not sorted on disk), by parallel workers, the posts joined
        # to the ~1,500 groups only; JIT compiles for longer than this query runs
        for setting in _FLOWS_SETTINGS:
            conn.exec_driver_sql(f"SET LOCAL {setting}")
        rows = conn.execute(text(
            "SELECT a.day, a.post_id, coalesce(p.pcode, ''), a.direction, a.n FROM ("
            "SELECT (c.crossed_at AT TIME ZONE 'UTC')::date AS day, c.post_id, c.direction, count(*) AS n "
            "FROM crossings c WHERE c.crossed_at >= :t0 AND c.crossed_at < :t1 AND c.voided IS NOT TRUE "
            "GROUP BY 1, 2, 3) a LEFT JOIN posts p ON p.post_id = a.post_id ORDER BY 1, 2, 4"),
            {"t0": t0, "t1": t1}).all()
    return [(r[0], r[1], r[2], r[3], int(r[4])) for r in rows]


def find_document(db: CoordinationDB, number: str) -> list[dict]:
    """The documents with this number (every post), with their holder's id."""
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, post_id, person_id, doc_type, issuing_state FROM documents "
                                 "WHERE number = :n"), {"n": number}).all()
    return [dict(r._mapping) for r in rows]
