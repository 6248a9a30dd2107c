"""``border-app coordination init-db|posts|import|status`` end to end on the demo profile
and a demo coordination database (real PostgreSQL): the JSON lines and exit codes of the
interface, ``--db`` or the PG* variables."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy.engine import make_url

from border_app.cli import main

from .helpers import create_database, drop_database, pg_url, records_for, write


@pytest.fixture
def profile(home, monkeypatch, fast_hashing):
    from border_app import keys

    monkeypatch.setattr(keys.KdfParams, "DEFAULT", keys.KdfParams.TEST)
    monkeypatch.setenv("BORDER_APP_PASSWORD", "demo1234")
    assert main(["--demo", "demo", "--travellers", "3"]) == 0


@pytest.fixture
def url():
    server = pg_url()
    name = f"hhbm_coord_cli_{uuid.uuid4().hex[:8]}"
    yield create_database(server, name)
    drop_database(server, name)


def _json_lines(capsys):
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]


def test_init_register_import_status(profile, url, tmp_path, capsys, monkeypatch):
    from border_app.paths import profile as app_profile
    from db import open_database
    from db.services import AuthService

    assert main(["--demo", "--user", "admin", "coordination", "keys", "init"]) == 0
    assert main(["--demo", "keys", "export-public", "--out", str(tmp_path / "post.json")]) == 0
    assert main(["--demo", "--user", "admin", "coordination", "init-db", "--demo", "--db", url]) == 0
    assert main(["--demo", "--user", "admin", "coordination", "posts", "add", "--public-keys",
                 str(tmp_path / "post.json"), "--db", url]) == 0
    capsys.readouterr()
    assert main(["--demo", "--user", "coordination", "coordination", "posts", "list", "--json", "--db", url]) == 0
    [listing] = _json_lines(capsys)
    [registered] = listing["posts"]
    assert registered["revoked"] is False

    prof = app_profile(True)
    db = open_database(prof.database_url, profile=prof)
    keys = AuthService(db).login("coordination", "demo1234").keys
    db.dispose()
    bundle = write(tmp_path, keys, keys, records_for(range(1, 13)), from_seq=0, to_seq=12,
                   pcode="NE999", name="Démo")
    junk = tmp_path / "junk.hhbm"
    junk.write_bytes(b"junk")

    argv = ["--demo", "--user", "coordination", "coordination", "import", "--json", "--db", url]
    assert main(argv + [str(bundle)]) == 0
    [line] = _json_lines(capsys)
    assert line["status"] == "imported" and line["bundle"] == str(bundle.resolve())
    assert line["post_id"] == registered["post_id"] and line["counts"]["crossings"] == 3
    assert main(argv + [str(bundle), str(junk)]) == 1
    again, bad = _json_lines(capsys)
    assert again["status"] == "already_imported" and again["reason_code"] is None
    assert bad == {"bundle": str(junk.resolve()), "status": "rejected", "reason_code": "not_a_bundle",
                   "reason": bad["reason"], "post_id": None, "counts": None}
    assert bad["reason"]

    # libpq's PG* variables when --db is not given
    u = make_url(url)
    for var, value in (("PGHOST", u.host), ("PGPORT", str(u.port or 5432)), ("PGDATABASE", u.database),
                       ("PGUSER", u.username), ("PGPASSWORD", u.password)):
        monkeypatch.setenv(var, value)
    assert main(["--demo", "--user", "coordination", "coordination", "status", "--json"]) == 0
    [status] = _json_lines(capsys)
    [p] = status["posts"]
    assert set(p) == {"post_id", "name", "pcode", "last_seq", "counts", "last_import_at", "clock_skew_s", "gaps"}
    assert p["last_seq"] == 12 and p["gaps"] == [] and p["counts"]["persons"] == 3
    assert isinstance(p["clock_skew_s"], float)

    # roles: a border official may not import, an administrator revokes
    assert main(["--demo", "--user", "agent", "coordination", "import", str(bundle)]) == 4
    assert main(["--demo", "--user", "admin", "coordination", "posts", "revoke", registered["post_id"]]) == 0
