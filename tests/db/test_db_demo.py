"""Demo seeding: the demo post, one account per role, fictitious travellers, bulk loading;
never into a real post."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from border_app.errors import DemoDataError
from border_app.roles import Role
from db_helpers import draft


@pytest.fixture
def demo_db(home):
    from border_app.paths import profile
    from db import open_database

    prof = profile(demo=True).ensure()
    database = open_database(prof.database_url, profile=prof)
    yield database
    database.dispose()


def _drafts(n, prefix="D"):
    now = datetime.now(timezone.utc)
    for i in range(n):
        yield draft(surname=f"Démo{i}", number=f"{prefix}{i:07d}", when=now - timedelta(minutes=i),
                    document=(i % 5 != 0))


def test_seed_demo_creates_post_accounts_keys_and_travellers(demo_db, kdf):
    from border_app.keys import Keystore
    from db.demo import DEMO_ACCOUNTS, DEMO_PCODE, seed_demo
    from db.services import AuthService, PostService, RegistrationService

    result = seed_demo(demo_db, travellers=40, seed=3, kdf=kdf)
    assert result["accounts_created"] == len(DEMO_ACCOUNTS) == 5
    assert result["travellers_added"] == 40 and result["crossings"] == 40
    post = PostService(demo_db).get_post()
    assert post.demo is True and post.pcode == DEMO_PCODE and "Makalondi" in post.name
    assert {a["role"] for a in DEMO_ACCOUNTS} == set(Role)
    store = Keystore.load(demo_db.keystore_path)
    for account in DEMO_ACCOUNTS:
        actor = AuthService(demo_db).login(account["username"], account["password"])
        assert actor.role is account["role"] and actor.demo is True
        assert store.has_slot(actor.user_id) and actor.keys is not None
    agent = AuthService(demo_db).login("agent", "demo1234")
    regs = RegistrationService(demo_db, agent)
    some = demo_db.engine.connect().execute(sa.text("SELECT number FROM identity_documents LIMIT 1")).scalar()
    assert regs.find_document(some)
    # a second call adds nothing (the UI calls it at every demo start)
    again = seed_demo(demo_db, travellers=40, seed=3, kdf=kdf)
    assert again["accounts_created"] == 0 and again["travellers_added"] == 0 and again["crossings"] == 40


def test_bulk_insert_keeps_counter_audit_and_document_reuse(demo_db, kdf):
    from db.demo import add_demo_travellers, ensure_demo_accounts
    from db.services import AuthService, RegistrationService

    ensure_demo_accounts(demo_db, kdf=kdf)
    with demo_db.engine.connect() as conn:
        before = conn.execute(sa.text("SELECT value FROM post_counters")).scalar_one()
    added = add_demo_travellers(demo_db, 23, drafts=_drafts(23), batch=10)
    assert added == 23
    # the same documents again: re-used, not duplicated
    assert add_demo_travellers(demo_db, 23, drafts=_drafts(23), batch=10) == 23
    with demo_db.engine.connect() as conn:
        q = lambda sql: conn.execute(sa.text(sql)).all()  # noqa: E731
        assert q("SELECT count(*) FROM identity_documents")[0][0] == 18  # 23 minus 5 declared identities
        assert q("SELECT count(*) FROM crossings")[0][0] == 46
        assert q("SELECT count(*) FROM audit_log WHERE action = 'demo_seed'")[0][0] == 6  # one per batch
        seqs = [r[0] for r in q("SELECT change_seq FROM persons UNION ALL SELECT change_seq FROM "
                                "identity_documents UNION ALL SELECT change_seq FROM crossings UNION ALL "
                                "SELECT seq FROM audit_log WHERE action = 'demo_seed'")]
        after = q("SELECT value FROM post_counters")[0][0]
    assert len(seqs) == len(set(seqs)) and min(seqs) > before and max(seqs) == after
    agent = AuthService(demo_db).login("agent", "demo1234")
    regs = RegistrationService(demo_db, agent)
    seen = regs.find_document("D0000001")
    assert len(seen) == 2 and regs.search("demo1")  # bulk rows are searchable like the others
    assert regs.get(seen[0].crossing_id).person.given_names == "Aïcha Mariama"


def test_demo_data_never_goes_into_a_real_post(world):
    from db.demo import add_demo_travellers, seed_demo

    with pytest.raises(DemoDataError) as info:
        seed_demo(world.db, travellers=5)
    assert "démonstration" in info.value.message
    with pytest.raises(DemoDataError):
        add_demo_travellers(world.db, 5, drafts=_drafts(5))


def test_demo_seeding_refuses_a_real_post_even_without_a_profile(tmp_path, kdf):
    from db import open_database
    from db.demo import seed_demo
    from db.services import PostService

    database = open_database(f"sqlite:///{tmp_path / 'real.sqlite3'}")
    try:
        PostService(database).setup_post(name="Poste réel", pcode="NE001002", language="fr",
                                         admin_username="chef", admin_full_name="Chef",
                                         admin_password="motdepasse", kdf=kdf)
        with pytest.raises(DemoDataError):
            seed_demo(database, travellers=1)
    finally:
        database.dispose()


def test_demo_accounts_constant_is_what_the_login_screen_shows():
    from db.demo import DEMO_ACCOUNTS

    assert [a["username"] for a in DEMO_ACCOUNTS] == ["agent", "sante", "superviseur", "admin", "coordination"]
    assert all(a["password"] == "demo1234" for a in DEMO_ACCOUNTS)
    assert all(isinstance(a["role"], Role) for a in DEMO_ACCOUNTS)
