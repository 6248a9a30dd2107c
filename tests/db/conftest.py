"""Fixtures of the data-layer tests: fast password hashing, databases with a post and
one signed-in actor per role, registration drafts."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from db_helpers import World, make_world  # noqa: F401


@pytest.fixture(autouse=True)
def fast_hashing():
    from db import passwords

    old = passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    yield
    passwords.use_hasher(old)


@pytest.fixture
def kdf():
    from border_app.keys import KdfParams

    return KdfParams.TEST


@pytest.fixture
def sqlite_db(home):
    from border_app.paths import profile
    from db import open_database

    prof = profile().ensure()
    database = open_database(prof.database_url, profile=prof)
    yield database
    database.dispose()


@pytest.fixture
def pg_db(pg_url):
    from db import open_database

    database = open_database(pg_url)
    yield database
    database.dispose()


@pytest.fixture
def world(sqlite_db, kdf) -> World:
    return make_world(sqlite_db, kdf)


@pytest.fixture
def pg_world(pg_db) -> World:
    return make_world(pg_db)


