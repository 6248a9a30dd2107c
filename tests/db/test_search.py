"""Searching earlier travellers (issue #18, defect 18): every day, by name or document number,
through indexes only (the name tokens, the document number), with the meaning the old
``search_key LIKE '% word%'`` test had: accents and case ignored, any order, word beginnings."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from border_app import model as dm
from border_app.roles import Role
from db_helpers import draft

NAMES = [
    ("Issoufou", "Aïcha Mariama"), ("Ousmane", "Ibrahim"), ("Bâ", "Hadiza"), ("Mahamadou", "Moussa"),
    ("Moussa", "Abdou"), ("N'Diaye", "Fatoumata"), ("Diallo-Barry", "Mamadou Saliou"), ("Zakari", "Ali"),
    ("Élisabeth", "Hélène"), ("Moustapha", "Zeinabou"), ("Issa", "Moussa Ibrahim"), ("Abdoulaye", ""),
    ("Ag Ahmed", "Mohamed"), ("Ould Sidi", "Aminetou"), ("Kanté", "Seydou"), ("Maïga", "Ismaël"),
    ("Ibrahim", "Ousmane"), ("Sanou", "Élise"), ("Traoré", "Bintou Awa"), ("Ali", "Zakari"),
]

QUERIES = [
    "moussa", "mous", "MOUSSA ibrahim", "ibrahim moussa", "ibr ous", "aicha issoufou", "AÏCHA", "ba",
    "ba hadiza", "n diaye", "ndiaye", "diallo barry", "barry-diallo", "elis", "ÉLISE sanou", "helene",
    "ag", "ag ahmed", "ould", "maiga ismael", "traore awa bintou", "z", "za", "ali zakari", "issa", "iss",
    "AB12", "ab1", "cd765", "CD 765", "12", "nope", "x y", "moussa moussa", "AB1234567", "ab-12",
    "ousmane ibrahim", "ab", "kante seydou xx", "1", "a",
]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_world(request):
    return request.getfixturevalue("world" if request.param == "sqlite" else "pg_world")


def _service(world, role=Role.BORDER_OFFICIAL):
    from db.services import RegistrationService

    return RegistrationService(world.db, world.actor(role))


def _register_many(service, n=60, seed=7):
    """``n`` registrations over 40 days, names from NAMES, numbers AB…/CD…, some without a document."""
    rng = random.Random(seed)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    regs = []
    for i in range(n):
        surname, given = NAMES[i % len(NAMES)]
        kind = i % 4
        number = (f"AB{1234560 + i}" if kind == 0 else f"CD{7654300 + i}" if kind == 1 else f"{120000 + i}")
        when = now - timedelta(days=rng.randrange(40), minutes=rng.randrange(600))
        regs.append(service.register(draft(surname=surname, given=given, number=number, when=when,
                                           document=kind != 3)))
    return regs


def _expected(regs, query: str) -> list[str]:
    """The old meaning, computed in Python: every word of the query begins a word of the
    person's search_key, or (two characters at least) the document number begins with it."""
    from db.models import normalise_number, search_key

    words = search_key(query).split()[:8]
    number = normalise_number(query)
    hits = []
    for r in regs:
        key = search_key(r.person.surname, r.person.given_names)
        by_name = bool(words) and all(f" {w}" in key for w in words)
        by_number = (len(number) >= 2 and r.document is not None
                     and r.document.number.startswith(number))
        if by_name or by_number:
            hits.append(r)
    hits.sort(key=lambda r: r.crossing.crossed_at, reverse=True)
    return [r.crossing_id for r in hits]


def _index_rows(database) -> tuple[set, set]:
    """(the index rows stored, the index rows the persons' search_keys call for)."""
    from db.models import name_tokens

    with database.engine.connect() as conn:
        stored = set(conn.execute(sa.text("SELECT person_id, token FROM person_name_tokens")).all())
        wanted = {(pid, t) for pid, key in conn.execute(sa.text("SELECT id, search_key FROM persons"))
                  for t in name_tokens(key)}
    return stored, wanted


