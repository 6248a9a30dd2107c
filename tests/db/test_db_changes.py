"""The per-post change counter and the audit trail, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from border_app.roles import Role
from db_helpers import draft

TRACKED = ("users", "persons", "identity_documents", "crossings")


def _seqs(database, table: str, row_id: str) -> int:
    with database.engine.connect() as conn:
        return conn.execute(sa.text(f"SELECT change_seq FROM {table} WHERE id = :i"), {"i": row_id}).scalar_one()


def _all_seqs(database) -> list[int]:
    with database.engine.connect() as conn:
        values = []
        for table in TRACKED:
            values += [r[0] for r in conn.execute(sa.text(f"SELECT change_seq FROM {table}"))]
        values += [r[0] for r in conn.execute(sa.text("SELECT seq FROM audit_log"))]
        return values


def _counter_story(world):
    """Insert, update and void; the crossing's change_seq must grow at each step."""
    from db.services import RegistrationService

    official = RegistrationService(world.db, world.actor(Role.BORDER_OFFICIAL))
    supervisor = RegistrationService(world.db, world.actor(Role.SUPERVISOR))
    reg = official.register(draft())
    s1 = _seqs(world.db, "crossings", reg.crossing_id)
    p1 = _seqs(world.db, "persons", reg.person.id)
    changed = draft()
    changed.crossing.group_size = 4
    official.update(reg.crossing_id, changed)
    s2 = _seqs(world.db, "crossings", reg.crossing_id)
    assert _seqs(world.db, "persons", reg.person.id) == p1  # unchanged row keeps its value
    supervisor.void(reg.crossing_id, "doublon")
    s3 = _seqs(world.db, "crossings", reg.crossing_id)
    assert s1 < s2 < s3
    values = _all_seqs(world.db)
    assert len(values) == len(set(values)), "every change has its own value"
    with world.db.engine.connect() as conn:
        counter = conn.execute(sa.text("SELECT value FROM post_counters WHERE post_id = :p"),
                               {"p": world.admin.post_id}).scalar_one()
    assert counter == max(values)
    return reg


def test_change_counter_increases_on_sqlite(world):
    _counter_story(world)


@pytest.mark.postgres
def test_change_counter_increases_on_postgres(pg_world):
    _counter_story(pg_world)


def test_change_counter_ignores_the_clock(world, clock_at):
    """A laptop clock set back (flat CMOS battery) must not make changes go back."""
    from db.services import RegistrationService

    official = RegistrationService(world.db, world.actor(Role.BORDER_OFFICIAL))
    first = official.register(draft())
    past = datetime(2001, 1, 1, tzinfo=timezone.utc)
    clock_at(past)
    second = official.register(draft(number="CLOCK1", when=past - timedelta(days=1)))
    assert _seqs(world.db, "crossings", second.crossing_id) > _seqs(world.db, "crossings", first.crossing_id)
    with world.db.engine.connect() as conn:
        at, seq = conn.execute(sa.text("SELECT at, seq FROM audit_log ORDER BY seq DESC LIMIT 1")).one()
    assert str(at).startswith("2001") and seq == max(_all_seqs(world.db))


def test_concurrent_writers_never_share_a_value(world):
    """Two threads registering at once (SQLite's single writer) get distinct values."""
    import threading

    from db.services import RegistrationService

    official = RegistrationService(world.db, world.actor(Role.BORDER_OFFICIAL))
    errors = []

    def work(k):
        try:
            for i in range(8):
                official.register(draft(number=f"T{k}N{i}"))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    values = _all_seqs(world.db)
    assert len(values) == len(set(values))


def _audit_has_no_personal_data(world):
    from db.services import AuditService, RegistrationService

    official = RegistrationService(world.db, world.actor(Role.BORDER_OFFICIAL))
    reg = official.register(draft(surname="Zarabougou", given="Fatimata", number="QX9876543", state="MLI"))
    official.get(reg.crossing_id)
    official.update(reg.crossing_id, draft(surname="Zarabougou", given="Fatimata Kadi", number="QX9876543",
                                           state="MLI"))
    RegistrationService(world.db, world.actor(Role.SUPERVISOR)).void(reg.crossing_id, "Raison Zarabougou")
    with world.db.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT * FROM audit_log")).all()
    dump = repr(rows).upper()
    for secret in ("ZARABOUGOU", "FATIMATA", "QX9876543", "RAISON", "KADI"):
        assert secret not in dump
    entries = AuditService(world.db, world.actor(Role.SUPERVISOR)).list()
    actions = [e.action for e in entries if e.entity_id == reg.crossing_id]
    assert actions == ["void", "update", "view", "register"]  # newest first
    assert all(e.post_id == world.admin.post_id for e in entries)
    seqs = [e.seq for e in entries]
    assert seqs == sorted(seqs, reverse=True)


def test_audit_entries_carry_ids_only_sqlite(world):
    _audit_has_no_personal_data(world)


@pytest.mark.postgres
def test_audit_entries_carry_ids_only_postgres(pg_world):
    _audit_has_no_personal_data(pg_world)


@pytest.mark.postgres
def test_services_on_postgres(pg_world):
    """register / get / search / find_document / list_day / void on PostgreSQL."""
    from datetime import date

    from db.services import RegistrationService

    official = RegistrationService(pg_world.db, pg_world.actor(Role.BORDER_OFFICIAL))
    when = datetime(2026, 4, 2, 10, 0, tzinfo=timezone.utc)
    reg = official.register(draft(when=when))
    again = official.register(draft(when=when + timedelta(hours=2)))
    assert again.person.id == reg.person.id
    assert official.get(reg.crossing_id).crossing.crossed_at == when
    assert {r.crossing_id for r in official.search("MARIAMA aicha")} == {reg.crossing_id, again.crossing_id}
    assert [r.crossing_id for r in official.search("ab123")][0] == again.crossing_id
    assert [e.crossing_id for e in official.find_document("AB1234567")] == [again.crossing_id, reg.crossing_id]
    assert len(official.list_day(date(2026, 4, 2))) == 2
    voided = RegistrationService(pg_world.db, pg_world.actor(Role.SUPERVISOR)).void(reg.crossing_id, "doublon")
    assert voided.voided and official.get(reg.crossing_id).voided
