"""The one engine factory. Repositories never create engines themselves.

SQLite (the post laptop): WAL journal, foreign keys on, ``synchronous=FULL`` (power cuts
are common at border posts), a busy timeout, and explicit ``BEGIN`` handling so that a
write transaction can take SQLite's single writer lock up front (``BEGIN IMMEDIATE``).
PostgreSQL (coordination database): psycopg 3.

The security work will switch SQLite to SQLCipher here, without touching the repositories.
"""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

from border_app.errors import InvalidInput
from border_app.i18n import _

SQLITE_BUSY_TIMEOUT_MS = 10_000
#: execution option that makes a session's transaction start with ``BEGIN IMMEDIATE``
WRITE_OPTION = "border_app_write"


def is_sqlite(url_or_engine) -> bool:
    url = url_or_engine.url if hasattr(url_or_engine, "url") else make_url(str(url_or_engine))
    return url.get_backend_name() == "sqlite"


def make_engine(url: str) -> Engine:
    """Create the engine for ``url`` (``sqlite:///...`` or ``postgresql+psycopg://...``)."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # noqa: BLE001 - any parse failure is bad input
        raise InvalidInput(_("The database address is not valid.")) from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed)
    if backend == "postgresql":
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True, future=True)
    raise InvalidInput(_("Unsupported database type: {kind}.").format(kind=backend))


def _sqlite_engine(parsed) -> Engine:
    memory = parsed.database in (None, "", ":memory:")
    kwargs: dict = {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}}
    if memory:  # one shared connection, or every checkout would see a new empty database
        kwargs["poolclass"] = StaticPool
    engine = create_engine(parsed, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every test
        # let SQLAlchemy (not the driver) decide when transactions begin
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        try:
            if not memory:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover - exercised by every test
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine
