"""Accounts and the audit trail in the services (issue #18, defects 9 and 10): unlocking,
resetting a password, the audit trail with user names and filters done in the database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from border_app.errors import AuthenticationError, InvalidInput, PermissionDenied
from border_app.roles import Role
from db_helpers import PASSWORD


def _lock(db, name):
    from db.services import MAX_FAILED_LOGINS, AuthService

    for _i in range(MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationError):
            AuthService(db).login(name, "wrong wrong")


def test_unlock_is_audited_and_lets_the_user_in(world):
    from db.services import AuditService, AuthService, UserService

    users = UserService(world.db, world.admin)
    target = users.find("u_border_official")
    _lock(world.db, "u_border_official")
    assert users.find("u_border_official").locked
    with pytest.raises(AuthenticationError):
        AuthService(world.db).login("u_border_official", PASSWORD)
    info = users.unlock(target.id)
    assert not info.locked
    assert AuthService(world.db).login("u_border_official", PASSWORD).username == "u_border_official"
    entries = AuditService(world.db, world.admin).list(action="unlock")
    assert [(e.action, e.entity_id, e.username) for e in entries] == [("unlock", target.id, "chef")]


def test_unlock_and_find_need_the_administrator(world):
    from db.services import UserService

    with pytest.raises(PermissionDenied):
        UserService(world.db, world.actor(Role.SUPERVISOR))


def test_reset_password_unlocks_and_rewraps_the_key_slot(world):
    from db.services import AuthService, UserService

    users = UserService(world.db, world.admin)
    target = users.find("u_supervisor")
    _lock(world.db, "u_supervisor")
    users.reset_password(target.id, "a brand new one")
    actor = AuthService(world.db).login("u_supervisor", "a brand new one")
    assert actor.keys is not None  # the key slot opens with the new password
    with pytest.raises(AuthenticationError):
        AuthService(world.db).login("u_supervisor", PASSWORD)


def test_audit_list_names_users_and_filters_in_the_database(world):
    from border_app.clock import post_today
    from db.services import AuditService

    audit = AuditService(world.db, world.admin)
    everything = audit.list(limit=1000)
    assert everything and all(e.username for e in everything if e.user_id)
    assert not any(len(e.username or "") == 36 for e in everything)  # names, not ids
    official = world.actor(Role.BORDER_OFFICIAL)
    mine = audit.list(user_id=official.user_id)
    assert mine and {e.username for e in mine} == {"u_border_official"}
    logins = audit.list(action="login")
    assert logins and {e.action for e in logins} == {"login"}
    today = post_today()
    assert len(audit.list(since=today, until=today, limit=1000)) == len(everything)
    assert audit.list(since=today + timedelta(days=1)) == []
    assert audit.list(until=today - timedelta(days=1)) == []
    assert len(audit.list(limit=3)) == 3
    with pytest.raises(InvalidInput):
        audit.list(since=today, until=today - timedelta(days=1))
    assert ("u_health_screener" in {name for _id, name in audit.users()})


def test_audit_labels_are_translated():
    from border_app.audit_labels import ACTION_LABELS, action_label
    from border_app.i18n import set_language

    set_language("fr")
    try:
        assert action_label("unlock") == "Compte déverrouillé"
        assert action_label("login") == "Connexion"
        assert action_label("create", "user") != action_label("create", "screening")
        assert action_label("something_new") == "something_new"
        assert "unlock" in ACTION_LABELS
    finally:
        set_language("fr")
