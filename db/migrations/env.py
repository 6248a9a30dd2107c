"""Alembic environment, configured in code (no alembic.ini at run time).

``db.alembic_config(connection)`` passes an open connection in ``config.attributes``;
SQLite uses batch mode (``render_as_batch``) because it can barely ALTER tables.
"""

from __future__ import annotations

from alembic import context

from db.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from db.engine import make_engine

        url = config.get_main_option("sqlalchemy.url")
        if url is None:
            raise RuntimeError("migrations: neither a connection nor sqlalchemy.url was given")
        engine = make_engine(url)
        with engine.connect() as connection:
            _run(connection)
            connection.commit()
        engine.dispose()
        return
    _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover - we never generate SQL scripts
    raise SystemExit("offline migrations are not supported")
run_migrations_online()
