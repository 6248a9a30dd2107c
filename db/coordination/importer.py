"""Applying one verified bundle to the coordination database, in ONE transaction.

The records are streamed with ``COPY`` into temporary staging tables (dropped at commit),
then merged with set-based statements where ``change_seq`` decides: a newer row wins, an
older or equal one never overwrites (``INSERT ... ON CONFLICT DO UPDATE ... WHERE
change_seq < excluded.change_seq``). Crossings are partitioned by month, so their one row
per id lives in ``crossing_versions`` (decides newer/older, finds a row whose month moved).
Tombstones delete older rows and keep older copies from coming back (out-of-order imports
converge). A record whose id already belongs to another post refuses the whole bundle
(``foreign_record``).

Nothing here decrypts or verifies: :mod:`border_app.usecases.import_bundles` opens the
bundle (``border_app.bundles.open_bundle``) and hands over its records.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Callable, Iterable

import psycopg
from sqlalchemy import text

from border_app.bundles import BundleError, WHITELIST

#: entities merged by ``INSERT ... ON CONFLICT (id)`` (crossings, health, audit, tombstones apart)
SIMPLE = ("persons", "documents", "screenings", "slips")
#: the order records are staged in (tombstones first: they decide what may come back)
STAGE_ORDER = ("tombstones", "persons", "documents", "crossings", "screenings", "health", "slips", "audit")
#: the whitelisted fields stored as ``jsonb`` (any JSON value); every other field takes a plain value
JSON_FIELDS = {"screenings": ("protocol_versions",), "health": ("answers", "fired", "actions", "certificate")}
#: the whitelisted dates and times: PostgreSQL also reads words there ('now', 'yesterday', 'epoch',
#: 'infinity'...), which no post writes: a date or time must begin with a digit
TIME_FIELDS = {"persons": ("created_at",), "documents": ("expiry_date",), "crossings": ("crossed_at", "recorded_at"),
               "screenings": ("screened_at",), "slips": ("issued_at",), "tombstones": ("deleted_at",),
               "audit": ("at",)}
_PLAIN = frozenset((str, int, float, bool, type(None)))
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
#: what PostgreSQL (or psycopg, adapting a value) says of a value that does not fit its column
_REFUSED_VALUE = (psycopg.DataError, psycopg.ProgrammingError, psycopg.IntegrityError, psycopg.InternalError)


def _cols(entity: str) -> str:
    return ", ".join(f'"{c}"' for c in WHITELIST[entity])


def stage(conn, entity: str, records: Iterable[dict], *, from_seq: int, to_seq: int) -> int:
    """COPY the records of ``entity`` into its staging table ``stage_<entity>`` (a temporary
    table without indexes, dropped at commit); returns how many. Per record only what
    PostgreSQL cannot check: the id is a text, the values are plain (objects and lists
    only in ``jsonb`` fields), dates and times begin with a digit, ``change_seq`` is an
    integer inside the manifest's range (the range is what gaps and replays are computed
    from). A value its column refuses (a text where a number belongs, a NUL in a text...)
    is refused by COPY itself. Any of these refuses the bundle (``bad_record``)."""
    table = "crossings" if entity == "crossings" else entity
    cols = _cols(entity)
    conn.exec_driver_sql(f"CREATE TEMP TABLE stage_{entity} ON COMMIT DROP AS SELECT {cols} FROM {table} WITH NO DATA")
    fields = WHITELIST[entity]
    seq_index = fields.index("change_seq") if "change_seq" in fields else None
    json_index = [fields.index(f) for f in JSON_FIELDS.get(entity, ())]
    time_index = [fields.index(f) for f in TIME_FIELDS.get(entity, ())]
    plain, dumps = _PLAIN, _dumps
    raw = conn.connection.driver_connection
    n = 0
    try:
        with raw.cursor() as cur, cur.copy(f"COPY stage_{entity} ({cols}) FROM STDIN") as copy:
            write = copy.write_row
            for rec in records:
                row = list(rec.values())        # decode_record: exactly the whitelisted fields, in order
                for i in json_index:
                    if row[i] is not None:
                        row[i] = dumps(row[i])
                if type(row[0]) is not str or not plain.issuperset(map(type, row)):
                    raise BundleError("bad_record", detail=f"{entity}: a value of the wrong kind")
                for i in time_index:
                    v = row[i]
                    if v is not None and (type(v) is not str or not "0" <= v[:1] <= "9"):
                        raise BundleError("bad_record", detail=f"{entity}: a date or time that is none")
                if seq_index is not None:
                    seq = row[seq_index]
                    if type(seq) is not int or not from_seq < seq <= to_seq:
                        raise BundleError("bad_record", detail=f"{entity}: change_seq out of the manifest's range")
                write(row)
                n += 1
    except _REFUSED_VALUE as exc:
        raise BundleError("bad_record", detail=f"{entity}: {type(exc).__name__}") from exc
    return n


def foreign_records(conn, post_id: str) -> bool:
    """True when a staged record's id already belongs to another post."""
    checks = [f"SELECT 1 FROM stage_{e} s JOIN {e} t ON t.id = s.id WHERE t.post_id <> :p"
              for e in SIMPLE + ("health", "audit", "tombstones")]
    checks.append("SELECT 1 FROM stage_crossings s JOIN crossing_versions t ON t.id = s.id WHERE t.post_id <> :p")
    checks.append("SELECT 1 FROM stage_tombstones s JOIN crossing_versions t ON t.id = s.entity_id "
                  "WHERE t.post_id <> :p")
    sql = "SELECT EXISTS (" + " UNION ALL ".join(checks) + ")"
    return bool(conn.execute(text(sql), {"p": post_id}).scalar())


