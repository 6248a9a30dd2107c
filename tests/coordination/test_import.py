"""Import into the real PostgreSQL coordination database: round trip, idempotence, order,
gaps, every bad input refused with only its import-log row, roles."""

from __future__ import annotations

import itertools
import random

import pytest
from sqlalchemy import text

from border_app.bundles import COUNT_KEYS, ENTITIES, WHITELIST
from border_app.usecases.import_bundles import import_bundles
from db.coordination.status import gaps, posts_status

from .conftest import register
from .helpers import checksums, import_count, keystore, records_for, write


def _rows(cdb, entity: str) -> list[dict]:
    table = {"health": "health"}.get(entity, entity)
    cols = ", ".join(f'"{c}"' for c in WHITELIST[entity])
    with cdb.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(f"SELECT {cols} FROM {table} ORDER BY id"))]


def _norm(value):
    import datetime as dt

    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def test_round_trip_every_entity_field_for_field(cdb, coord, actor, post, tmp_path):
    recs = records_for(range(1, 41))
    path = write(tmp_path, post[1], coord[1], recs, from_seq=0, to_seq=40, full=True)
    [result] = import_bundles(cdb, actor, [path])
    assert result.status == "imported", result
    assert result.counts == {k: len(recs[k]) for k in COUNT_KEYS}
    for entity in ENTITIES:
        stored = [{k: _norm(v) for k, v in r.items()} for r in _rows(cdb, entity)]
        sent = sorted(({k: _norm(r[k]) for k in WHITELIST[entity]} for r in recs[entity]), key=lambda r: r["id"])
        assert stored == sent, entity
    assert import_count(cdb) == 1
    line = result.as_dict()
    assert set(line) == {"bundle", "status", "reason_code", "reason", "post_id", "counts"}
    assert line["post_id"] == post[1].post_id and line["reason_code"] is None


def test_same_bundle_twice_changes_nothing(cdb, coord, actor, post, tmp_path):
    path = write(tmp_path, post[1], coord[1], records_for(range(1, 21)), from_seq=0, to_seq=20)
    assert import_bundles(cdb, actor, [path])[0].status == "imported"
    before = checksums(cdb)
    again = import_bundles(cdb, actor, [path])[0]
    assert again.status == "already_imported" and again.reason
    assert checksums(cdb) == before
    assert import_count(cdb) == 2
    # a different file for a range already received (re-exported): also nothing
    other = write(tmp_path, post[1], coord[1], records_for(range(1, 21)), from_seq=0, to_seq=20,
                  created_at="2026-03-02T10:00:00Z", folder="again")
    assert import_bundles(cdb, actor, [other])[0].status == "already_imported"
    assert checksums(cdb) == before


def test_newer_wins_older_never_overwrites(cdb, coord, actor, post, tmp_path):
    first = write(tmp_path, post[1], coord[1], records_for(range(1, 9)), from_seq=0, to_seq=8, folder="a")
    # the same travellers edited later (counters 9..16 carry version 1 of travellers 0..1)
    edited = records_for(range(1, 9), version=1)
    for entity in ENTITIES:
        for r in edited[entity]:
            if "change_seq" in r:
                r["change_seq"] += 8
    second = write(tmp_path, post[1], coord[1], edited, from_seq=8, to_seq=16, folder="b")
    assert [r.status for r in import_bundles(cdb, actor, [second, first])] == ["imported", "imported"]
    assert {r["surname"] for r in _rows(cdb, "persons")} == {"ADAMOU1"}
    assert {r["group_size"] for r in _rows(cdb, "crossings")} == {2}
    assert {r["answers"]["v"] for r in _rows(cdb, "health")} == {1}


def split(recs: dict, lo: int, hi: int) -> dict:
    """The records with ``lo < counter <= hi``; health rows follow their screening."""
    out = {e: [r for r in recs[e] if lo < r.get("change_seq", r.get("seq", 0)) <= hi] for e in ENTITIES}
    kept = {r["id"] for r in out["screenings"]}
    out["health"] = [r for r in recs["health"] if r["id"] in kept]
    return out


