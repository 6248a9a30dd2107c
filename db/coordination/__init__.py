"""The coordination database (PostgreSQL): posts and their keys, the import log, and the
posts' whitelisted data, imported from signed, encrypted bundles (``hhbm-bundle/1``).

Separate from the post's database: its own tables (:mod:`.models`), its own Alembic
environment and migrations (``db/coordination/migrations``, version table
``alembic_version_coordination``), its own roles (``hhbm_import``, ``hhbm_coordination``,
``hhbm_health``). ``border-app coordination init-db [--demo]`` creates it
(:func:`init_db`); the import is :mod:`.importer`, driven by
``border_app.usecases.import_bundles``. See docs/coordination.md.

The database is given by a URL (``--db``) or, without one, by libpq's ``PG*`` variables
(``PGHOST``, ``PGPORT``, ``PGDATABASE``, ``PGUSER``, ``PGPASSWORD`` or ``~/.pgpass``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from border_app.errors import InvalidInput, StorageError
from border_app.i18n import _

from .. import alembic_setup

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version_coordination"
#: what a URL-less connection uses: libpq reads the PG* variables
LIBPQ_URL = "postgresql+psycopg://"
ROLES = ("hhbm_import", "hhbm_coordination", "hhbm_health")


def resolve_url(url: str | None) -> str:
    """``--db URL`` wins; else libpq's ``PG*`` variables (an empty URL)."""
    return url.strip() if url and url.strip() else LIBPQ_URL


def make_coordination_engine(url: str | None) -> Engine:
    from db.engine import make_engine

    resolved = resolve_url(url)
    engine = make_engine(resolved)
    if engine.dialect.name != "postgresql":
        engine.dispose()
        raise InvalidInput(_("The coordination database must be a PostgreSQL database."))
    return engine


def alembic_config(connection=None):
    return alembic_setup.alembic_config(MIGRATIONS_DIR, connection)


def head_revision() -> str:
    return alembic_setup.head_revision(MIGRATIONS_DIR)


def _unreachable(exc: Exception) -> StorageError:
    return StorageError(_("The coordination database cannot be reached: check its address (--db or the PG* "
                          "variables) and that PostgreSQL is running."), detail=type(exc).__name__)


@dataclass
class CoordinationDB:
    """An open coordination database (engine + its demo flag)."""

    engine: Engine
    demo: bool
    url: str

    def dispose(self) -> None:
        self.engine.dispose()


def current_revision(conn) -> str | None:
    exists = conn.execute(text("SELECT to_regclass(:t)"), {"t": VERSION_TABLE}).scalar()
    if exists is None:
        return None
    return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def init_db(url: str | None, *, demo: bool = False) -> tuple[CoordinationDB, str]:
    """Create (or bring up to date) the coordination database and its roles. Returns the
    open database and what was done: ``created``, ``upgraded`` or ``current``. A database
    created for demo bundles stays one (and a real one stays real): asking for the other
    kind is refused."""
    from alembic import command

    engine = make_coordination_engine(url)
    try:
        with engine.begin() as conn:
            before = current_revision(conn)
            # one initialiser at a time (two init-db at once would race on CREATE ROLE)
            conn.execute(text("SELECT pg_advisory_xact_lock(2020020)"))
            command.upgrade(alembic_config(conn), "head")
            row = conn.execute(text("SELECT demo FROM database_info")).first()
            if row is None:
                conn.execute(text("INSERT INTO database_info (singleton, demo) VALUES (true, :d)"), {"d": demo})
                existing = demo
            else:
                existing = bool(row[0])
    except SQLAlchemyError as exc:
        engine.dispose()
        raise _database_error(exc) from exc
    if existing != demo:
        engine.dispose()
        raise InvalidInput(
            _("This coordination database was created for demo bundles (training): it cannot become a real one.")
            if existing else
            _("This coordination database is a real one: it cannot become a demo (training) database."))
    done = "created" if before is None else ("current" if before == head_revision() else "upgraded")
    return CoordinationDB(engine, existing, resolve_url(url)), done


def open_coordination(url: str | None) -> CoordinationDB:
    """Open an existing coordination database (made by ``init-db``, at the current schema)."""
    engine = make_coordination_engine(url)
    try:
        with engine.connect() as conn:
            revision = current_revision(conn)
            demo = conn.execute(text("SELECT demo FROM database_info")).scalar() if revision else None
    except SQLAlchemyError as exc:
        engine.dispose()
        raise _database_error(exc) from exc
    if revision is None or demo is None:
        engine.dispose()
        raise InvalidInput(_("This is not a coordination database yet: create it with "
                             "'border-app coordination init-db'."))
    if revision != head_revision():
        engine.dispose()
        raise InvalidInput(_("This coordination database has an older or newer schema: run "
                             "'border-app coordination init-db' with this version of the application."))
    return CoordinationDB(engine, bool(demo), resolve_url(url))


def _database_error(exc: SQLAlchemyError) -> StorageError:
    from sqlalchemy.exc import OperationalError, ProgrammingError

    if isinstance(exc, OperationalError):
        return _unreachable(exc)
    if isinstance(exc, ProgrammingError) and "permission denied" in str(exc).lower():
        return StorageError(_("The coordination database refused this user: it lacks the rights needed "
                              "(creating the roles needs CREATEROLE, creating the tables needs CREATE)."),
                            detail=type(exc).__name__)
    return StorageError(_("A coordination database error occurred: nothing was changed."),
                        detail=type(exc).__name__)


def accepted_post_schemas() -> frozenset[str]:
    """The post database revisions whose bundles this coordination accepts: every post
    schema this application knows from ``0003`` on (the whitelist's fields exist since);
    a bundle from a newer post schema is refused (``wrong_schema``) until the coordination
    is updated."""
    from db import MIGRATIONS_DIR as POST_MIGRATIONS
    from db import _REVISION_LINE

    found = set()
    for path in POST_MIGRATIONS.joinpath("versions").glob("*.py"):
        for key, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            if key == "revision" and value >= "0003":
                found.add(value)
    return frozenset(found)
