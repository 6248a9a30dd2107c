"""Demo data: the demo post, one account per role, fictitious travellers.

Only ever into a *demo* post (``DemoDataError`` otherwise). The demo accounts' passwords are
public on purpose (shown on the login screen in demo mode): the demo profile holds no real
data. Travellers come from ``border_app.demo.generate_travellers`` (fictitious, valid MRZs).

``add_demo_travellers`` inserts in batches with Core ``INSERT``s (fast enough to create a
million documents for the benchmark), with the same change-counter semantics as the
services and one audit entry (``demo_seed``) per batch.
"""

from __future__ import annotations

import itertools
import json
import logging
from datetime import timezone
from collections.abc import Iterable
from typing import Any

from sqlalchemy import JSON, Boolean, Date, func, insert, select

from border_app.errors import AuthenticationError, DemoDataError, InvalidInput
from border_app.i18n import N_, _
from border_app.model import RegistrationDraft, new_id
from border_app.roles import Role

from . import Database, validation
from .changes import next_seq
from .models import AuditLog, Crossing, IdentityDocument, Person, PersonNameToken, Post, User, UTCDateTime
from .name_index import token_rows

log = logging.getLogger(__name__)

DEMO_POST_NAME = "Poste de démonstration — Makalondi"
DEMO_PCODE = "NE006013"
DEMO_PASSWORD = "demo1234"
#: the demo accounts, one per role (public passwords: demo data only)
DEMO_ACCOUNTS: tuple[dict[str, Any], ...] = (
    {"username": "agent", "password": DEMO_PASSWORD, "role": Role.BORDER_OFFICIAL, "full_name": "Agent Démo"},
    {"username": "sante", "password": DEMO_PASSWORD, "role": Role.HEALTH_SCREENER, "full_name": "Agente de santé Démo"},
    {"username": "superviseur", "password": DEMO_PASSWORD, "role": Role.SUPERVISOR, "full_name": "Superviseur Démo"},
    {"username": "admin", "password": DEMO_PASSWORD, "role": Role.POST_ADMIN, "full_name": "Administrateur Démo"},
    {"username": "coordination", "password": DEMO_PASSWORD, "role": Role.COORDINATOR, "full_name": "Coordination Démo"},
)
BATCH = 5000
#: one traveller in this many added is screened (so 300 travellers give 30 screenings)
SCREENED_SHARE = 10

_NOT_DEMO = N_("Demo data can only be added to the demo post, never to a real post's data.")


def _generator():
    try:
        from border_app.demo import generate_travellers
    except ImportError as exc:  # pragma: no cover - only while the generator is missing
        raise DemoDataError(_("The demo traveller generator is not available in this installation.")) from exc
    return generate_travellers


def _demo_post(db: Database) -> Post | None:
    """The demo post, or None; DemoDataError if this database holds a real post."""
    if db.profile is not None and not db.profile.demo:
        raise DemoDataError(_(_NOT_DEMO))
    with db.session() as s:
        post = s.scalars(select(Post).where(Post.local.is_(True))).first()
        if post is not None and not post.demo:
            raise DemoDataError(_(_NOT_DEMO))
        if post is not None:
            s.expunge(post)
        return post


def ensure_demo_accounts(db: Database, *, kdf=None) -> dict:
    """Create the demo post and the missing demo accounts (with key slots)."""
    from .services import AuthService, PostService, UserService

    post = _demo_post(db)
    created = 0
    admin_spec = next(a for a in DEMO_ACCOUNTS if a["role"] is Role.POST_ADMIN)
    if post is None:
        admin = PostService(db).setup_post(
            name=DEMO_POST_NAME, pcode=DEMO_PCODE, language="fr", admin_username=admin_spec["username"],
            admin_full_name=admin_spec["full_name"], admin_password=admin_spec["password"], demo=True, kdf=kdf)
        created += 1
    else:
        try:
            admin = AuthService(db).login(admin_spec["username"], admin_spec["password"])
        except AuthenticationError:
            log.warning("demo administrator cannot sign in; missing demo accounts not created")
            return {"post_id": post.id, "accounts_created": 0}
    users = UserService(db, admin)
    existing = {u.username for u in users.list_users()}
    for spec in DEMO_ACCOUNTS:
        if spec["username"] not in existing:
            users.create_user(username=spec["username"], full_name=spec["full_name"], role=spec["role"],
                              password=spec["password"], language="fr")
            created += 1
    return {"post_id": admin.post_id, "accounts_created": created}