def _three(tmp_path, post, coord):
    recs = records_for(range(1, 31))
    recs_edit = records_for(range(1, 5), version=2)
    for entity in ENTITIES:
        for r in recs_edit[entity]:
            if "change_seq" in r:
                r["change_seq"] += 30
    tomb = {e: [] for e in ENTITIES}
    tomb["tombstones"] = [{"id": "t-1", "change_seq": 35, "entity": "crossing", "entity_id": "c-00005",
                           "deleted_at": "2026-03-02T00:00:00Z"}]
    parts = [(split(recs, 0, 15), 0, 15), (split(recs, 15, 30), 15, 30),
             ({e: recs_edit[e] + tomb[e] for e in ENTITIES}, 30, 35)]
    # health rows travel with their screening
    return [write(tmp_path, post[1], coord[1], r, from_seq=a, to_seq=b, folder=f"p{a}") for r, a, b in parts]


def test_every_order_of_three_bundles_converges(cdb, coord, actor, post, tmp_path):
    paths = _three(tmp_path, post, coord)
    states = []
    data = [t for t in checksums(cdb) if t not in ("posts", "received_ranges", "database_info", "post_keys")]
    for order in itertools.permutations(paths):
        with cdb.engine.begin() as conn:
            for t in ("received_ranges", "imports", "persons", "documents", "crossings", "crossing_versions",
                      "screenings", "health", "slips", "tombstones", "audit"):
                conn.execute(text(f"DELETE FROM {t}"))
        results = import_bundles(cdb, actor, list(order))
        assert [r.status for r in results] == ["imported"] * 3, [(r.reason_code, r.reason) for r in results]
        states.append(checksums(cdb, data))
    assert all(s == states[0] for s in states)
    assert not any(r["id"] == "c-00005" for r in _rows(cdb, "crossings"))
    assert {r["surname"] for r in _rows(cdb, "persons") if r["id"] == "p-00000"} == {"ADAMOU2"}


def test_a_gap_is_reported(cdb, coord, actor, post, tmp_path):
    recs = records_for(range(1, 31))
    a = write(tmp_path, post[1], coord[1], split(recs, 0, 10), from_seq=0, to_seq=10, folder="a")
    c = write(tmp_path, post[1], coord[1], split(recs, 20, 30), from_seq=20, to_seq=30, folder="c")
    import_bundles(cdb, actor, [a, c])
    [status] = posts_status(cdb)
    assert status["gaps"] == [[10, 20]]
    assert status["last_seq"] == 30 and status["pcode"] == "NE003" and status["name"] == "Makalondi"
    assert gaps([(5, 10)]) == [[0, 5]] and gaps([(0, 5), (5, 9)]) == []


def _refused(cdb, actor, path, code):
    before, n = checksums(cdb), import_count(cdb)
    [result] = import_bundles(cdb, actor, [path])
    assert (result.status, result.reason_code) == ("rejected", code), result
    assert result.reason
    assert checksums(cdb) == before
    assert import_count(cdb) == n + 1
    with cdb.engine.connect() as conn:
        row = conn.execute(text("SELECT status, reason_code FROM imports ORDER BY id DESC LIMIT 1")).first()
    assert tuple(row) == ("rejected", code)
    return result


