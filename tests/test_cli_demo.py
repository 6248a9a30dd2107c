"""Command-line papercuts met as a new user (issue #18, defect 19): the README's example lines
run as written, the single screening case file it names, the demo post holding screenings of
every outcome, the demo's message in correct singular and plural forms, what the README says
about ``setup``, ``keys init`` and ``RECORD_ID``."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from border_app.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


@pytest.fixture
def fast(monkeypatch):
    from border_app import keys
    from db import passwords

    monkeypatch.setattr(keys.KdfParams, "DEFAULT", keys.KdfParams.TEST)
    old = passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    yield
    passwords.use_hasher(old)


def readme_commands() -> list[str]:
    """The indented ``.venv/bin/border-app ...`` lines of the README (its "Try it" block)."""
    lines = [line.strip() for line in README.read_text(encoding="utf-8").splitlines()
             if line.startswith("    .venv/bin/border-app ")]
    return [line for line in lines if line != ".venv/bin/border-app --help"]


def test_the_readme_lines_run_as_written(home, fast, monkeypatch, capsys):
    commands = readme_commands()
    assert any("screen --case" in c for c in commands) and any(" demo " in c for c in commands)
    assert any(re.search(r"registrations .*--json", c) for c in commands)
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("BORDER_APP_PASSWORD", "demo1234")  # the demo accounts' password, as the README says
    for command in commands:
        argv = shlex.split(command)
        assert argv[0] == ".venv/bin/border-app"
        code = main(argv[1:])
        out = capsys.readouterr()
        assert code == 0, (command, out.err)
        if "registrations" in argv:
            rows = json.loads(out.out)
            assert isinstance(rows, list) and all("crossing_id" in r for r in rows)


def test_the_example_case_file_is_a_single_case_as_expected(capsys):
    case = ROOT / "docs" / "examples" / "case-cholera.json"
    assert "docs/examples/case-cholera.json" in README.read_text(encoding="utf-8")
    assert main(["screen", "--case", str(case), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["outcome"] == "referral" and out["as_expected"] is True


def test_the_readme_explains_setup_keys_and_record_id():
    text = README.read_text(encoding="utf-8")
    setup = next(line for line in text.splitlines() if line.startswith("| `border-app setup"))
    assert "creates the post's keys" in setup and "keys init" in setup
    slip = next(line for line in text.splitlines() if line.startswith("| `border-app slip RECORD_ID"))
    assert "registrations --day DATE --json" in slip and "crossing_id" in slip
    assert "before or after the sub-command" in text


def test_keys_init_after_setup_is_refused(home, fast, monkeypatch, capsys):
    monkeypatch.setenv("BORDER_APP_PASSWORD", "chef-secret")
    assert main(["setup", "--post-name", "Poste de Gaya", "--pcode", "NE003006", "--admin", "chef"]) == 0
    assert main(["keys", "init", "--user", "chef"]) != 0


def test_demo_holds_screenings_of_every_outcome(home, fast, capsys):
    from border_app.paths import profile
    from db import open_database
    from db.demo import DEMO_ACCOUNTS
    from db.screening_services import ScreeningService
    from db.services import AuthService, RegistrationService

    assert main(["demo", "--travellers", "60"]) == 0
    out = capsys.readouterr().out
    assert "6 voyageurs dépistés" in out and "6 dépistages" in out
    prof = profile(demo=True)
    db = open_database(prof.database_url, profile=prof)
    try:
        password = DEMO_ACCOUNTS[0]["password"]
        screener = AuthService(db).login("sante", password)
        official = AuthService(db).login("agent", password)
        import sqlalchemy as sa

        from db.models import Screening

        with db.session() as s:
            rows = list(s.execute(sa.select(Screening.id, Screening.crossing_id, Screening.outcome)))
        assert {o for _i, _c, o in rows} == {"cleared", "secondary", "referral", "isolation"}
        for screening_id, crossing_id, outcome in rows:
            details = ScreeningService(db, screener).details(screening_id)
            assert details.outcome == outcome and details.screened_by_name
            assert (details.referral_destination is not None) == (outcome in ("referral", "isolation"))
            assert ScreeningService(db, official).latest(crossing_id).outcome == outcome
            assert RegistrationService(db, official).get(crossing_id).screening_outcome == outcome
    finally:
        db.dispose()


def test_seed_demo_screens_one_in_ten(home, fast):
    from border_app.keys import KdfParams
    from border_app.paths import profile
    from db import open_database
    from db.demo import seed_demo

    prof = profile(demo=True).ensure()
    db = open_database(prof.database_url, profile=prof)
    try:
        result = seed_demo(db, travellers=40, kdf=KdfParams.TEST)
        assert result["screenings_added"] == {"cleared": 1, "secondary": 1, "referral": 1, "isolation": 1}
        assert result["screenings"] == 4
    finally:
        db.dispose()


def test_demo_message_plural_forms():
    from border_app.cli.cmd_demo import message
    from border_app.i18n import set_language

    one = {"persons": 1, "documents": 1, "crossings": 1, "screenings": 0}
    many = {"persons": 300, "documents": 250, "crossings": 300, "screenings": 30}
    try:
        set_language("fr")
        text = message(1, one)
        assert "1 enregistrement fictif ajouté." in text
        assert "1 personne," in text and "1 document," in text and "1 documents" not in text
        assert "0 dépistage." in text
        text = message(300, many, 30)
        assert "300 enregistrements fictifs ajoutés" in text and "250 documents" in text
        assert "30 voyageurs dépistés" in text and "30 dépistages" in text
        set_language("en")
        text = message(1, one)
        assert "1 fictitious registration added." in text and "1 document," in text and "0 screenings." in text
    finally:
        set_language("fr")