def seed_demo(db: Database, *, travellers: int = 300, seed: int = 0, kdf=None) -> dict:
    """Prepare the demo post: post, accounts, keystore, and ``travellers`` fictitious
    registrations when the post has none yet. Returns counts."""
    result = ensure_demo_accounts(db, kdf=kdf)
    with db.session() as s:
        existing = s.scalar(select(func.count()).select_from(Crossing).where(Crossing.post_id == result["post_id"]))
    added = add_demo_travellers(db, travellers, seed) if not existing and travellers > 0 else 0
    result["travellers_added"] = added
    result["screenings_added"] = add_demo_screenings(db, added // SCREENED_SHARE) if added else {}
    result.update(counts(db))
    return result


def add_demo_screenings(db: Database, n: int) -> dict[str, int]:
    """Screen ``n`` of the demo post's latest unscreened crossings (adults), through the
    screening service, as the demo health screener: outcomes follow
    ``border_app.demo.DEMO_SCREENING_PLAN`` (the first four: cleared, secondary, referral,
    isolation), the answers are evaluated by the installed protocols' real engine, so the
    screener's lists, the screening slip and the reports' health part can be tried.
    Returns how many of each outcome were recorded."""
    from border_app import clock
    from border_app.demo import (DEMO_REFERRAL, DEMO_SCREENING_PLAN, DEMO_SCREENING_PROTOCOLS,
                                 demo_screening_answers)
    from border_app.model import Actor
    from border_app.screening import ScreeningSettings, Traveller, evaluate, load_protocols, screening_record

    from .models import Screening
    from .screening_services import ScreeningService
    from .services import utcnow

    done: dict[str, int] = {}
    if not isinstance(n, int) or n <= 0:
        return done
    post = _demo_post(db)
    if post is None:
        raise DemoDataError(_("The demo post is not prepared yet."))
    today = clock.post_today()
    adult = str(today.year - 18)
    with db.session() as s:
        screener = s.scalars(select(User).where(User.post_id == post.id, User.active.is_(True),
                                                User.role == Role.HEALTH_SCREENER.value)
                             .order_by(User.created_at).limit(1)).first()
        if screener is None:
            return done
        actor = Actor(user_id=screener.id, username=screener.username, full_name=screener.full_name,
                      role=Role.HEALTH_SCREENER, post_id=post.id, language=screener.language, demo=True)
        screened = select(Screening.crossing_id)
        candidates = list(s.execute(
            select(Crossing.id, Person.birth_date, Person.sex)
            .join(Person, Person.id == Crossing.person_id)
            .where(Crossing.post_id == post.id, Crossing.voided.is_(False), Crossing.id.not_in(screened),
                   Person.birth_date.is_not(None), Person.birth_date <= adult)
            .order_by(Crossing.crossed_at.desc()).limit(4 * n + 20)))
    active = load_protocols().select(list(DEMO_SCREENING_PROTOCOLS))
    service = ScreeningService(db, actor)
    plan = [DEMO_SCREENING_PLAN[i % len(DEMO_SCREENING_PLAN)] for i in range(n)]
    for crossing_id, birth_date, sex in candidates:
        if not plan:
            break
        outcome = plan[0]
        at = utcnow()
        answers = demo_screening_answers(outcome, today)
        decision = evaluate(active, Traveller(birth_date, sex), at, answers, ScreeningSettings())
        if decision.outcome.value != outcome or not decision.complete:
            continue  # not this traveller (a different age or sex changes the outcome)
        service.record(crossing_id, screening_record(
            active, Traveller(birth_date, sex), at, answers, ScreeningSettings(),
            dict(DEMO_REFERRAL) if decision.needs_referral else None))
        done[outcome] = done.get(outcome, 0) + 1
        plan.pop(0)
    return done


def counts(db: Database) -> dict:
    from .models import Screening

    with db.session() as s:
        return {
            "persons": s.scalar(select(func.count()).select_from(Person)),
            "documents": s.scalar(select(func.count()).select_from(IdentityDocument)),
            "crossings": s.scalar(select(func.count()).select_from(Crossing)),
            "screenings": s.scalar(select(func.count()).select_from(Screening)),
        }


def add_demo_travellers(db: Database, n: int, seed: int = 0, *, drafts: Iterable[RegistrationDraft] | None = None,
                        batch: int = BATCH) -> int:
    """Bulk-insert ``n`` generated registrations into the demo post; returns how many.

    A document already stored (same number and issuing state) is re-used, as the
    registration service does. ``drafts`` replaces the generator (tests)."""
    if not isinstance(n, int) or n < 0 or n > 10_000_000:
        raise InvalidInput(_("The number of travellers must be between 0 and 10,000,000."))
    post = _demo_post(db)
    if post is None:
        raise DemoDataError(_("The demo post is not prepared yet."))
    if n == 0:
        return 0
    with db.session() as s:
        recorder = s.scalar(select(User.id).where(User.post_id == post.id, User.role == Role.BORDER_OFFICIAL.value)
                            .order_by(User.created_at).limit(1)) or \
            s.scalar(select(User.id).where(User.post_id == post.id).limit(1))
    if recorder is None:
        raise DemoDataError(_("The demo post is not prepared yet."))
    if drafts is None:
        drafts = _generator()(n, seed=seed)
    source = iter(itertools.islice(drafts, n))
    total = 0
    while True:
        chunk = list(itertools.islice(source, batch))
        if not chunk:
            break
        total += _insert_batch(db, post.id, recorder, chunk)
    return total


def _sqlite_value(kind):
    """Python value -> what SQLAlchemy's SQLite dialect stores for this column type."""
    if isinstance(kind, UTCDateTime):
        return lambda v: None if v is None else v.astimezone(timezone.utc).replace(tzinfo=None).isoformat(
            sep=" ", timespec="microseconds")
    if isinstance(kind, Date):
        return lambda v: None if v is None else v.isoformat()
    if isinstance(kind, JSON):
        return lambda v: None if v is None else json.dumps(v)
    if isinstance(kind, Boolean):
        return lambda v: None if v is None else int(bool(v))
    return None


def _bulk_insert(conn, table, rows: list[dict]) -> None:
    """Insert many rows. SQLite: straight to the driver (the Core per-row overhead would
    dominate a million-row seeding); other databases: a Core ``executemany``."""
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), rows)
        return
    columns = list(table.c)
    names = [c.name for c in columns]
    converters = [_sqlite_value(c.type) for c in columns]
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
    # a column the rows do not mention takes its scalar default (``confirmed_invalid``: False), as an
    # ORM insert would; NOT NULL columns added later then need no change here
    defaults = {c.name: c.default.arg for c in columns
                if c.default is not None and c.default.is_scalar}
    plan = list(zip(names, converters, strict=True))
    values = [tuple([conv(row.get(name, defaults.get(name))) if conv else row.get(name, defaults.get(name))
                     for name, conv in plan]) for row in rows]
    conn.exec_driver_sql(sql, values)


