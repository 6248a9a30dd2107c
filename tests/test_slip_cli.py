"""``border-app slip`` and ``border-app report`` end to end (SQLite profile, real services)."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher

from border_app import model as dm
from border_app import slip_payload as sp
from border_app.cli import main
from border_app.keys import KdfParams, Keystore
from border_app.roles import Role

import pypdf
PASSWORD = "correct horse"


def text_of(path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def qr_of(path, tmp_path) -> str:
    import shutil
    import subprocess

    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    import zxingcpp
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", str(path), str(tmp_path / "qr")], check=True,
                   timeout=60)
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "qr.png"))
    assert len(found) == 1
    return found[0].text


@pytest.fixture(autouse=True)
def fast_hashing():
    from db import passwords

    old = passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    yield
    passwords.use_hasher(old)


# ---------------------------------------------------------------------------- demo slip

@pytest.mark.parametrize("size", ["80mm", "a6", "a4"])
def test_demo_slip_without_keystore_uses_a_one_time_key_and_says_so(home, tmp_path, capsys, size):
    out = tmp_path / "test.pdf"
    assert main(["slip", "--demo", "--out", str(out), "--size", size, "--kind", "screening"]) == 0
    said = capsys.readouterr().out
    assert "usage unique" in said
    text = text_of(out)
    assert "DÉMO" in text and "EXEMPLE-DÉMO" in text and "ATTESTATION DE DÉPISTAGE SANITAIRE" in text
    assert (out.stat().st_mode & 0o777) == 0o600


def test_demo_slip_signed_with_the_demo_keystore_verifies(home, tmp_path, capsys):
    from border_app.paths import profile
    from db.demo import DEMO_PASSWORD

    prof = profile(demo=True).ensure()
    _store, keys = Keystore.create(prof.keystore, post_id="DEMO-POST", kdf=KdfParams.TEST,
                                   first_slot=("some-user-id", DEMO_PASSWORD))
    out = tmp_path / "demo.pdf"
    assert main(["--demo", "slip", "--out", str(out), "--size", "a6"]) == 0
    assert "clé du poste de démonstration" in capsys.readouterr().out
    qr = qr_of(out, tmp_path)
    result = sp.verify_slip_text(qr, {keys.signing_key_id: (keys.signing_public_key, "Démo")}.get)
    assert result.signature == "valid" and result.raw["post_id"] == "NE006013"  # version 2: the post's p-code
    assert result.demo and not result.genuine_and_valid  # a demo slip says DÉMO and is never genuine
    assert result.entries[0]["type"] == "registration"


@pytest.mark.parametrize("argv, message", [
    (["slip", "--out", "{tmp}/x.pdf"], "RECORD_ID"),
    (["slip", "--demo", "--out", "{tmp}/missing-folder/x.pdf"], "n'existe pas"),
    (["slip", "--demo", "--out", "{tmp}"], "dossier"),
])
def test_bad_slip_commands_are_clear_errors(home, tmp_path, capsys, argv, message):
    argv = [a.format(tmp=tmp_path) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_record_slip_needs_credentials(home, tmp_path, capsys):
    assert main(["slip", "abc", "--out", str(tmp_path / "x.pdf")]) == 3


# ---------------------------------------------------------------------------- real records

@pytest.fixture
def world(home, monkeypatch):
    from border_app.paths import profile
    from db import open_database
    from db.services import AuthService, PostService, RegistrationService, UserService

    prof = profile().ensure()
    database = open_database(prof.database_url, profile=prof)
    admin = PostService(database).setup_post(
        name="Poste frontière de Makalondi", pcode="NE006013", language="fr", admin_username="chef",
        admin_full_name="Chef de poste", admin_password=PASSWORD, kdf=KdfParams.TEST)
    users = UserService(database, admin)
    for name, role in (("agent", Role.BORDER_OFFICIAL), ("superviseur", Role.SUPERVISOR),
                       ("sante", Role.HEALTH_SCREENER)):
        users.create_user(username=name, full_name="Compte " + name, role=role, password=PASSWORD)
    agent = AuthService(database).login("agent", PASSWORD)
    now = datetime.now(timezone.utc) - timedelta(minutes=5)
    registration = RegistrationService(database, agent).register(dm.RegistrationDraft(
        person=dm.PersonData(surname="ISSOUFOU", given_names="Aïcha Françoise", sex="F", birth_date="1990-04",
                             nationality="NER"),
        crossing=dm.CrossingData(direction=dm.Direction.ENTRY, crossed_at=now),
        document=dm.DocumentData(doc_type=dm.DocumentType.PASSPORT, number="AB1234567", issuing_state="NER"),
    ))
    monkeypatch.setenv("BORDER_APP_PASSWORD", PASSWORD)
    yield {"db": database, "admin": admin, "registration": registration, "agent": agent, "profile": prof}
    database.dispose()


def test_record_slip_prints_the_registration_signed_and_audited(world, tmp_path, capsys):
    reg = world["registration"]
    out = tmp_path / "slip.pdf"
    rc = main(["--user", "agent", "slip", reg.crossing_id, "--kind", "registration", "--size", "80mm",
               "--out", str(out)])
    assert rc == 0, capsys.readouterr().err
    text = text_of(out)
    for item in ("Poste frontière de Makalondi", "NE006013", "ISSOUFOU Aïcha Françoise", "04/1990", "Niger",
                 "AB1234567", reg.crossing_id):
        assert item in text, item
    assert "DÉMO" not in text and "DUPLICATA" not in text
    public = Keystore.load(world["profile"].keystore).public_keys()
    result = sp.verify_slip_text(qr_of(out, tmp_path),
                                 {public.signing_key_id: (public.signing_public_key, "Makalondi")}.get)
    assert result.signature == "valid"
    assert "record_id" not in result.raw and result.raw["post_id"] == "NE006013"  # version 2: the post's p-code

    # the serial comes from the post's slip register, and the print is audited there
    from db.services import AuditService
    from db.slip_services import SlipService

    issues = SlipService(world["db"], world["agent"]).history(reg.crossing_id)
    assert len(issues) == 1 and not issues[0].duplicate and issues[0].kind == "registration"
    assert issues[0].serial.startswith("NE006013-")
    assert issues[0].serial in text.replace(" ", "")  # (the 80 mm column may wrap it)
    assert result.raw["serial"] == issues[0].serial
    entries = AuditService(world["db"], world["admin"]).list(limit=50)
    assert any(e.action == "issue_slip" and e.entity_id == issues[0].id for e in entries)

    # printing again (a retry) keeps the serial and adds no new slip
    assert main(["--user", "agent", "slip", reg.crossing_id, "--out", str(tmp_path / "again.pdf")]) == 0
    assert [i.serial for i in SlipService(world["db"], world["agent"]).history(reg.crossing_id)] == [issues[0].serial]


def test_reprint_needs_the_reprint_right_and_is_marked(world, tmp_path, capsys):
    reg = world["registration"]
    out = tmp_path / "dup.pdf"
    assert main(["--user", "agent", "slip", reg.crossing_id, "--duplicate", "--out", str(out)]) == 4
    assert not out.exists()
    # a reprint needs an original
    assert main(["--user", "superviseur", "slip", reg.crossing_id, "--duplicate", "--size", "a6",
                 "--out", str(out)]) == 5
    assert "imprim" in capsys.readouterr().err
    first = tmp_path / "first.pdf"
    assert main(["--user", "agent", "slip", reg.crossing_id, "--out", str(first)]) == 0
    assert main(["--user", "superviseur", "slip", reg.crossing_id, "--duplicate", "--size", "a6",
                 "--out", str(out)]) == 0
    text = text_of(out)
    assert "DUPLICATA" in text and "DUPLICATA" not in text_of(first)
    from db.services import AuditService
    from db.slip_services import SlipService

    original, duplicate = SlipService(world["db"], world["agent"]).history(reg.crossing_id)
    assert duplicate.duplicate and duplicate.serial == original.serial and duplicate.original_id == original.id
    assert duplicate.size == "a6" and original.serial in text.replace(" ", "")
    entries = AuditService(world["db"], world["admin"]).list(limit=50)
    assert any(e.action == "reprint_slip" and e.entity_id == duplicate.id for e in entries)


def test_record_slip_errors(world, tmp_path, capsys):
    reg = world["registration"]
    out = tmp_path / "s.pdf"
    assert main(["--user", "agent", "slip", "no-such-record", "--out", str(out)]) == 5
    # no screening recorded: a clear refusal
    assert main(["--user", "agent", "slip", reg.crossing_id, "--kind", "screening", "--out", str(out)]) == 2
    assert "dépistage" in capsys.readouterr().err
    # the administrator may not print slips
    assert main(["--user", "chef", "slip", reg.crossing_id, "--out", str(out)]) == 4
    assert not out.exists()


def test_report_command(world, tmp_path, capsys):
    today = datetime.now(timezone.utc).date()
    out = tmp_path / "report.pdf"
    rc = main(["--user", "superviseur", "report", "--from", (today - timedelta(days=3)).isoformat(),
               "--to", (today + timedelta(days=1)).isoformat(), "--out", str(out), "--threshold", "5"])
    assert rc == 0, capsys.readouterr().err
    text = text_of(out)
    assert "Rapport des passages" in text and "Poste frontière de Makalondi" in text
    assert "<5" in text  # one crossing: suppressed
    assert "ISSOUFOU" not in text  # no names in a report
    # a border official may not see reports
    assert main(["--user", "agent", "report", "--from", today.isoformat(), "--to", today.isoformat(),
                 "--out", str(out)]) == 4
    # bad dates
    assert main(["--user", "superviseur", "report", "--from", "2025-13-01", "--to", "2025-12-01",
                 "--out", str(out)]) == 2
    assert main(["--user", "superviseur", "report", "--from", "2025-03-10", "--to", "2025-03-01",
                 "--out", str(out)]) == 2


def _screen(world, temperature=39.1, symptoms=("stiff_neck",)):
    """Record a screening of the world's registration with the real engine and service."""
    from db.screening_services import ScreeningService
    from db.services import AuthService

    import screening_helpers

    screener = AuthService(world["db"]).login("sante", PASSWORD)
    answers = {"temperature": temperature, "temperature_method": "oral", "symptoms": list(symptoms)}
    referral = {"destination": "CSI Makalondi", "notes": "Raideur de la nuque"}
    submission = screening_helpers.submission(("general", "meningitis"), answers, referral=referral)
    return ScreeningService(world["db"], screener).record(world["registration"].crossing_id, submission)


