"""Schema: create_all() + stamp (fresh databases) and the Alembic scripts (upgrades) must
give the same schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa


def _compare(url: str) -> list:
    """Build the schema with the migration scripts only, then diff it with the models."""
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from db import alembic_config
    from db.engine import make_engine
    from db.models import Base

    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            return compare_metadata(ctx, Base.metadata)
    finally:
        engine.dispose()


def _schema(url: str) -> dict:
    from db.engine import make_engine

    engine = make_engine(url)
    try:
        insp = sa.inspect(engine)
        out = {}
        for table in sorted(insp.get_table_names()):
            out[table] = {
                "columns": sorted((c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(table)),
                "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                                  for i in insp.get_indexes(table)),
                "fks": sorted((tuple(f["constrained_columns"]), f["referred_table"])
                              for f in insp.get_foreign_keys(table)),
                "pk": tuple(insp.get_pk_constraint(table)["constrained_columns"]),
                "unique": sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(table)),
            }
        return out
    finally:
        engine.dispose()


def test_sqlite_upgrade_head_matches_models(tmp_path):
    assert _compare(f"sqlite:///{tmp_path / 'up.sqlite3'}") == []


def test_sqlite_create_all_and_upgrade_give_the_same_schema(tmp_path):
    from db import open_database

    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    open_database(fresh).dispose()  # create_all + stamp head
    upgraded = f"sqlite:///{tmp_path / 'up.sqlite3'}"
    _compare(upgraded)
    assert _schema(fresh) == _schema(upgraded)
    assert "alembic_version" in _schema(fresh)


@pytest.mark.postgres
def test_postgres_upgrade_head_matches_models(pg_url):
    assert _compare(pg_url) == []


@pytest.mark.postgres
def test_postgres_create_all_and_upgrade_give_the_same_schema(pg_url, pg_server_url):
    import uuid

    from db import open_database

    open_database(pg_url).dispose()
    fresh = _schema(pg_url)
    # a second database, built by the migration scripts
    name = "t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = pg_server_url.rsplit("/", 1)[0] + "/" + name
    try:
        assert _compare(url) == []
        assert _schema(url) == fresh
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                         {"n": name})
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def test_fresh_database_is_stamped_and_reopening_changes_nothing(home):
    from border_app.paths import profile
    from db import head_revision, open_database, run_migrations

    prof = profile().ensure()
    database = open_database(prof.database_url, profile=prof)
    with database.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() == head_revision()
    assert run_migrations(database) == "current"
    database.dispose()
    assert list(prof.backups.iterdir()) == []  # no upgrade, no copy


def test_sqlite_pragmas_for_unreliable_power(sqlite_db):
    with sqlite_db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_backup_before_upgrade_is_a_consistent_private_copy(world):
    from db import backup_sqlite

    copy = backup_sqlite(world.db, label="0000")
    assert copy is not None and copy.parent == world.db.profile.backups
    assert (copy.stat().st_mode & 0o077) == 0
    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 1 + 5
    finally:
        conn.close()


def test_older_schema_is_backed_up_then_upgraded(home, monkeypatch):
    """An existing database behind head: copied to backups/ first, then upgraded."""
    from alembic import command

    import db as dbmod
    from border_app.paths import profile
    from db import open_database

    prof = profile().ensure()
    database = open_database(prof.database_url, profile=prof)
    with database.engine.begin() as conn:  # pretend the file predates the current head
        conn.execute(sa.text("UPDATE alembic_version SET version_num = 'older'"))
    upgraded = []

    def fake_upgrade(cfg, target):
        assert list(prof.backups.iterdir()), "the copy must exist before the upgrade runs"
        upgraded.append(target)
        command.stamp(cfg, "head", purge=True)

    monkeypatch.setattr(command, "upgrade", fake_upgrade)
    monkeypatch.setattr(dbmod, "_known_revision", lambda rev: True)
    assert dbmod.run_migrations(database) == "upgraded"
    assert upgraded == ["head"]
    backups = list(prof.backups.iterdir())
    assert len(backups) == 1 and "older" in backups[0].name
    database.dispose()


def test_a_foreign_file_is_refused_and_left_alone(tmp_path):
    from border_app.errors import StorageError
    from db import open_database

    path = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x TEXT)")
    conn.execute("INSERT INTO notes VALUES ('keep me')")
    conn.commit()
    conn.close()
    with pytest.raises(StorageError):
        open_database(f"sqlite:///{path}")
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT x FROM notes").fetchall() == [("keep me",)]
    conn.close()


def test_a_database_from_a_newer_version_is_refused(home):
    from border_app.errors import StorageError
    from border_app.paths import profile
    from db import open_database

    prof = profile().ensure()
    open_database(prof.database_url, profile=prof).dispose()
    conn = sqlite3.connect(prof.database)
    conn.execute("UPDATE alembic_version SET version_num = 'fffffffff'")
    conn.commit()
    conn.close()
    with pytest.raises(StorageError, match="version"):
        open_database(prof.database_url, profile=prof)
