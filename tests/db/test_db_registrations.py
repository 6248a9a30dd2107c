"""Registering travellers: validation, document re-use, search, voiding, all-or-nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from border_app import model as dm
from border_app.errors import ConflictError, InvalidInput, NotFound, StorageError
from border_app.roles import Role
from db_helpers import draft, table_snapshot


@pytest.fixture
def official(world):
    from db.services import RegistrationService

    return RegistrationService(world.db, world.actor(Role.BORDER_OFFICIAL))


@pytest.fixture
def supervisor(world):
    from db.services import RegistrationService

    return RegistrationService(world.db, world.actor(Role.SUPERVISOR))


def test_register_and_read_back(official, world):
    reg = official.register(draft(number="ab 123-4567"))
    assert reg.person.surname == "Issoufou" and reg.person.given_names == "Aïcha Mariama"
    assert reg.document.number == "AB1234567" and reg.document.issuing_state == "NER"
    assert reg.crossing.direction is dm.Direction.ENTRY and reg.crossing.transport_mode is dm.TransportMode.BUS
    assert reg.recorded_by == world.actor(Role.BORDER_OFFICIAL).user_id
    assert reg.screening_outcome is None and not reg.voided
    back = official.get(reg.crossing_id)
    assert back == reg
    assert back.crossing.crossed_at.tzinfo is not None


def test_same_document_reuses_person_and_updates_changed_fields(official, world):
    first = official.register(draft())
    second = official.register(draft(given="Aïcha", direction=dm.Direction.EXIT))
    assert second.person.id == first.person.id and second.document.id == first.document.id
    assert second.person.given_names == "Aïcha"
    assert second.crossing_id != first.crossing_id
    by_mrz = official.register(draft(number="ZZ0000000", state="BFA", mrz="P<NERISSOUFOU<<AICHA"))
    again = official.register(draft(number="ZZ0000000", state="BFA", mrz="P<NERISSOUFOU<<AICHA"))
    assert again.document.id == by_mrz.document.id
    other_state = official.register(draft(state="MLI"))
    assert other_state.document.id != first.document.id
    with world.db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM identity_documents")).scalar() == 3
        assert conn.execute(sa.text("SELECT count(*) FROM crossings")).scalar() == 5


def test_find_document_lists_earlier_crossings_newest_first(official):
    now = datetime.now(timezone.utc)
    a = official.register(draft(when=now - timedelta(days=3)))
    b = official.register(draft(when=now - timedelta(hours=1), direction=dm.Direction.EXIT))
    official.register(draft(number="OTHER1", when=now))
    seen = official.find_document("ab1234567")
    assert [e.crossing_id for e in seen] == [b.crossing_id, a.crossing_id]
    assert seen[0].direction is dm.Direction.EXIT and seen[0].post_name == "Poste de Makalondi"
    assert official.find_document("AB1234567", "NER") == seen
    assert official.find_document("AB1234567", "MLI") == []
    assert official.find_document("NOPE999") == []
    assert official.find_document("") == []


def test_search_by_name_without_accents_any_order_and_by_number_prefix(official):
    aicha = official.register(draft())
    official.register(draft(surname="Ousmane", given="Ibrahim", number="CD7654321"))
    declared = official.register(draft(surname="Bâ", given="Hadiza", document=False))
    assert [r.crossing_id for r in official.search("aicha issoufou")] == [aicha.crossing_id]
    assert [r.crossing_id for r in official.search("MARIAMA Aïcha")] == [aicha.crossing_id]
    assert [r.crossing_id for r in official.search("issou")] == [aicha.crossing_id]
    assert [r.crossing_id for r in official.search("ba hadiza")] == [declared.crossing_id]
    assert {r.person.surname for r in official.search("AB12")} == {"Issoufou"}
    assert {r.person.surname for r in official.search("cd765")} == {"Ousmane"}
    assert official.search("xyz") == [] and official.search("  ") == []
    with pytest.raises(InvalidInput):
        official.search("x" * 5000)


def test_list_day_uses_the_posts_local_day(official):
    # 23:30 UTC on 1 March is 00:30 on 2 March in Niger (UTC+1)
    late = datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc)
    early = datetime(2026, 3, 1, 22, 30, tzinfo=timezone.utc)
    r_late = official.register(draft(when=late))
    r_early = official.register(draft(surname="Ousmane", number="CD1", when=early))
    assert [r.crossing_id for r in official.list_day(date(2026, 3, 2))] == [r_late.crossing_id]
    assert [r.crossing_id for r in official.list_day(date(2026, 3, 1))] == [r_early.crossing_id]
    assert [r.crossing_id for r in official.list_day(date(2026, 3, 1), query="ousmane")] == [r_early.crossing_id]
    assert official.list_day(date(2026, 3, 1), query="issoufou") == []
    assert [r.crossing_id for r in official.list_day(date(2026, 3, 2), query="ab12")] == [r_late.crossing_id]


def test_list_day_newest_first(official):
    day = datetime(2026, 5, 10, 9, 0, tzinfo=timezone.utc)
    ids = [official.register(draft(number=f"N{i}", when=day + timedelta(minutes=i))).crossing_id for i in range(4)]
    assert [r.crossing_id for r in official.list_day(date(2026, 5, 10))] == ids[::-1]
    assert len(official.list_day(date(2026, 5, 10), limit=2)) == 2


@pytest.mark.parametrize("change, fragment", [
    (lambda d: setattr(d.person, "surname", "  "), "Nom"),
    (lambda d: setattr(d.person, "birth_date", "1990-13"), "date de naissance"),
    (lambda d: setattr(d.person, "birth_date", "31/12/1990"), "date de naissance"),
    (lambda d: setattr(d.crossing, "group_size", 0), "groupe"),
    (lambda d: setattr(d.crossing, "group_size", 501), "groupe"),
    (lambda d: setattr(d.crossing, "direction", "sideways"), "Sens"),
    (lambda d: setattr(d.crossing, "crossed_at", datetime(2026, 1, 1)), "fuseau"),
    (lambda d: setattr(d.document, "number", "<<<"), "Numéro"),
    (lambda d: setattr(d.document, "issuing_state", "Niger"), "pays"),
    (lambda d: setattr(d.person, "sex", "Q"), "Sexe"),
    (lambda d: setattr(d.crossing, "notes", "x" * 100_000), "trop long"),
])
def test_invalid_drafts_are_refused_naming_the_field(official, world, change, fragment):
    bad = draft()
    change(bad)
    before = table_snapshot(world.db)
    with pytest.raises(InvalidInput) as info:
        official.register(bad)
    assert fragment.lower() in info.value.message.lower()
    assert table_snapshot(world.db) == before


def test_partial_and_approximate_birth_dates_are_kept(official):
    d = draft()
    d.person.birth_date, d.person.birth_date_approximate = "1985", True
    reg = official.register(d)
    assert (reg.person.birth_date, reg.person.birth_date_approximate) == ("1985", True)


def test_registration_is_all_or_nothing(official, world):
    from db.models import Crossing

    before = table_snapshot(world.db)

    def explode(mapper, connection, target):
        raise RuntimeError("power cut while writing the crossing")

    event.listen(Crossing, "before_insert", explode)
    try:
        with pytest.raises(RuntimeError):
            official.register(draft(surname="Partiel"))
    finally:
        event.remove(Crossing, "before_insert", explode)
    assert table_snapshot(world.db) == before
    with world.db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM persons WHERE surname = 'Partiel'")).scalar() == 0


def test_update_changes_the_registration_and_is_audited(official, world):
    reg = official.register(draft())
    changed = draft(surname="Issoufou-Maïga", number="AB1234567")
    changed.crossing.group_size = 3
    updated = official.update(reg.crossing_id, changed)
    assert updated.crossing_id == reg.crossing_id and updated.person.surname == "Issoufou-Maïga"
    assert updated.crossing.group_size == 3 and updated.document.id == reg.document.id
    no_doc = official.update(reg.crossing_id, draft(document=False))
    assert no_doc.document is None
    with world.db.engine.connect() as conn:
        actions = [r[0] for r in conn.execute(sa.text(
            "SELECT action FROM audit_log WHERE entity_id = :c ORDER BY seq"), {"c": reg.crossing_id})]
    assert actions == ["register", "update", "update"]
    with pytest.raises(NotFound):
        official.update("no-such-id", changed)


def test_void_requires_a_reason_and_is_soft(supervisor, official, world):
    reg = official.register(draft())
    with pytest.raises(InvalidInput, match="obligatoire"):
        supervisor.void(reg.crossing_id, "   ")
    voided = supervisor.void(reg.crossing_id, "Doublon saisi par erreur")
    assert voided.voided and voided.void_reason == "Doublon saisi par erreur"
    assert official.get(reg.crossing_id).voided  # still there, marked
    assert official.find_document("AB1234567")[0].voided is True
    with pytest.raises(ConflictError):
        supervisor.void(reg.crossing_id, "encore")
    with pytest.raises(ConflictError):
        official.update(reg.crossing_id, draft())
    with pytest.raises(NotFound):
        supervisor.void("missing", "raison")


def test_locked_database_becomes_a_storage_error(official, world, monkeypatch):
    import sqlite3

    from db import engine as engine_mod
    from db import open_database
    from db.services import RegistrationService

    monkeypatch.setattr(engine_mod, "SQLITE_BUSY_TIMEOUT_MS", 100)
    busy = open_database(world.db.url, profile=world.db.profile)
    blocker = sqlite3.connect(world.db.profile.database, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another program holds the writer lock
    try:
        with pytest.raises(StorageError, match="rien n'a été enregistré"):
            RegistrationService(busy, official.actor).register(draft(surname="Bloqué"))
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        busy.dispose()
    assert official.search("bloque") == []