def test_screening_slip_shows_only_the_outcome_and_gets_its_own_serial(world, tmp_path, capsys):
    summary = _screen(world)
    reg = world["registration"]
    out = tmp_path / "screening.pdf"
    assert main(["--user", "sante", "slip", reg.crossing_id, "--kind", "screening", "--size", "a6",
                 "--out", str(out)]) == 0, capsys.readouterr().err
    text = text_of(out)
    assert "ATTESTATION DE DÉPISTAGE SANITAIRE" in text and "ISSOUFOU" in text
    for detail in ("39.1", "39,1", "°C", "nuque", "CSI Makalondi"):  # never medical details
        assert detail not in text, detail
    public = Keystore.load(world["profile"].keystore).public_keys()
    result = sp.verify_slip_text(qr_of(out, tmp_path), {public.signing_key_id: (public.signing_public_key, "M")}.get)
    assert result.signature == "valid" and result.raw["outcome"] == summary.outcome

    from db.slip_services import SlipService

    (issue,) = SlipService(world["db"], world["agent"]).history(reg.crossing_id)
    assert issue.kind == "screening" and issue.screening_id == summary.id
    assert issue.serial in text.replace(" ", "")
    # the registration attestation is a separate slip with its own serial
    assert main(["--user", "agent", "slip", reg.crossing_id, "--out", str(tmp_path / "r.pdf")]) == 0
    serials = {i.kind: i.serial for i in SlipService(world["db"], world["agent"]).history(reg.crossing_id)}
    assert serials["registration"] != serials["screening"]


def test_an_account_without_a_key_slot_cannot_sign_and_nothing_is_issued(world, tmp_path):
    import dataclasses

    from border_app.usecases.issue_slip import issue_slip
    from border_app.errors import KeyStoreError
    from db.slip_services import SlipService

    agent = dataclasses.replace(world["agent"], keys=None)
    with pytest.raises(KeyStoreError):
        issue_slip(world["db"], agent, world["registration"].crossing_id, kind="registration", size="80mm",
                   languages=("fr",))
    assert SlipService(world["db"], world["agent"]).history(world["registration"].crossing_id) == []