def test_bad_inputs_refused_with_only_the_log_row(cdb, coord, actor, post, tmp_path):
    good = write(tmp_path, post[1], coord[1], records_for(range(1, 13)), from_seq=0, to_seq=12, folder="g")
    blob = good.read_bytes()
    bad = tmp_path / "bad"
    bad.mkdir()
    cases = {}
    (bad / "text.hhbm").write_bytes(b"hello, not a bundle\n")
    cases["text.hhbm"] = "not_a_bundle"
    (bad / "empty.hhbm").write_bytes(b"")
    cases["empty.hhbm"] = "not_a_bundle"
    rng = random.Random(20)
    for i, cut in enumerate(sorted(rng.sample(range(1, len(blob)), 4))):
        (bad / f"cut{i}.hhbm").write_bytes(blob[:cut])
        cases[f"cut{i}.hhbm"] = None
    for i, pos in enumerate(rng.sample(range(len(blob)), 4)):
        flipped = bytearray(blob)
        flipped[pos] ^= 1 << rng.randrange(8)
        (bad / f"flip{i}.hhbm").write_bytes(bytes(flipped))
        cases[f"flip{i}.hhbm"] = None
    for name, code in cases.items():
        result = _refused(cdb, actor, bad / name, code) if code else None
        if code is None:
            before, n = checksums(cdb), import_count(cdb)
            [result] = import_bundles(cdb, actor, [bad / name])
            assert result.status == "rejected" and result.reason_code, (name, result)
            assert result.post_id is None and result.counts is None
            assert checksums(cdb) == before and import_count(cdb) == n + 1
    # the good one still imports afterwards
    assert import_bundles(cdb, actor, [good])[0].status == "imported"


def test_zeros_refused_in_bounded_time(cdb, actor, tmp_path):
    import time

    path = tmp_path / "zeros.hhbm"
    with path.open("wb") as fh:
        fh.truncate(2 * 1024 ** 3)        # sparse: 2 GB of zeros
    t0 = time.monotonic()
    result = _refused(cdb, actor, path, "too_large")
    assert time.monotonic() - t0 < 5
    assert result.post_id is None


def test_unregistered_revoked_foreign_demo_and_wrong_schema(cdb, coord, actor, post, tmp_path):
    from db.coordination.posts import revoke_post

    # signed by a post that is not registered
    stranger = keystore(tmp_path, "stranger")[1]
    _refused(cdb, actor, write(tmp_path, stranger, coord[1], records_for(range(1, 5)), from_seq=0, to_seq=4,
                               folder="s"), "unknown_post")
    # sealed to another coordination's key
    other = keystore(tmp_path, "other-coordination", coordination=True)[1]
    _refused(cdb, actor, write(tmp_path, post[1], other, records_for(range(1, 5)), from_seq=0, to_seq=4,
                               folder="o"), "foreign_key")
    # a schema the coordination does not know
    _refused(cdb, actor, write(tmp_path, post[1], coord[1], records_for(range(1, 5)), from_seq=0, to_seq=4,
                               schema="9999", folder="w"), "wrong_schema")
    # a demo post's bundle into a real database
    demo = keystore(tmp_path, "demo", demo=True)[1]
    _refused(cdb, actor, write(tmp_path, demo, coord[1], records_for(range(1, 5)), from_seq=0, to_seq=4,
                               folder="d"), "unknown_post")
    # records whose ids belong to another post (replayed under a second post's signature)
    second_store, second = keystore(tmp_path, "second")
    register(cdb, second_store, "Makalondi B", "NE003")
    assert import_bundles(cdb, actor, [write(tmp_path, post[1], coord[1], records_for(range(1, 9)), from_seq=0,
                                             to_seq=8, folder="p")])[0].status == "imported"
    _refused(cdb, actor, write(tmp_path, second, coord[1], records_for(range(1, 9)), from_seq=0, to_seq=8,
                               folder="r"), "foreign_record")
    # a revoked post
    assert revoke_post(cdb, post[1].post_id)
    _refused(cdb, actor, write(tmp_path, post[1], coord[1], records_for(range(9, 13)), from_seq=8, to_seq=12,
                               folder="v"), "revoked_post")


