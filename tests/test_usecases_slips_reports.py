"""The application layer's slip, test-slip, report and PDF-file use cases
(``border_app/usecases/``), called alike by the screens and the command line; the
certificate-to-yellow-fever mapping in the domain (``border_app/screening/certificates.py``).

At 82affb9 these lived in ``border_app/cli/`` (imported by ``ui/``) and in the screens: the
reprint/DUPLICATA policy was decided in ``ui/print_dialogs.py``, the yellow fever mapping in
``ui/screening_screen.py``."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from border_app import model as dm
from border_app.errors import InvalidInput, PermissionDenied
from border_app.keys import KdfParams
from border_app.roles import Role
from border_app.screening.certificates import yellow_fever_answers, yellow_fever_vaccination
from border_app.usecases.issue_slip import decide_reprint, issue_slip
from border_app.usecases.pdf_file import write_pdf
from border_app.usecases.period_report import check_kind, check_period, report_pdf
from border_app.usecases.printer_test_slip import printer_test_slip

PASSWORD = "correct horse"


@pytest.fixture(autouse=True)
def _fast(fast_hashing):
    """Every test here signs in: password hashing at test speed (tests/conftest.py)."""


@pytest.fixture
def world(home):
    from border_app.paths import profile
    from db import open_database
    from db.services import AuthService, PostService, RegistrationService, UserService

    prof = profile().ensure()
    database = open_database(prof.database_url, profile=prof)
    admin = PostService(database).setup_post(
        name="Poste frontière de Makalondi", pcode="NE006013", language="fr", admin_username="chef",
        admin_full_name="Chef de poste", admin_password=PASSWORD, kdf=KdfParams.TEST)
    users = UserService(database, admin)
    for name, role in (("agent", Role.BORDER_OFFICIAL), ("superviseur", Role.SUPERVISOR)):
        users.create_user(username=name, full_name="Compte " + name, role=role, password=PASSWORD)
    agent = AuthService(database).login("agent", PASSWORD)
    supervisor = AuthService(database).login("superviseur", PASSWORD)
    registration = RegistrationService(database, agent).register(dm.RegistrationDraft(
        person=dm.PersonData(surname="ISSOUFOU", given_names="Aïcha", sex="F", birth_date="1990-04",
                             nationality="NER"),
        crossing=dm.CrossingData(direction=dm.Direction.ENTRY,
                                 crossed_at=datetime.now(timezone.utc) - timedelta(minutes=5)),
        document=dm.DocumentData(doc_type=dm.DocumentType.PASSPORT, number="AB1234567", issuing_state="NER"),
    ))
    yield SimpleNamespace(db=database, agent=agent, supervisor=supervisor, crossing_id=registration.crossing_id)
    database.dispose()


def _issue(world, actor, reprint):
    return issue_slip(world.db, actor, world.crossing_id, kind="registration", size="80mm", languages=("fr",),
                      reprint=reprint)


def test_the_reprint_policy_is_the_use_cases(world):
    """reprint=None: a first print, then a DUPLICATA, refused to a role without the reprint right."""
    assert decide_reprint(world.db, world.agent, world.crossing_id, "registration") is False
    first = _issue(world, world.agent, None)
    assert not first.duplicate and first.pdf.startswith(b"%PDF")
    with pytest.raises(PermissionDenied) as refused:
        _issue(world, world.agent, None)
    assert first.serial in refused.value.message
    again = _issue(world, world.supervisor, None)
    assert again.duplicate and again.serial == first.serial


def test_printer_test_slip_without_a_keystore_signs_with_a_one_time_key(home):
    from border_app.paths import profile

    pdf, qr, how = printer_test_slip(profile(demo=True), True, kind="screening", size="a6", languages=("fr", "en"))
    assert pdf.startswith(b"%PDF") and qr and how == "ephemeral"


def test_report_checks_period_kind_and_threshold(world):
    with pytest.raises(InvalidInput):
        check_period(date(2025, 3, 2), date(2025, 3, 1), 5)
    with pytest.raises(InvalidInput):
        check_period(date(2025, 3, 1), date(2025, 3, 2), 51)
    with pytest.raises(InvalidInput):
        check_kind(world.supervisor, "secret")
    with pytest.raises(PermissionDenied):
        check_kind(world.agent, "internal")
    today = date.today()
    pdf = report_pdf(world.db, world.supervisor, start=today - timedelta(days=1), end=today, threshold=5,
                     language="fr")
    assert pdf.startswith(b"%PDF")


def test_write_pdf_refuses_a_folder_and_a_missing_folder_and_writes_privately(tmp_path):
    with pytest.raises(InvalidInput):
        write_pdf(tmp_path, b"%PDF-1.4")
    with pytest.raises(InvalidInput):
        write_pdf(tmp_path / "nowhere" / "x.pdf", b"%PDF-1.4")
    out = write_pdf(tmp_path / "x.pdf", b"%PDF-1.4")
    assert out.read_bytes() == b"%PDF-1.4" and out.stat().st_mode & 0o777 == 0o600


def _certificate(entries, genuine=True):
    return SimpleNamespace(entries=entries, genuine_and_valid=genuine)


@pytest.mark.parametrize("entry", [
    {"type": "vaccination", "disease": "1D47", "date": "2020-05-04"},
    {"type": "vaccination", "vaccine": "XM0N24", "date": "2020-05-04T10:00:00"},
    {"type": "vaccination", "disease_name": "Fièvre jaune", "date": "2020-05-04"},
])
def test_a_verified_yellow_fever_vaccination_answers_the_protocols_questions(entry):
    fill = yellow_fever_answers(_certificate([{"type": "test"}, entry]), {"yf_card", "yf_vaccination_date"})
    assert fill.answers == {"yf_card": True, "yf_vaccination_date": date(2020, 5, 4)}
    assert fill.vaccinated_on == date(2020, 5, 4)


def test_no_answers_unless_verified_yellow_fever_and_asked():
    entry = {"type": "vaccination", "disease": "1D47", "date": "2020-05-04"}
    assert yellow_fever_answers(_certificate([entry], genuine=False), {"yf_card"}) is None
    assert yellow_fever_answers(_certificate([{"type": "vaccination", "disease": "840539006"}]), {"yf_card"}) is None
    assert yellow_fever_answers(_certificate([entry]), {"temperature"}) is None
    undated = yellow_fever_answers(_certificate([{"type": "vaccination", "disease": "1D47"}]),
                                   {"yf_card", "yf_vaccination_date"})
    assert undated.answers == {"yf_card": True} and undated.vaccinated_on is None
    no_date_question = yellow_fever_answers(_certificate([entry]), {"yf_card"})
    assert no_date_question.answers == {"yf_card": True} and no_date_question.vaccinated_on == date(2020, 5, 4)
    assert yellow_fever_vaccination(_certificate(None)) is None
