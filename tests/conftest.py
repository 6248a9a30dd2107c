"""Shared fixtures. Area-specific fixtures live in the areas' own conftest files."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

@pytest.fixture
def fast_hashing():
    """Password hashing at test speed (the real Argon2 parameters take a second a login)."""
    from argon2 import PasswordHasher

    from db import passwords

    old = passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    yield
    passwords.use_hasher(old)


SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
PG_ENV = "BORDER_APP_TEST_PG_URL"


@pytest.fixture(autouse=True)
def _french_by_default():
    """Every test starts in the default language (French) and leaves it so."""
    from border_app import i18n

    i18n.set_language("fr")
    yield
    i18n.set_language("fr")


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A private, empty BORDER_APP_HOME for this test."""
    root = tmp_path / "home"
    root.mkdir()
    monkeypatch.setenv("BORDER_APP_HOME", str(root))
    monkeypatch.delenv("BORDER_APP_PASSWORD", raising=False)
    monkeypatch.delenv("BORDER_APP_DATABASE_URL", raising=False)
    return root


def require_shared(path: Path) -> Path:
    """``path`` (under ``../shared/data``) if it exists; else skip the test locally, but fail it in CI.

    The sample sets are not in this repository; a CI run (``CI`` set) without them would otherwise
    pass with the tests that need them silently skipped.
    """
    if path.exists():
        return path
    message = f"shared sample data not found at {path}"
    if os.environ.get("CI"):
        pytest.fail(f"{message}: CI must provide ../shared/data", pytrace=False)
    pytest.skip(message)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "shared_data(*parts): needs ../shared/data/<parts>; skipped when absent, a failure in CI")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """``@pytest.mark.shared_data("mrz-docs")``: before any other skip (an empty parameter set's too)."""
    for mark in item.iter_markers("shared_data"):
        require_shared(SHARED_DATA.joinpath(*mark.args))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The ``../shared/data`` folder (see :func:`require_shared`)."""
    return require_shared(SHARED_DATA)


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    """URL of the PostgreSQL server that ``./dev test`` starts (never mocked).

    Locally, without ``./dev test``, the tests that need it are skipped; in CI (CI=true)
    a missing server is a failure, not a skip.
    """
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set: .ci/run must start PostgreSQL (./dev test does)")
        pytest.skip(f"{PG_ENV} not set: run the suite with ./dev test to start PostgreSQL")
    return url


@pytest.fixture
def pg_url(pg_server_url):
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    import sqlalchemy as sa

    name = "t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = pg_server_url.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name})
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture
def clock_at(monkeypatch):
    """``clock_at(moment)`` stands the application's clock at ``moment`` (UTC-aware) for the test."""
    from border_app import clock

    def stand(moment):
        assert moment.tzinfo is not None
        monkeypatch.setattr(clock, "source", lambda: moment)

    return stand
