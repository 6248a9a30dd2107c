"""``border-app users unlock`` and ``users reset-password`` (issue #18, defect 9), and the
global options accepted after the sub-command (defect 19)."""

from __future__ import annotations

import io
import json

import pytest
from argon2 import PasswordHasher

from border_app.cli import main

ADMIN_PASSWORD = "chef-secret"
AGENT_PASSWORD = "agent-secret"


@pytest.fixture
def fast(monkeypatch):
    from border_app import keys
    from db import passwords

    monkeypatch.setattr(keys.KdfParams, "DEFAULT", keys.KdfParams.TEST)
    old = passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    yield
    passwords.use_hasher(old)


@pytest.fixture
def post(home, monkeypatch, fast, tmp_path, capsys):
    """A real post (administrator ``chef``) with one border official ``agent1``."""
    monkeypatch.setenv("BORDER_APP_PASSWORD", ADMIN_PASSWORD)
    assert main(["setup", "--post-name", "Poste de Gaya", "--pcode", "NE003006", "--language", "fr",
                 "--admin", "chef", "--admin-name", "Chef de poste"]) == 0
    pw = tmp_path / "agent.txt"
    pw.write_text(AGENT_PASSWORD + "\n", encoding="utf-8")
    assert main(["--user", "chef", "users", "add", "--username", "agent1", "--full-name", "Agent Un",
                 "--role", "border_official", "--new-password-file", str(pw)]) == 0
    capsys.readouterr()
    return home


def _lock(name: str) -> None:
    from border_app.errors import AuthenticationError
    from border_app.paths import profile
    from db import open_database
    from db.services import MAX_FAILED_LOGINS, AuthService

    prof = profile()
    db = open_database(prof.database_url, profile=prof)
    try:
        for _i in range(MAX_FAILED_LOGINS):
            with pytest.raises(AuthenticationError):
                AuthService(db).login(name, "wrong wrong")
        with pytest.raises(AuthenticationError):  # locked now, even with the right password
            AuthService(db).login(name, AGENT_PASSWORD)
    finally:
        db.dispose()


def _audit_actions() -> list[str]:
    import sqlalchemy as sa

    from border_app.paths import profile
    from db import open_database
    from db.models import AuditLog

    prof = profile()
    db = open_database(prof.database_url, profile=prof)
    try:
        with db.session() as s:
            return list(s.scalars(sa.select(AuditLog.action)))
    finally:
        db.dispose()


def test_unlock_lets_a_locked_account_sign_in_again(post, monkeypatch, capsys):
    _lock("agent1")
    assert main(["--user", "chef", "users", "list", "--json"]) == 0
    listed = {u["username"]: u for u in json.loads(capsys.readouterr().out)}
    assert listed["agent1"]["locked"] is True and listed["chef"]["locked"] is False
    assert main(["users", "unlock", "agent1", "--user", "chef"]) == 0
    assert "agent1" in capsys.readouterr().out
    assert "unlock" in _audit_actions()
    monkeypatch.setenv("BORDER_APP_PASSWORD", AGENT_PASSWORD)
    assert main(["registrations", "--day", "2026-03-02", "--user", "agent1"]) == 0


def test_unlock_unknown_account_and_non_administrator(post, monkeypatch, capsys):
    assert main(["--user", "chef", "users", "unlock", "ghost"]) == 5
    monkeypatch.setenv("BORDER_APP_PASSWORD", AGENT_PASSWORD)
    assert main(["--user", "agent1", "users", "unlock", "agent1"]) == 4
    assert main(["--user", "agent1", "users", "reset-password", "agent1"]) == 4


def test_reset_password_from_a_file(post, tmp_path, monkeypatch, capsys):
    _lock("agent1")
    new = tmp_path / "new.txt"
    new.write_text("brand new secret\n", encoding="utf-8")
    assert main(["--user", "chef", "users", "reset-password", "agent1", "--new-password-file", str(new)]) == 0
    assert "agent1" in capsys.readouterr().out
    assert "reset_password" in _audit_actions()
    monkeypatch.setenv("BORDER_APP_PASSWORD", AGENT_PASSWORD)  # the old password no longer works
    assert main(["registrations", "--day", "2026-03-02", "--user", "agent1"]) == 3
    monkeypatch.setenv("BORDER_APP_PASSWORD", "brand new secret")  # the new one does, unlocked
    assert main(["registrations", "--day", "2026-03-02", "--user", "agent1"]) == 0


def test_reset_password_refused_without_a_terminal_or_a_file(post, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["--user", "chef", "users", "reset-password", "agent1"]) == 2
    assert "--new-password-file" in capsys.readouterr().err
    assert "reset_password" not in _audit_actions()


def test_reset_password_asks_twice_in_a_terminal(post, monkeypatch, capsys):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr("sys.stdin", Tty(""))
    answers = iter(["first secret", "other secret"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["--user", "chef", "users", "reset-password", "agent1"]) == 2
    assert "reset_password" not in _audit_actions()
    answers = iter(["typed secret", "typed secret"])
    assert main(["--user", "chef", "users", "reset-password", "agent1"]) == 0
    monkeypatch.setenv("BORDER_APP_PASSWORD", "typed secret")
    assert main(["--user", "agent1", "registrations", "--day", "2026-03-02"]) == 0


def test_global_options_after_the_sub_command(post, tmp_path, monkeypatch, capsys):
    pw = tmp_path / "chef.txt"
    pw.write_text(ADMIN_PASSWORD, encoding="utf-8")
    monkeypatch.delenv("BORDER_APP_PASSWORD")
    # the example: the user after the sub-command's own options
    assert main(["users", "list", "--json", "--user", "chef", "--password-file", str(pw)]) == 0
    assert "agent1" in capsys.readouterr().out
    assert main(["users", "add", "--username", "agent2", "--full-name", "Agent Deux", "--role", "supervisor",
                 "--new-password-file", str(pw), "--user", "chef", "--password-file", str(pw)]) == 0
    capsys.readouterr()
    assert main(["registrations", "--day", "2026-03-02", "--user", "agent2", "--password-file", str(pw),
                 "--lang", "en"]) == 0
    assert "0 registrations" in capsys.readouterr().out
    # before the sub-command still works, and an option given before is kept
    assert main(["--user", "chef", "--password-file", str(pw), "users", "list"]) == 0
    capsys.readouterr()
    # --lang after the sub-command changes the messages' language
    assert main(["registrations", "--day", "2026-03-02", "--lang", "en"]) == 3
    assert "personal data" in capsys.readouterr().err
    assert main(["registrations", "--day", "2026-03-02", "--lang", "fr"]) == 3
    assert "données personnelles" in capsys.readouterr().err


def test_demo_after_the_sub_command_uses_the_demo_post(home, fast, monkeypatch, capsys):
    assert main(["demo", "--travellers", "2"]) == 0
    monkeypatch.setenv("BORDER_APP_PASSWORD", "demo1234")
    assert main(["registrations", "--day", "2026-03-02", "--user", "agent"]) == 3  # no real post
    assert main(["registrations", "--day", "2026-03-02", "--user", "agent", "--demo"]) == 0