def _insert_batch(db: Database, post_id: str, recorder: str, drafts: list[RegistrationDraft]) -> int:
    from .services import utcnow

    cleaned = [validation.draft_values(d) for d in drafts]
    keys = {(c.document["number"], c.document["issuing_state"]) for c in cleaned if c.document}
    now = utcnow()
    with db.session(write=True) as s:
        conn = s.connection()
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA cache_size = -131072")  # 128 MiB while bulk-loading
        known: dict[tuple, tuple[str, str]] = {}
        numbers = sorted({k[0] for k in keys})
        for i in range(0, len(numbers), 500):
            rows = conn.execute(select(IdentityDocument.number, IdentityDocument.issuing_state, IdentityDocument.id,
                                       IdentityDocument.person_id)
                                .where(IdentityDocument.post_id == post_id,
                                       IdentityDocument.number.in_(numbers[i:i + 500])))
            for number, state, known_doc, known_person in rows:
                known.setdefault((number, state), (known_doc, known_person))
        persons, documents, crossings = [], [], []
        for c in cleaned:
            doc_id: str | None = None
            person_id: str | None = None
            if c.document:
                key = (c.document["number"], c.document["issuing_state"])
                if key in known:
                    doc_id, person_id = known[key]
                else:
                    person_id, doc_id = new_id(), new_id()
                    known[key] = (doc_id, person_id)
                    persons.append(dict(c.person, id=person_id, post_id=post_id, created_at=now))
                    documents.append(dict(c.document, id=doc_id, post_id=post_id, person_id=person_id,
                                          created_at=now))
            else:
                person_id = new_id()
                persons.append(dict(c.person, id=person_id, post_id=post_id, created_at=now))
            crossings.append(dict(c.crossing, id=new_id(), post_id=post_id, person_id=person_id,
                                  document_id=doc_id, recorded_by=recorder, recorded_at=now, voided=False,
                                  void_reason=None, voided_by=None, voided_at=None))
        seq = next_seq(conn, post_id, len(persons) + len(documents) + len(crossings) + 1)
        for row in itertools.chain(persons, documents, crossings):
            row["change_seq"] = seq
            seq += 1
        _bulk_insert(conn, Person.__table__, persons)
        _bulk_insert(conn, PersonNameToken.__table__,
                     [t for p in persons for t in token_rows(p["id"], p["search_key"])])  # name search index
        _bulk_insert(conn, IdentityDocument.__table__, documents)
        _bulk_insert(conn, Crossing.__table__, crossings)
        conn.execute(insert(AuditLog), [{"id": new_id(), "post_id": post_id, "seq": seq, "at": now, "user_id": None,
                                         "action": "demo_seed", "entity": "crossing", "entity_id": None}])
    return len(crossings)