def test_search_finds_what_the_like_test_found_on_every_day(any_world):
    service = _service(any_world)
    regs = _register_many(service)
    for query in QUERIES:
        got = [r.crossing_id for r in service.search(query, limit=1000)]
        expected = _expected(regs, query)
        assert sorted(got) == sorted(expected), query
        times = [r.crossing.crossed_at for r in service.search(query, limit=1000)]
        assert times == sorted(times, reverse=True), query  # newest first
    # the limit keeps the newest
    every_moussa = _expected(regs, "moussa")
    assert len(every_moussa) > 5
    assert [r.crossing_id for r in service.search("moussa", limit=5)] == every_moussa[:5]


def test_the_name_index_follows_registrations_and_edits(any_world):
    service = _service(any_world)
    reg = service.register(draft(surname="Hamani", given="Zara"))
    assert [r.crossing_id for r in service.search("hama zar")] == [reg.crossing_id]
    edited = draft(surname="Garba", given="Zara Nafissa")
    edited.person.id, edited.document.id = reg.person.id, reg.document.id
    service.update(reg.crossing_id, edited)
    assert service.search("hamani") == []
    assert [r.crossing_id for r in service.search("nafi garba")] == [reg.crossing_id]
    stored, wanted = _index_rows(any_world.db)
    assert stored == wanted


def test_search_and_a_days_search_use_indexes_only(world):
    """EXPLAIN QUERY PLAN of every SELECT a search runs: no table is read whole (the old name
    test ``search_key LIKE '% W%'`` scanned every person, 0.5-1.1 s at 1,000,000 documents)."""
    service = _service(world)
    _register_many(service, n=12)
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(world.db.engine, "before_cursor_execute", capture)
    try:
        for query in ("moussa", "ibrahim mous", "AB1234", "ab12 moussa"):
            service.search(query)
        service.list_day(date.today(), query="moussa ibr")
    finally:
        event.remove(world.db.engine, "before_cursor_execute", capture)
    assert statements
    raw = world.db.engine.raw_connection()
    try:
        for statement, parameters in statements:
            plan = [row[-1] for row in raw.cursor().execute("EXPLAIN QUERY PLAN " + statement, parameters)]
            scans = [line for line in plan if line.startswith("SCAN")]
            assert scans == [], (statement, plan)
    finally:
        raw.close()


def test_role_scoping_is_unchanged(world):
    from border_app.errors import PermissionDenied

    regs = _register_many(_service(world), n=4)
    assert len(_service(world, Role.SUPERVISOR).search("moussa")) == len(_expected(regs, "moussa")) > 0
    with pytest.raises(PermissionDenied):
        _service(world, Role.POST_ADMIN).search("moussa")


def _alembic(database, fn, target):
    from db import alembic_config

    with database.engine.begin() as conn:
        fn(alembic_config(conn), target)


def test_migration_0004_fills_the_index_for_persons_stored_before(any_world):
    """A database upgraded from 0003 gets the index rows of every stored person (and a
    downgrade removes the table)."""
    from alembic import command

    service = _service(any_world)
    regs = _register_many(service, n=30)
    service.register(draft(surname="A" * 200, given="Bé " + "c" * 150, number="LONG1"))
    _alembic(any_world.db, command.downgrade, "0003")
    assert "person_name_tokens" not in sa.inspect(any_world.db.engine).get_table_names()
    _alembic(any_world.db, command.upgrade, "head")
    stored, wanted = _index_rows(any_world.db)
    assert stored == wanted and len(stored) > 60
    assert sorted(r.crossing_id for r in service.search("ibrahim mous", limit=1000)) == \
        sorted(_expected(regs, "ibrahim mous"))
    assert len(service.search("aaaa be cccc")) == 1