_NOT_DELETED = ("NOT EXISTS (SELECT 1 FROM tombstones d WHERE d.entity_id = s.id AND d.post_id = :p "
                "AND d.change_seq >= s.change_seq)")


def merge(conn, post_id: str) -> dict[str, int]:
    """Merge the staged rows into the tables; rows changed per entity."""
    changed: dict[str, int] = {}
    p = {"p": post_id}

    def run(sql: str) -> int:
        return conn.execute(text(sql), p).rowcount or 0

    changed["tombstones"] = run(
        "INSERT INTO tombstones (post_id, id, change_seq, entity, entity_id, deleted_at) "
        "SELECT DISTINCT ON (s.id) :p, s.id, s.change_seq, s.entity, s.entity_id, s.deleted_at FROM stage_tombstones s "
        "ORDER BY s.id, s.change_seq DESC ON CONFLICT (id) DO NOTHING")
    for entity in SIMPLE:
        fields = WHITELIST[entity]
        cols = _cols(entity)
        sel = ", ".join(f's."{c}"' for c in fields)
        upd = ", ".join(f'"{c}" = excluded."{c}"' for c in fields if c != "id")
        changed[entity] = run(
            f"INSERT INTO {entity} (post_id, {cols}) SELECT DISTINCT ON (s.id) :p, {sel} FROM stage_{entity} s "
            f"WHERE {_NOT_DELETED} ORDER BY s.id, s.change_seq DESC "
            f"ON CONFLICT (id) DO UPDATE SET {upd} "
            f"WHERE {entity}.change_seq < excluded.change_seq AND {entity}.post_id = excluded.post_id")
    changed["crossings"] = _merge_crossings(conn, post_id)
    fields = WHITELIST["health"]
    cols = _cols("health")
    sel = ", ".join(f'h."{c}"' for c in fields)
    upd = ", ".join(f'"{c}" = excluded."{c}"' for c in fields if c != "id")
    # health rows follow their screening: its change_seq (from this bundle, else the one stored)
    changed["health"] = run(
        f"INSERT INTO health (post_id, change_seq, {cols}) "
        f"SELECT DISTINCT ON (h.id) :p, coalesce(ss.change_seq, sc.change_seq, 0), {sel} FROM stage_health h "
        f"LEFT JOIN stage_screenings ss ON ss.id = h.id LEFT JOIN screenings sc ON sc.id = h.id "
        f"ORDER BY h.id, ss.change_seq DESC NULLS LAST "
        f"ON CONFLICT (id) DO UPDATE SET change_seq = excluded.change_seq, {upd} "
        f"WHERE health.change_seq < excluded.change_seq AND health.post_id = excluded.post_id")
    changed["audit"] = run(
        f"INSERT INTO audit (post_id, {_cols('audit')}) SELECT DISTINCT ON (s.id) :p, "
        + ", ".join(f's."{c}"' for c in WHITELIST["audit"])
        + " FROM stage_audit s ORDER BY s.id ON CONFLICT (id) DO NOTHING")
    # tombstones of this bundle delete the older rows already stored
    deleted = 0
    for entity in SIMPLE + ("health",):
        deleted += run(f"DELETE FROM {entity} t USING stage_tombstones d WHERE t.id = d.entity_id "
                       f"AND t.post_id = :p AND t.change_seq < d.change_seq")
    deleted += run("DELETE FROM crossings t USING stage_tombstones d, crossing_versions v "
                   "WHERE v.id = d.entity_id AND v.post_id = :p AND v.change_seq < d.change_seq "
                   "AND t.id = v.id AND t.crossed_at = v.crossed_at")
    run("DELETE FROM crossing_versions v USING stage_tombstones d WHERE v.id = d.entity_id AND v.post_id = :p "
        "AND v.change_seq < d.change_seq")
    changed["deleted"] = deleted
    return changed


