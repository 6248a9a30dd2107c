"""A killed import leaves nothing half-applied; the roles' rights, tested by connecting as
users holding each role."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from border_app.usecases.import_bundles import import_bundles

from .helpers import checksums, import_count, records_for, write

CHILD = r"""
import os, sys, time
from pathlib import Path
from border_app.keys import Keystore
from db.coordination import open_coordination
from border_app.usecases import import_bundles as ib

keys = Keystore.load(Path(sys.argv[2])).unlock("admin", "pw")
db = open_coordination(sys.argv[1])

def stop_here():
    print("STAGED", flush=True)
    time.sleep(600)

ib.import_one(db, Path(sys.argv[3]), private_keys=keys.coordination_private_keys(), after_stage=stop_here)
"""


def test_killed_import_leaves_nothing_and_the_next_succeeds(cdb, coord, actor, post, tmp_path):
    path = write(tmp_path, post[1], coord[1], records_for(range(1, 401)), from_seq=0, to_seq=400)
    before, n = checksums(cdb), import_count(cdb)
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(root))
    child = subprocess.Popen([sys.executable, "-c", CHILD, cdb.url, str(coord[0].path), str(path)],
                             stdout=subprocess.PIPE, env=env, cwd=root)
    try:
        assert child.stdout.readline().strip() == b"STAGED"     # COPY and merge done, not committed
        with cdb.engine.connect() as conn:                        # the other session sees nothing yet
            assert conn.execute(text("SELECT count(*) FROM persons")).scalar() == 0
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    # PostgreSQL notices the dead client and rolls its transaction back
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with cdb.engine.connect() as conn:
            busy = conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                     "AND state LIKE 'idle in transaction%'")).scalar()
        if not busy:
            break
        time.sleep(0.2)
    assert checksums(cdb) == before and import_count(cdb) == n
    [result] = import_bundles(cdb, actor, [path])
    assert result.status == "imported"
    with cdb.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM persons")).scalar() == 100


@pytest.fixture
def users(cdb, coord_url):
    """Login users holding each role (cluster-wide: dropped afterwards)."""
    tag = uuid.uuid4().hex[:6]
    made = {}
    with cdb.engine.begin() as conn:
        for role in ("hhbm_import", "hhbm_coordination", "hhbm_health"):
            name = f"t_{role}_{tag}"
            conn.execute(text(f"CREATE ROLE {name} LOGIN PASSWORD 'pw' IN ROLE {role}"))
            made[role] = make_url(coord_url).set(username=name, password="pw").render_as_string(
                hide_password=False)
    yield made
    with cdb.engine.begin() as conn:
        for role in made:
            conn.execute(text(f"DROP ROLE t_{role}_{tag}"))


def _can_read(url: str, table: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text(f"SELECT * FROM {table} LIMIT 1")).all()
        return True
    except ProgrammingError as exc:
        assert "permission denied" in str(exc)
        return False
    finally:
        engine.dispose()


def test_health_rows_unreadable_to_the_coordination_role(cdb, coord, actor, post, tmp_path, users):
    import_bundles(cdb, actor, [write(tmp_path, post[1], coord[1], records_for(range(1, 9)), from_seq=0, to_seq=8)])
    assert _can_read(users["hhbm_coordination"], "screenings")
    assert _can_read(users["hhbm_coordination"], "crossings")
    assert not _can_read(users["hhbm_coordination"], "health")
    assert _can_read(users["hhbm_health"], "health")
    assert _can_read(users["hhbm_health"], "persons")
    # the reading roles cannot write
    engine = create_engine(users["hhbm_health"])
    with pytest.raises(ProgrammingError), engine.begin() as conn:
        conn.execute(text("DELETE FROM persons"))
    engine.dispose()


def test_the_import_role_imports(cdb, coord, actor, post, tmp_path, users):
    from db.coordination import open_coordination

    db = open_coordination(users["hhbm_import"])
    try:
        path = write(tmp_path, post[1], coord[1], records_for(range(1, 9)), from_seq=0, to_seq=8,
                     created_at="2026-05-01T10:00:00Z")
        [result] = import_bundles(db, actor, [path])
        assert result.status == "imported", result
    finally:
        db.dispose()
