"""Alembic environment of the coordination database (its own, separate from the post's
``db/migrations``): configured in code, always given an open connection by
:func:`db.coordination.init_db`."""

from __future__ import annotations

from alembic import context

from db.coordination.models import metadata

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(connection=connection, target_metadata=metadata,
                      version_table="alembic_version_coordination")
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover - we never generate SQL scripts
    raise SystemExit("offline migrations are not supported")
run_migrations_online()
