"""Helpers shared by the data-layer tests (imported by name: tests/db is on sys.path)."""

from __future__ import annotations

from dataclasses import dataclass, field

from border_app import model as dm
from border_app.roles import Role
from clock_helpers import recently

PASSWORD = "correct horse"
ROLES = list(Role)


@dataclass
class World:
    db: object
    admin: dm.Actor
    actors: dict = field(default_factory=dict)   # Role -> Actor (signed in)

    def actor(self, role: Role) -> dm.Actor:
        return self.actors[role]


def make_world(database, kdf=None) -> World:
    from db.services import AuthService, PostService, UserService

    admin = PostService(database).setup_post(
        name="Poste de Makalondi", pcode="NE006013", language="fr", admin_username="chef",
        admin_full_name="Chef de poste", admin_password=PASSWORD, kdf=kdf)
    users = UserService(database, admin)
    world = World(db=database, admin=admin)
    for role in ROLES:
        name = "u_" + role.value
        users.create_user(username=name, full_name="Compte " + role.value, role=role, password=PASSWORD)
        world.actors[role] = AuthService(database).login(name, PASSWORD)
    return world


def draft(surname="Issoufou", given="Aïcha Mariama", number="AB1234567", state="NER", *, when=None,
          direction=dm.Direction.ENTRY, mrz=None, document=True, group_size=1) -> dm.RegistrationDraft:
    when = when or recently(5)
    doc = dm.DocumentData(doc_type=dm.DocumentType.PASSPORT, number=number, issuing_state=state,
                          mrz_raw=mrz, expiry_date=None) if document else None
    return dm.RegistrationDraft(
        person=dm.PersonData(surname=surname, given_names=given, sex="F", birth_date="1990-04",
                             nationality="NER", identity_declared=not document),
        crossing=dm.CrossingData(direction=direction, crossed_at=when, transport_mode=dm.TransportMode.BUS,
                                 origin="Ouagadougou", destination="Niamey", reason=dm.TravelReason.TRADE,
                                 group_size=group_size),
        document=doc,
    )


def table_snapshot(database) -> dict:
    """Row counts of every table and the change counters: 'nothing was written' checks."""
    import sqlalchemy as sa

    from db.models import Base

    with database.engine.connect() as conn:
        snap = {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in Base.metadata.sorted_tables}
        snap["counters"] = sorted(conn.execute(sa.text("SELECT post_id, value FROM post_counters")).all())
    return snap
