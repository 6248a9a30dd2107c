"""The data layer: one entry point, :func:`open_database`.

``Database.session()`` gives one Session per user action (committed on success, rolled
back on error; never shared across threads). Database errors become translated
:class:`~border_app.errors.StorageError` / :class:`~border_app.errors.ConflictError`
("nothing was saved"), never a traceback.

Migrations (Alembic, configured in code, scripts in ``db/migrations``): a fresh database
gets ``create_all()`` + ``stamp head``; an existing one older than head is first copied to
the profile's ``backups/`` folder (SQLite), then upgraded with ``upgrade head``.
"""

from __future__ import annotations

import contextlib
import re
import errno
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from border_app import clock
from border_app.errors import ConflictError, StorageError, UserFacingError
from border_app.i18n import _
from border_app.paths import Profile

from . import alembic_setup, changes
from .engine import WRITE_OPTION, is_sqlite, make_engine
from .models import Base

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

__all__ = ["Database", "open_database", "run_migrations", "storage_error"]


class Database:
    def __init__(self, engine, url: str, profile: Profile | None = None):
        self.engine = engine
        self.url = url
        self.profile = profile
        self.keystore_path: Path | None = profile.keystore if profile is not None else None
        self._sessions = sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
        self._write_sessions = sessionmaker(
            bind=engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False, autoflush=True
        )
        changes.install(self._sessions)
        changes.install(self._write_sessions)

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.engine)

    @contextlib.contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """A new Session for one user action: commit on success, roll back on any error.

        ``write=True`` takes SQLite's writer lock at the start (``BEGIN IMMEDIATE``), so a
        write never fails half-way because another writer came first.
        """
        factory = self._write_sessions if write else self._sessions
        session = factory()
        try:
            yield session
            session.commit()
        except UserFacingError:
            session.rollback()
            raise
        except SQLAlchemyError as exc:
            session.rollback()
            raise storage_error(exc) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:  # never print credentials
        return f"<Database {self.engine.url.render_as_string(hide_password=True)}>"


def storage_error(exc: BaseException) -> UserFacingError:
    """Translate a database exception into a user-facing error (no personal data)."""
    if isinstance(exc, IntegrityError):
        return ConflictError(_("This record conflicts with one already stored; nothing was saved."))
    text = str(getattr(exc, "orig", exc)).lower()
    if "full" in text or "no space" in text or getattr(getattr(exc, "orig", None), "sqlstate", "") == "53100":
        return StorageError(_("The disk is full: nothing was saved. Free some space and try again."))
    if "readonly" in text or "read-only" in text or "read only" in text:
        return StorageError(_("The database is read-only: nothing was saved."))
    if "locked" in text or "busy" in text or "lock timeout" in text:
        return StorageError(_("The database is busy (locked by another program): nothing was saved. Try again."))
    if isinstance(exc, (OperationalError, DBAPIError)):
        return StorageError(_("The database cannot be used right now: nothing was saved."), detail=type(exc).__name__)
    return StorageError(_("A database error occurred: nothing was saved."), detail=type(exc).__name__)


def alembic_config(connection=None):
    return alembic_setup.alembic_config(MIGRATIONS_DIR, connection)


def head_revision() -> str:
    return alembic_setup.head_revision(MIGRATIONS_DIR)


_REVISION_LINE = re.compile(r"""^(down_revision|revision)\s*(?::[^=]+)?=\s*(?:['"]([^'"]+)['"]|None)""", re.M)


def _head_revision_fast() -> str | None:
    """The head revision read from the migration files' text, without importing Alembic
    (about half a second at every start); ``None`` when it is not a single clear head."""
    revisions, parents = set(), set()
    for path in MIGRATIONS_DIR.joinpath("versions").glob("*.py"):
        found = dict((key, value) for key, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        if "revision" not in found:
            return None
        revisions.add(found["revision"])
        if found.get("down_revision"):
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _is_current_fast(connection) -> bool:
    """True when the database is already at head (checked without Alembic)."""
    head = _head_revision_fast()
    if head is None:
        return False
    try:
        rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").fetchall()
    except SQLAlchemyError:
        return False
    return [r[0] for r in rows] == [head]


def _current_revision(connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _known_revision(revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except (CommandError, KeyError):
        return False


def run_migrations(database: Database) -> str:
    """Bring the schema to head; returns what was done: ``created``, ``upgraded``, ``current``."""
    engine = database.engine
    with engine.connect() as conn:
        if _is_current_fast(conn):
            return "current"
    from alembic import command

    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        current = _current_revision(conn) if "alembic_version" in tables else None
    head = head_revision()
    if not tables - {"alembic_version"}:
        with engine.begin() as conn:
            Base.metadata.create_all(conn)
            command.stamp(alembic_config(conn), "head")
        return "created"
    if current == head:
        return "current"
    if current is None:
        raise StorageError(_("This file is not a border post database (no schema version); it was not changed."))
    if not _known_revision(current):
        raise StorageError(_("This database was written by a newer version of the application: "
                             "install that version; the database was not changed."))
    backup_sqlite(database, label=str(current))
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    return "upgraded"


def backup_sqlite(database: Database, *, label: str = "backup") -> Path | None:
    """Copy the SQLite database to ``profile.backups`` (consistent copy via SQLite's
    backup API); returns the copy's path, or ``None`` for other databases."""
    if not database.is_sqlite or database.profile is None:
        return None
    source = database.engine.url.database
    if not source or source == ":memory:":
        return None
    from border_app.atomic import make_private_dir

    folder = make_private_dir(database.profile.backups)
    stamp = clock.utcnow().strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"{Path(source).stem}-{label}-{stamp}.sqlite3"
    try:
        target.touch(mode=0o600, exist_ok=False)
        src = sqlite3.connect(source)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except (OSError, sqlite3.Error) as exc:
        with contextlib.suppress(OSError):
            target.unlink()
        if getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT) or "full" in str(exc).lower():
            raise StorageError(_("The disk is full: the database could not be backed up before its upgrade; "
                                 "nothing was changed.")) from exc
        raise StorageError(_("The database could not be backed up before its upgrade; nothing was changed.")) from exc
    log.info("database backed up before upgrade")
    return target


def open_database(url: str, *, profile: Profile | None = None, migrate: bool = True) -> Database:
    """Open ``url`` (and bring its schema up to date unless ``migrate=False``)."""
    engine = make_engine(url)
    database = Database(engine, url, profile)
    if migrate:
        try:
            run_migrations(database)
        except UserFacingError:
            engine.dispose()
            raise
        except SQLAlchemyError as exc:
            engine.dispose()
            raise storage_error(exc) from exc
    return database
