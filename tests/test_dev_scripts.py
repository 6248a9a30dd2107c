"""The set-up scripts' contracts that CI depends on.

``./dev test`` captures what ``scripts/start-postgres.sh`` prints as the test server's URL. Debian's
tools print chatter on stdout (``pg_ctlcluster`` says "Removed stale pid file." after a power cut),
which once ended up inside the URL and broke every PostgreSQL test in CI. These tests run the script
against stand-ins for the Debian commands that are as noisy as the real ones.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "start-postgres.sh"


def _stub(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)


@pytest.fixture
def noisy_tools(tmp_path) -> dict:
    """Stand-ins for pg_lsclusters, pg_ctlcluster, su and sudo; the cluster starts 'down'."""
    if not Path("/usr/lib/postgresql").is_dir():
        pytest.skip("the Debian postgresql package is not installed")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    state = tmp_path / "state"
    version = sorted(os.listdir("/usr/lib/postgresql"), key=lambda v: [int(p) for p in v.split(".") if p.isdigit()])[-1]
    _stub(bin_dir, "pg_lsclusters", f"""
if [ -f {state} ]; then s=online; else s=down; fi
[ "$1" = -h ] || echo "Ver Cluster Port Status Owner Data directory Log file"
echo "{version} main 5439 $s postgres /var/lib/postgresql/{version}/main /var/log/x.log"
""")
    _stub(bin_dir, "pg_ctlcluster", f'echo "Removed stale pid file."; touch {state}')
    _stub(bin_dir, "pg_createcluster", 'echo "Creating new PostgreSQL cluster"')
    # su/sudo run the psql/createdb command lines; answer "1" to every query, chatter otherwise.
    _stub(bin_dir, "su", 'echo 1; echo "NOTICE: chatter" >&2')
    _stub(bin_dir, "sudo", 'echo 1')
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}")
    return {"env": env, "state": state}


def test_start_postgres_prints_only_the_url(noisy_tools):
    done = subprocess.run(["bash", str(SCRIPT)], env=noisy_tools["env"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "postgresql+psycopg://border_test:border_test@127.0.0.1:5439/border_test\n"
    assert "Removed stale pid file." in done.stderr
    assert noisy_tools["state"].exists()  # the cluster was started


def test_start_postgres_when_already_online(noisy_tools):
    noisy_tools["state"].touch()
    done = subprocess.run(["bash", str(SCRIPT)], env=noisy_tools["env"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "postgresql+psycopg://border_test:border_test@127.0.0.1:5439/border_test"]


def test_dev_test_refuses_a_malformed_url():
    text = (ROOT / "dev").read_text()
    assert "start-postgres.sh | tail -n 1" in text
    assert "postgresql+psycopg://*)" in text
