"""``border-app register --from FILE.jsonl [--json]`` (issue #19): travellers recorded
elsewhere, validated as the registration screen validates, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from border_app.cli import main

TD3_VALID = ["P<NERMOUSSA<<HALIMA<<<<<<<<<<<<<<<<<<<<<<<<<", "NE76543219NER9205037F3106305<<<<<<<<<<<<<<<0"]
TD3_EXPIRED = ["P<NERMOUSSA<<AICHATOU<<<<<<<<<<<<<<<<<<<<<<<", "NE12345671NER9004023F2106308<<<<<<<<<<<<<<<4"]
TD3_BAD_CHECK = [TD3_EXPIRED[0], "NE12345679NER9004023F3106308<<<<<<<<<<<<<<<4"]

GOOD = [
    {"surname": "Issoufou", "given_names": "Amadou", "sex": "M", "birth_date": "1985", "nationality": "NER",
     "identity_declared": True, "direction": "entry", "transport_mode": "foot", "crossed_at": "2026-01-10T08:15"},
    {"mrz": TD3_VALID, "direction": "exit", "crossed_at": "2026-01-10T09:00:00+00:00"},
    {"surname": "Garba", "sex": "F", "nationality": "NER", "direction": "entry", "group_size": 3,
     "document": {"type": "id_card", "number": "id 998877", "issuing_state": "NER", "expiry_date": "2030-01-01"}},
    {"mrz": TD3_EXPIRED, "direction": "entry", "confirmed_expired": True},
]


@pytest.fixture
def post(home, monkeypatch, fast_hashing):
    """The demo post, signed in as the border official (fast password hashing)."""
    from border_app import keys

    monkeypatch.setattr(keys.KdfParams, "DEFAULT", keys.KdfParams.TEST)
    monkeypatch.setenv("BORDER_APP_PASSWORD", "demo1234")
    assert main(["--demo", "demo", "--travellers", "3"]) == 0


def _file(tmp_path: Path, rows, name="in.jsonl") -> str:
    path = tmp_path / name
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return str(path)


def _registrations(capsys, day: str) -> list[dict]:
    assert main(["--demo", "registrations", "--day", day, "--json", "--user", "agent"]) == 0
    return json.loads(capsys.readouterr().out)


def _count(ctx_home) -> int:
    import sqlalchemy as sa

    from border_app import paths

    engine = sa.create_engine(paths.profile(True).database_url)
    with engine.connect() as conn:
        n = conn.execute(sa.text("SELECT COUNT(*) FROM crossings")).scalar_one()
    engine.dispose()
    return n


def test_a_good_file_is_registered_and_listed(post, home, tmp_path, capsys):
    before = _count(home)
    assert main(["--demo", "register", "--from", _file(tmp_path, GOOD), "--json", "--user", "agent"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["registered"] == 4 and len(out["crossing_ids"]) == 4 and _count(home) == before + 4
    rows = {r["crossing_id"]: r for r in _registrations(capsys, "2026-01-10")}
    first, second = (rows[i] for i in out["crossing_ids"][:2])
    assert first["surname"] == "ISSOUFOU" and first["document_number"] is None
    assert first["crossed_at"].startswith("2026-01-10T07:15")         # 08:15 at the post = 07:15 UTC
    assert second["surname"] == "MOUSSA" and second["document_number"] == "NE7654321"
    assert second["direction"] == "exit"


def test_one_bad_line_refuses_the_whole_file(post, home, tmp_path, capsys):
    before = _count(home)
    rows = GOOD + ["not json", {"mrz": TD3_EXPIRED, "direction": "entry"},
                   {"surname": "X", "identity_declared": True, "direction": "sideways"},
                   {"mrz": TD3_BAD_CHECK, "direction": "entry"},
                   {"surname": "Y", "identity_declared": True, "direction": "entry", "crossed_at": "2099-01-01T00:00"}]
    code = main(["--lang", "en", "--demo", "register", "--from", _file(tmp_path, rows), "--json", "--user", "agent"])
    assert code == 2
    out = json.loads(capsys.readouterr().out)
    assert out["registered"] == 0 and "crossing_ids" not in out
    lines = {e["line"]: e["reason"] for e in out["errors"]}
    assert sorted(lines) == [5, 6, 7, 8, 9]
    assert "JSON" in lines[5] and "expired" in lines[6] and "sideways" in lines[7]
    assert "check digits" in lines[8] and "future" in lines[9]
    assert _count(home) == before                           # nothing of the file was saved


def test_confirmation_makes_an_invalid_document_acceptable(post, home, tmp_path, capsys):
    rows = [{"mrz": TD3_BAD_CHECK, "direction": "entry", "confirmed_invalid": True}]
    assert main(["--demo", "register", "--from", _file(tmp_path, rows), "--user", "agent"]) == 0
    assert "1 voyageur enregistré" in capsys.readouterr().out


def test_text_errors_are_in_french_with_line_numbers(post, tmp_path, capsys):
    rows = [{"surname": "", "identity_declared": True, "direction": "entry"}]
    assert main(["--demo", "register", "--from", _file(tmp_path, rows), "--user", "agent"]) == 2
    err = capsys.readouterr().err
    assert "Ligne 1 :" in err and "Rien n'a été enregistré" in err


def test_sign_in_and_permission(post, tmp_path, capsys):
    path = _file(tmp_path, GOOD[:1])
    assert main(["--demo", "register", "--from", path]) == 3                      # no user
    assert main(["--demo", "register", "--from", path, "--user", "sante"]) == 4   # a screener may not
    assert main(["--demo", "register", "--from", path, "--user", "superviseur"]) == 0


def test_missing_empty_and_huge_files(post, tmp_path, capsys, monkeypatch):
    assert main(["--demo", "register", "--from", str(tmp_path / "nope.jsonl"), "--user", "agent"]) == 2
    assert main(["--demo", "register", "--from", _file(tmp_path, ["", "  "]), "--json", "--user", "agent"]) == 0
    assert json.loads(capsys.readouterr().out) == {"registered": 0, "crossing_ids": []}
    from border_app import registration_lines
    from border_app.usecases import register_travellers

    monkeypatch.setattr(register_travellers, "MAX_FILE_BYTES", 100)
    assert main(["--demo", "register", "--from", _file(tmp_path, GOOD), "--user", "agent"]) == 2
    assert registration_lines.MAX_LINE_CHARS < registration_lines.MAX_FILE_BYTES
    assert main(["--demo", "register", "--from", "/dev/zero", "--user", "agent"]) == 2


def test_the_same_document_twice_in_a_file_is_one_person(post, tmp_path, capsys):
    rows = [{"mrz": TD3_VALID, "direction": "entry", "crossed_at": "2026-01-11T08:00"},
            {"mrz": TD3_VALID, "direction": "exit", "crossed_at": "2026-01-11T18:00"}]
    assert main(["--demo", "register", "--from", _file(tmp_path, rows), "--json", "--user", "agent"]) == 0
    assert json.loads(capsys.readouterr().out)["registered"] == 2
    from border_app import paths
    import sqlalchemy as sa

    engine = sa.create_engine(paths.profile(True).database_url)
    with engine.connect() as conn:
        n = conn.execute(sa.text("SELECT COUNT(*) FROM identity_documents WHERE number = 'NE7654321'")).scalar_one()
    engine.dispose()
    assert n == 1
