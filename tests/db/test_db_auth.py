"""Sign-in: right and wrong passwords, unknown users, lockout, deactivated accounts, keys."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from border_app.errors import AuthenticationError, ConflictError, InvalidInput
from border_app.roles import Role
from db_helpers import PASSWORD


def _audit_actions(database) -> list[str]:
    with database.engine.connect() as conn:
        return [r[0] for r in conn.execute(sa.text("SELECT action FROM audit_log ORDER BY seq"))]


def test_needs_setup_until_the_post_exists(sqlite_db, kdf):
    from db.services import AuthService, PostService

    assert AuthService(sqlite_db).needs_setup() is True
    assert PostService(sqlite_db).get_post() is None
    admin = PostService(sqlite_db).setup_post(name="Poste de Gaya", pcode="ne003006", language="fr",
                                              admin_username="Chef", admin_full_name="Chef", admin_password=PASSWORD,
                                              kdf=kdf)
    assert AuthService(sqlite_db).needs_setup() is False
    post = PostService(sqlite_db).get_post()
    assert (post.name, post.pcode, post.demo) == ("Poste de Gaya", "NE003006", False)
    assert admin.role is Role.POST_ADMIN and admin.username == "chef" and admin.keys is not None
    assert sqlite_db.keystore_path.exists()
    with pytest.raises(ConflictError):
        PostService(sqlite_db).setup_post(name="Autre", pcode="NE003006", language="fr", admin_username="x2",
                                          admin_full_name="X", admin_password=PASSWORD, kdf=kdf)


@pytest.mark.parametrize("kwargs, fragment", [
    ({"pcode": "NE12"}, "P-code"),
    ({"pcode": "BF001001"}, "P-code"),
    ({"admin_password": "short"}, "8"),
    ({"name": "   "}, "obligatoire"),
    ({"admin_username": "a b"}, "utilisateur"),
    ({"language": "de"}, "Langue"),
])
def test_setup_validates_with_translated_messages(sqlite_db, kdf, kwargs, fragment):
    from db.services import AuthService, PostService

    args = dict(name="Poste", pcode="NE006013", language="fr", admin_username="chef", admin_full_name="Chef",
                admin_password=PASSWORD, kdf=kdf)
    args.update(kwargs)
    with pytest.raises(InvalidInput) as info:
        PostService(sqlite_db).setup_post(**args)
    assert fragment in info.value.message
    assert AuthService(sqlite_db).needs_setup() is True
    assert not sqlite_db.keystore_path.exists()


def test_login_right_wrong_and_unknown(world):
    from db.services import AuthService

    auth = AuthService(world.db)
    actor = auth.login("U_BORDER_OFFICIAL ", PASSWORD)
    assert actor.role is Role.BORDER_OFFICIAL and actor.post_id == world.admin.post_id
    assert actor.keys is not None  # the user's key slot was unlocked
    with pytest.raises(AuthenticationError) as wrong:
        auth.login("u_border_official", "wrong password")
    with pytest.raises(AuthenticationError) as unknown:
        auth.login("nobody", "wrong password")
    assert wrong.value.message == unknown.value.message == "Nom d'utilisateur ou mot de passe incorrect."
    assert wrong.value.exit_code == 3
    actions = _audit_actions(world.db)
    assert actions[-3:] == ["login", "login_failed", "login_failed"]


def test_lockout_after_five_failures_for_five_minutes(world, monkeypatch):
    from db import auth as auth_module
    from db.services import AuthService

    auth = AuthService(world.db)
    for _ in range(4):
        with pytest.raises(AuthenticationError, match="incorrect"):
            auth.login("u_supervisor", "bad")
    with pytest.raises(AuthenticationError, match="bloqué pendant 5 minutes"):
        auth.login("u_supervisor", "bad")
    # even the right password is refused while locked
    with pytest.raises(AuthenticationError, match="bloqué"):
        auth.login("u_supervisor", PASSWORD)
    real_now = auth_module.utcnow()
    monkeypatch.setattr(auth_module, "utcnow", lambda: real_now + timedelta(minutes=6))
    assert auth.login("u_supervisor", PASSWORD).role is Role.SUPERVISOR
    assert "account_locked" in _audit_actions(world.db)


def test_deactivated_user_is_refused_and_loses_the_key_slot(world):
    from border_app.keys import Keystore
    from db.services import AuthService, UserService

    users = UserService(world.db, world.admin)
    target = world.actor(Role.HEALTH_SCREENER)
    assert Keystore.load(world.db.keystore_path).has_slot(target.user_id)
    users.set_active(target.user_id, False)
    assert not Keystore.load(world.db.keystore_path).has_slot(target.user_id)
    with pytest.raises(AuthenticationError, match="désactivé"):
        AuthService(world.db).login("u_health_screener", PASSWORD)
    users.set_active(target.user_id, True)
    users.reset_password(target.user_id, "nouveau mot")
    actor = AuthService(world.db).login("u_health_screener", "nouveau mot")
    assert actor.keys is not None  # the reset gave a new slot


def test_a_broken_keystore_does_not_block_login(world, caplog):
    from db.services import AuthService

    world.db.keystore_path.write_text("{not json", encoding="utf-8")
    actor = AuthService(world.db).login("u_border_official", PASSWORD)
    assert actor.keys is None
    assert "u_border_official" not in caplog.text and PASSWORD not in caplog.text


def test_change_own_password_rewraps_the_slot(world):
    from db.services import AccountService, AuthService

    actor = world.actor(Role.BORDER_OFFICIAL)
    with pytest.raises(AuthenticationError):
        AccountService(world.db).change_password(actor, "not it", "another password")
    with pytest.raises(InvalidInput):
        AccountService(world.db).change_password(actor, PASSWORD, "short")
    AccountService(world.db).change_password(actor, PASSWORD, "another password")
    with pytest.raises(AuthenticationError):
        AuthService(world.db).login("u_border_official", PASSWORD)
    again = AuthService(world.db).login("u_border_official", "another password")
    assert again.keys is not None


def test_user_management(world):
    from db.services import UserService

    users = UserService(world.db, world.admin)
    info = users.create_user(username="Moussa.K", full_name="Moussa  Kané", role=Role.BORDER_OFFICIAL,
                             password=PASSWORD, language="en")
    assert (info.username, info.full_name, info.language, info.active) == ("moussa.k", "Moussa Kané", "en", True)
    with pytest.raises(ConflictError, match="déjà pris"):
        users.create_user(username="moussa.k", full_name="X", role=Role.SUPERVISOR, password=PASSWORD)
    with pytest.raises(InvalidInput):
        users.create_user(username="x", full_name="X", role="king", password=PASSWORD)
    with pytest.raises(InvalidInput, match="propre compte"):
        users.set_active(world.admin.user_id, False)
    names = [u.username for u in users.list_users()]
    assert names == sorted(names) and "moussa.k" in names and "chef" in names
