"""The slip register: serials, retries, reprints, roles; SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import sqlalchemy as sa

from border_app.errors import ConflictError, InvalidInput, NotFound, PermissionDenied
from border_app.roles import Permission, Role, allowed
from db_helpers import ROLES, draft, table_snapshot
from test_db_screenings import submission

P = Permission
SERIAL = re.compile(r"^NE006013-(\d{4})-(\d{6})$")


def _register(world, **kw):
    from db.services import RegistrationService

    return RegistrationService(world.db, world.actor(Role.SUPERVISOR)).register(draft(**kw)).crossing_id


def _screen(world, crossing_id, **kw):
    from db.screening_services import ScreeningService

    return ScreeningService(world.db, world.actor(Role.HEALTH_SCREENER)).record(crossing_id, submission(**kw))


def _slips(world, role):
    from db.slip_services import SlipService

    return SlipService(world.db, world.actor(role))


def test_serials_are_unique_and_increasing(world):
    svc = _slips(world, Role.BORDER_OFFICIAL)
    serials = [svc.issue(_register(world, number=f"P{i:04d}"), kind="registration", size="80mm").serial
               for i in range(5)]
    assert len(set(serials)) == 5 and serials == sorted(serials)
    numbers = [int(SERIAL.match(s).group(2)) for s in serials]
    assert numbers == list(range(numbers[0], numbers[0] + 5)) and numbers[0] == 1
    year = int(SERIAL.match(serials[0]).group(1))
    assert abs(year - datetime.now().year) <= 1


def test_retry_returns_the_same_issue(world):
    cid = _register(world)
    svc = _slips(world, Role.BORDER_OFFICIAL)
    first = svc.issue(cid, kind="registration", size="80mm")
    again = svc.issue(cid, kind="registration", size="a4")
    assert again == first and not first.duplicate and first.original_id is None
    assert len(svc.history(cid)) == 1
    with world.db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM audit_log WHERE action = 'issue_slip'")).scalar_one() == 2


def test_reprint_is_a_duplicate_with_the_same_serial(world):
    cid = _register(world)
    original = _slips(world, Role.BORDER_OFFICIAL).issue(cid, kind="registration", size="80mm")
    with pytest.raises(PermissionDenied):
        _slips(world, Role.BORDER_OFFICIAL).reprint(cid, kind="registration", size="80mm")
    sup = _slips(world, Role.SUPERVISOR)
    dup = sup.reprint(cid, kind="registration", size="a6")
    dup2 = sup.reprint(cid, kind="registration", size="a6")
    assert dup.serial == dup2.serial == original.serial
    assert dup.duplicate and dup.original_id == original.id and dup.size == "a6"
    assert dup.id != dup2.id != original.id
    assert [h.id for h in sup.history(cid)] == [original.id, dup.id, dup2.id]
    with world.db.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT entity_id FROM audit_log WHERE action = 'reprint_slip'")).scalars().all()
    assert set(rows) == {dup.id, dup2.id}


def test_reprint_needs_an_original(world):
    cid = _register(world)
    before = table_snapshot(world.db)
    with pytest.raises(NotFound):
        _slips(world, Role.SUPERVISOR).reprint(cid, kind="registration", size="80mm")
    assert table_snapshot(world.db) == before


def test_screening_slip_needs_a_screening_and_follows_the_latest(world):
    cid = _register(world)
    svc = _slips(world, Role.HEALTH_SCREENER)
    before = table_snapshot(world.db)
    with pytest.raises(NotFound) as info:
        svc.issue(cid, kind="screening", size="80mm")
    assert "screen" in info.value.message.lower() or "dépist" in info.value.message.lower()
    assert table_snapshot(world.db) == before
    first = _screen(world, cid)
    slip = svc.issue(cid, kind="screening", size="80mm")
    assert slip.screening_id == first.id and slip.kind == "screening"
    assert svc.issue(cid, kind="screening", size="80mm") == slip
    second = _screen(world, cid, temperature=36.6, symptoms=())
    newer = svc.issue(cid, kind="screening", size="80mm")
    assert newer.screening_id == second.id and newer.serial != slip.serial
    # the registration slip is separate
    assert svc.issue(cid, kind="registration", size="80mm").serial not in (slip.serial, newer.serial)


def test_bad_kind_size_crossing(world):
    cid = _register(world)
    svc = _slips(world, Role.BORDER_OFFICIAL)
    with pytest.raises(InvalidInput):
        svc.issue(cid, kind="passport", size="80mm")
    with pytest.raises(InvalidInput):
        svc.issue(cid, kind="registration", size="a0")
    with pytest.raises(NotFound):
        svc.issue("nope", kind="registration", size="80mm")
    from db.services import RegistrationService

    RegistrationService(world.db, world.actor(Role.SUPERVISOR)).void(cid, "erreur")
    with pytest.raises(ConflictError):
        svc.issue(cid, kind="registration", size="80mm")


def test_slips_get_growing_change_seq(world):
    svc = _slips(world, Role.SUPERVISOR)
    a = svc.issue(_register(world), kind="registration", size="80mm")
    b = svc.reprint(a.crossing_id, kind="registration", size="80mm")
    with world.db.engine.connect() as conn:
        seqs = dict(conn.execute(sa.text("SELECT id, change_seq FROM slips")).all())
    assert 0 < seqs[a.id] < seqs[b.id]


def _prepared(world):
    cid = _register(world)
    _screen(world, cid)
    _slips(world, Role.SUPERVISOR).issue(cid, kind="screening", size="80mm")
    return cid


CASES = {
    "issue": (P.PRINT_SLIP, lambda w, a, c: _svc(w, a).issue(c, kind="registration", size="80mm")),
    "reprint": (P.REPRINT_SLIP, lambda w, a, c: _svc(w, a).reprint(c, kind="screening", size="80mm")),
    "history": (P.VIEW_IDENTITY, lambda w, a, c: _svc(w, a).history(c)),
}


def _svc(world, actor):
    from db.slip_services import SlipService

    return SlipService(world.db, actor)


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
@pytest.mark.parametrize("name", sorted(CASES))
def test_every_slip_method_as_every_role(world, role, name):
    permission, call = CASES[name]
    cid = _prepared(world)
    actor = world.actor(role)
    before = table_snapshot(world.db)
    if allowed(role, permission):
        result = call(world, actor, cid)
        if name == "history":
            assert len(result) == 1 and result[0].kind == "screening"
        elif name == "reprint":
            assert result.duplicate
    else:
        with pytest.raises(PermissionDenied):
            call(world, actor, cid)
        assert table_snapshot(world.db) == before


@pytest.mark.postgres
def test_slips_on_postgres(pg_world):
    from db.slip_services import SlipService

    world = pg_world
    cid = _register(world)
    other = _register(world, number="ZZ1")
    svc = SlipService(world.db, world.actor(Role.SUPERVISOR))
    a = svc.issue(cid, kind="registration", size="80mm")
    assert svc.issue(cid, kind="registration", size="80mm") == a
    b = svc.issue(other, kind="registration", size="a4")
    assert SERIAL.match(a.serial) and b.serial > a.serial
    dup = svc.reprint(cid, kind="registration", size="80mm")
    assert dup.duplicate and dup.serial == a.serial and dup.original_id == a.id
    assert [h.id for h in svc.history(cid)] == [a.id, dup.id]
