"""The role matrix, enforced by the services: every method called as every role.

Allowed -> it works; denied -> PermissionDenied and nothing at all is written."""

from __future__ import annotations

import pytest

from border_app.clock import post_today
from border_app.errors import PermissionDenied
from border_app.roles import Permission, Role, allowed
from db_helpers import ROLES, draft, table_snapshot

P = Permission


def _new_user(world, name):
    from db.services import UserService

    return UserService(world.db, world.admin).create_user(
        username=name, full_name="Cible", role=Role.BORDER_OFFICIAL, password="cible123")


def _registration(world):
    from db.services import RegistrationService

    return RegistrationService(world.db, world.actor(Role.SUPERVISOR)).register(draft())


def _users(world, actor):
    from db.services import UserService

    return UserService(world.db, actor)


def _regs(world, actor):
    from db.services import RegistrationService

    return RegistrationService(world.db, actor)


def _audit(world, actor):
    from db.services import AuditService

    return AuditService(world.db, actor)


# name -> (permission, prepare(world) -> context, call(world, actor, context))
CASES = {
    "users.create_user": (P.MANAGE_USERS, lambda w: None, lambda w, a, c: _users(w, a).create_user(
        username="nouveau", full_name="Nouveau", role=Role.HEALTH_SCREENER, password="nouveau123")),
    "users.list_users": (P.MANAGE_USERS, lambda w: None, lambda w, a, c: _users(w, a).list_users()),
    "users.set_active": (P.MANAGE_USERS, lambda w: _new_user(w, "cible").id,
                         lambda w, a, c: _users(w, a).set_active(c, False)),
    "users.reset_password": (P.MANAGE_USERS, lambda w: _new_user(w, "cible").id,
                             lambda w, a, c: _users(w, a).reset_password(c, "autre mot")),
    "registrations.register": (P.REGISTER_TRAVELLER, lambda w: None,
                               lambda w, a, c: _regs(w, a).register(draft(number="NEW1"))),
    "registrations.update": (P.EDIT_REGISTRATION, lambda w: _registration(w).crossing_id,
                             lambda w, a, c: _regs(w, a).update(c, draft(surname="Modifié"))),
    "registrations.void": (P.VOID_REGISTRATION, lambda w: _registration(w).crossing_id,
                           lambda w, a, c: _regs(w, a).void(c, "erreur de saisie")),
    "registrations.get": (P.VIEW_IDENTITY, lambda w: _registration(w).crossing_id,
                          lambda w, a, c: _regs(w, a).get(c)),
    "registrations.list_day": (P.VIEW_IDENTITY, lambda w: _registration(w),
                               lambda w, a, c: _regs(w, a).list_day(post_today())),
    "registrations.search": (P.VIEW_IDENTITY, lambda w: _registration(w),
                             lambda w, a, c: _regs(w, a).search("issoufou")),
    "registrations.find_document": (P.VIEW_IDENTITY, lambda w: _registration(w),
                                    lambda w, a, c: _regs(w, a).find_document("AB1234567")),
    "audit.list": (P.VIEW_AUDIT, lambda w: None, lambda w, a, c: _audit(w, a).list()),
}


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
@pytest.mark.parametrize("name", sorted(CASES))
def test_every_method_as_every_role(world, role, name):
    permission, prepare, call = CASES[name]
    context = prepare(world)
    actor = world.actor(role)
    before = table_snapshot(world.db)
    if allowed(role, permission):
        result = call(world, actor, context)
        if name in ("registrations.search", "registrations.find_document"):
            assert len(result) == 1
    else:
        with pytest.raises(PermissionDenied) as info:
            call(world, actor, context)
        assert info.value.exit_code == 4
        assert role.label in info.value.message  # translated, names the role
        assert table_snapshot(world.db) == before


def test_post_admin_cannot_read_travellers_and_screener_cannot_register(world):
    assert not allowed(Role.POST_ADMIN, P.VIEW_IDENTITY)
    with pytest.raises(PermissionDenied):
        _regs(world, world.admin).search("issoufou")
    with pytest.raises(PermissionDenied):
        _regs(world, world.actor(Role.HEALTH_SCREENER)).register(draft())


def test_a_forged_role_string_is_not_a_loophole(world):
    actor = world.actor(Role.BORDER_OFFICIAL)
    actor.role = "root"
    with pytest.raises(ValueError):
        _regs(world, actor).register(draft())
