"""The CLI commands of the data layer: setup, users, demo, registrations."""

from __future__ import annotations

import json

import pytest

from border_app.cli import main
from border_app.clock import post_today

ADMIN_PASSWORD = "chef-secret"


@pytest.fixture
def fast_keys(monkeypatch):
    """The CLI uses the default (slow) key derivation; tests use the test parameters."""
    from border_app import keys

    monkeypatch.setattr(keys.KdfParams, "DEFAULT", keys.KdfParams.TEST)


@pytest.fixture
def set_up(home, monkeypatch, fast_keys, capsys):
    monkeypatch.setenv("BORDER_APP_PASSWORD", ADMIN_PASSWORD)
    code = main(["setup", "--post-name", "Poste de Gaya", "--pcode", "NE003006", "--language", "fr",
                 "--admin", "chef", "--admin-name", "Chef de poste"])
    assert code == 0
    capsys.readouterr()
    return home


def test_setup_creates_the_post_and_refuses_a_second_time(set_up, capsys):
    from border_app.paths import profile

    assert profile().database.exists() and profile().keystore.exists()
    assert main(["setup", "--post-name", "Autre", "--pcode", "NE003006", "--admin", "x"]) == 1
    assert "déjà configuré" in capsys.readouterr().err


def test_setup_rejects_a_bad_pcode_without_traceback(home, monkeypatch, fast_keys, capsys):
    monkeypatch.setenv("BORDER_APP_PASSWORD", ADMIN_PASSWORD)
    assert main(["setup", "--post-name", "Poste", "--pcode", "NIGER", "--admin", "chef"]) == 2
    err = capsys.readouterr().err
    assert "P-code" in err and "Traceback" not in err


def test_users_add_list_deactivate(set_up, tmp_path, capsys):
    pw = tmp_path / "pw.txt"
    pw.write_text("agent-secret\n", encoding="utf-8")
    assert main(["--user", "chef", "users", "add", "--username", "agent1", "--full-name", "Agent Un",
                 "--role", "border_official", "--new-password-file", str(pw)]) == 0
    assert "agent1" in capsys.readouterr().out
    assert main(["--user", "chef", "users", "list", "--json"]) == 0
    listed = {u["username"]: u for u in json.loads(capsys.readouterr().out)}
    assert listed["agent1"]["role"] == "border_official" and listed["agent1"]["active"] is True
    assert listed["chef"]["role"] == "post_admin"
    assert main(["--user", "chef", "users", "deactivate", "agent1"]) == 0
    assert main(["--user", "chef", "users", "list"]) == 0
    out = capsys.readouterr().out
    assert "désactivé" in out
    assert main(["--user", "chef", "users", "deactivate", "ghost"]) == 5


def test_users_needs_an_administrator(set_up, tmp_path, monkeypatch, capsys):
    pw = tmp_path / "pw.txt"
    pw.write_text("agent-secret", encoding="utf-8")
    assert main(["--user", "chef", "users", "add", "--username", "agent1", "--full-name", "Agent Un",
                 "--role", "border_official", "--new-password-file", str(pw)]) == 0
    monkeypatch.setenv("BORDER_APP_PASSWORD", "agent-secret")
    assert main(["--user", "agent1", "users", "list"]) == 4
    monkeypatch.setenv("BORDER_APP_PASSWORD", "wrong password")
    assert main(["--user", "chef", "users", "list"]) == 3
    assert "incorrect" in capsys.readouterr().err


def test_personal_data_commands_refuse_without_credentials(set_up, monkeypatch, capsys):
    monkeypatch.delenv("BORDER_APP_PASSWORD")
    assert main(["registrations", "--day", "2026-03-02"]) == 3
    assert "--user" in capsys.readouterr().err
    assert main(["--user", "chef", "users", "list"]) == 3  # no password, no terminal
    assert "mot de passe" in capsys.readouterr().err


def test_demo_command_fills_the_demo_profile_only(home, monkeypatch, fast_keys, capsys):
    from border_app.paths import profile

    assert main(["demo", "--travellers", "50"]) == 0
    out = capsys.readouterr().out
    assert "demo1234" in out and "50" in out
    assert profile(demo=True).database.exists() and not profile(demo=False).database.exists()
    assert main(["demo", "--travellers", "50", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "100" in out  # 100 crossings now
    monkeypatch.setenv("BORDER_APP_PASSWORD", "demo1234")
    today = post_today().isoformat()
    assert main(["--demo", "--user", "agent", "registrations", "--day", today, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert isinstance(rows, list)
    assert main(["--demo", "--user", "agent", "registrations", "--day", "02/03/2026"]) == 0  # as typed elsewhere
    assert main(["--demo", "--user", "agent", "registrations", "--day", "31/02/2026"]) == 2


def test_registrations_lists_a_day(set_up, tmp_path, monkeypatch, capsys):
    from datetime import datetime, timezone

    from border_app.paths import profile
    from db import open_database
    from db.services import AuthService, RegistrationService, UserService
    from db_helpers import draft

    prof = profile()
    database = open_database(prof.database_url, profile=prof)
    try:
        admin = AuthService(database).login("chef", ADMIN_PASSWORD)
        UserService(database, admin).create_user(username="agent1", full_name="Agent", role="border_official",
                                                 password="agent-secret")
        agent = AuthService(database).login("agent1", "agent-secret")
        RegistrationService(database, agent).register(draft(when=datetime(2026, 3, 2, 9, 15, tzinfo=timezone.utc)))
    finally:
        database.dispose()
    monkeypatch.setenv("BORDER_APP_PASSWORD", "agent-secret")
    assert main(["--user", "agent1", "registrations", "--day", "2026-03-02"]) == 0
    out = capsys.readouterr().out
    assert "10:15" in out and "Issoufou" in out and "AB1234567" in out
    assert main(["--user", "agent1", "registrations", "--day", "2026-03-02", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["surname"] == "Issoufou" and rows[0]["direction"] == "entry"
    monkeypatch.setenv("BORDER_APP_PASSWORD", ADMIN_PASSWORD)
    assert main(["--user", "chef", "registrations", "--day", "2026-03-02"]) == 4  # admin reads no travellers
