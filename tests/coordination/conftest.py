"""Fixtures of the coordination tests (a fresh PostgreSQL database each): skipped without
BORDER_APP_TEST_PG_URL, a failure in CI."""

from __future__ import annotations

import uuid

import pytest

from db.coordination import init_db
from db.coordination.posts import add_post, read_public_file

from .helpers import Coordinator, create_database, drop_database, keystore, pg_url, public_doc


@pytest.fixture
def server_url() -> str:
    return pg_url()


@pytest.fixture
def coord_url(server_url):
    name = f"hhbm_coord_t_{uuid.uuid4().hex[:10]}"
    url = create_database(server_url, name)
    yield url
    drop_database(server_url, name)


@pytest.fixture
def cdb(coord_url):
    db, done = init_db(coord_url)
    assert done == "created"
    yield db
    db.dispose()


@pytest.fixture
def coord(tmp_path):
    """The coordination's keystore and unlocked keys."""
    return keystore(tmp_path, "coordination", coordination=True)


@pytest.fixture
def actor(coord):
    return Coordinator(keys=coord[1])


@pytest.fixture
def post(tmp_path, cdb):
    """A registered post: (store, unlocked keys)."""
    store, keys = keystore(tmp_path, "post")
    register(cdb, store, "Makalondi", "NE003")
    return store, keys


def register(cdb, store, name: str, pcode: str) -> str:
    keys, name, pcode = read_public_file(public_doc(store, name, pcode))
    return add_post(cdb, keys, name=name, pcode=pcode)