def test_lying_counts_and_records_out_of_range(cdb, coord, actor, post, tmp_path, monkeypatch):
    # a record whose counter lies outside the manifest's range
    recs = records_for(range(1, 9))
    _refused(cdb, actor, write(tmp_path, post[1], coord[1], recs, from_seq=0, to_seq=4, folder="x"), "bad_record")
    # a manifest whose counts lie (written by a patched writer, signed by the post)
    from border_app.bundles import writer

    real = writer.build_part

    def lying(entity, records):
        data, entry = real(entity, records)
        if entity == "crossings":
            entry = dict(entry, records=entry["records"] + 1)
        return data, entry

    monkeypatch.setattr(writer, "build_part", lying)
    path = write(tmp_path, post[1], coord[1], records_for(range(1, 9)), from_seq=0, to_seq=8, folder="l")
    monkeypatch.setattr(writer, "build_part", real)
    _refused(cdb, actor, path, "count_mismatch")


def test_demo_database_takes_only_demo_bundles(server_url, coord, tmp_path):
    from border_app.errors import InvalidInput
    from db.coordination import init_db

    from .helpers import Coordinator, create_database, drop_database

    name = "hhbm_coord_t_demo_" + tmp_path.name[-8:].replace("-", "_").lower()
    url = create_database(server_url, name)
    try:
        db, _ = init_db(url, demo=True)
        assert db.demo
        demo_store, demo = keystore(tmp_path, "demo", demo=True)
        register(db, demo_store, "Démo", "NE000")
        actor = Coordinator(keys=coord[1])
        ok = write(tmp_path, demo, coord[1], records_for(range(1, 5)), from_seq=0, to_seq=4, folder="d")
        assert import_bundles(db, actor, [ok])[0].status == "imported"
        real_store, real = keystore(tmp_path, "real")
        with pytest.raises(InvalidInput):
            register(db, real_store, "Réel", "NE001")
        # a real database stays real
        with pytest.raises(InvalidInput):
            init_db(url, demo=False)
        db.dispose()
    finally:
        drop_database(server_url, name)


@pytest.mark.parametrize("entity, field, value", [
    ("crossings", "group_size", "many"),              # text where a number belongs
    ("crossings", "crossed_at", "yesterday"),         # a word PostgreSQL reads as a time
    ("crossings", "recorded_at", "2026-13-45T00:00:00Z"),   # a time that is none
    ("persons", "surname", "A\x00B"),                 # NUL in a text
    ("documents", "number", {"forged": True}),        # an object where a text belongs
    ("documents", "expiry_date", ["2030-01-01"]),     # a list where a date belongs
    ("crossings", "id", 17),                          # an id that is not a text
    ("persons", "change_seq", 2.5),                   # a counter that is not an integer
])
def test_values_postgresql_refuses_reject_the_bundle(cdb, coord, actor, post, tmp_path, entity, field, value):
    recs = records_for(range(1, 13))
    recs[entity][1][field] = value
    _refused(cdb, actor, write(tmp_path, post[1], coord[1], recs, from_seq=0, to_seq=12, folder="v"), "bad_record")
    good = write(tmp_path, post[1], coord[1], records_for(range(1, 13)), from_seq=0, to_seq=12, folder="g")
    assert import_bundles(cdb, actor, [good])[0].status == "imported"


def test_daily_flows_count_per_day_post_and_direction_without_voids(cdb, coord, actor, post, tmp_path):
    import datetime as dt

    from db.coordination.status import daily_crossings

    recs = records_for(range(1, 49))              # 12 travellers, one an hour from 1 March 08:30
    recs["crossings"][0]["voided"] = True
    path = write(tmp_path, post[1], coord[1], recs, from_seq=0, to_seq=48)
    assert import_bundles(cdb, actor, [path])[0].status == "imported"
    flows = daily_crossings(cdb, dt.date(2026, 3, 1), 2)
    p = post[1].post_id
    # travellers 0..11 (08:30 to 19:30 UTC): odd ones enter, even ones exit, the first one's crossing is void
    assert flows == [(dt.date(2026, 3, 1), p, "NE003", "entry", 6), (dt.date(2026, 3, 1), p, "NE003", "exit", 5)]
    assert daily_crossings(cdb, dt.date(2026, 3, 2), 1) == []