def _merge_crossings(conn, post_id: str) -> int:
    fields = WHITELIST["crossings"]
    cols = _cols("crossings")
    p = {"p": post_id}
    conn.exec_driver_sql(
        "CREATE TEMP TABLE cross_new ON COMMIT DROP AS "
        "SELECT DISTINCT ON (s.id) s.* FROM stage_crossings s ORDER BY s.id, s.change_seq DESC")
    conn.execute(text(
        "CREATE TEMP TABLE cross_win ON COMMIT DROP AS "
        "SELECT s.id, v.crossed_at AS old_at, (v.id IS NOT NULL) AS existed FROM cross_new s "
        "LEFT JOIN crossing_versions v ON v.id = s.id "
        f"WHERE (v.id IS NULL OR (v.change_seq < s.change_seq AND v.post_id = :p)) AND {_NOT_DELETED}"), p)
    conn.exec_driver_sql("ANALYZE cross_win")
    conn.exec_driver_sql("DELETE FROM crossings t USING cross_win w WHERE w.existed AND t.id = w.id "
                         "AND t.crossed_at = w.old_at")
    conn.exec_driver_sql(
        "SELECT ensure_crossing_partition(m) FROM (SELECT DISTINCT "
        "date_trunc('month', s.crossed_at AT TIME ZONE 'UTC')::date AS m FROM cross_new s "
        "JOIN cross_win w ON w.id = s.id) q")
    sel = ", ".join(f's."{c}"' for c in fields)
    n = conn.execute(text(f"INSERT INTO crossings (post_id, {cols}) SELECT :p, {sel} FROM cross_new s "
                          "JOIN cross_win w ON w.id = s.id"), p).rowcount or 0
    conn.execute(text("INSERT INTO crossing_versions (id, post_id, change_seq, crossed_at) "
                      "SELECT s.id, :p, s.change_seq, s.crossed_at FROM cross_new s JOIN cross_win w ON w.id = s.id "
                      "ON CONFLICT (id) DO UPDATE SET change_seq = excluded.change_seq, "
                      "crossed_at = excluded.crossed_at"), p)
    return n


def newest_record_at(conn) -> datetime | None:
    """The newest ``recorded_at`` among the staged crossings (for the post's lag)."""
    return conn.exec_driver_sql("SELECT max(recorded_at) FROM stage_crossings").scalar()


def apply_bundle(conn, *, post_id: str, from_seq: int, to_seq: int,
                 records: Callable[[str], Iterable[dict]]) -> dict[str, int]:
    """Stage every entity's records and merge them (the caller holds the transaction and
    the post's row lock). Raises :class:`BundleError` ``foreign_record`` / ``bad_record``;
    returns the rows changed per entity."""
    for entity in STAGE_ORDER:
        stage(conn, entity, records(entity), from_seq=from_seq, to_seq=to_seq)
    conn.exec_driver_sql("ANALYZE stage_crossings")
    changed = merge(conn, post_id)
    # checked after the merges (which never touch another post's row), in the same transaction:
    # the ids' index pages are then already in memory, the refusal rolls the merges back
    if foreign_records(conn, post_id):
        raise BundleError("foreign_record")
    return changed


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
