"""The screening screen shows a scanned slip as a readable summary, says DÉMO for a demo
slip, and warns when the slip is not the selected traveller's (issue #18, defects 7, 16)."""

from __future__ import annotations

import html
import re
from datetime import timedelta


from border_app import clock  # noqa: E402
from tests.gui.conftest import login  # noqa: E402


def _register(db, surname, given, number, birth, sex="F"):
    from border_app import model as dm
    from db.services import AuthService, RegistrationService

    official = AuthService(db).login("agent", "demo1234")
    draft = dm.RegistrationDraft(
        person=dm.PersonData(surname=surname, given_names=given, sex=sex, birth_date=birth, nationality="NER"),
        crossing=dm.CrossingData(direction=dm.Direction.ENTRY, crossed_at=clock.utcnow() - timedelta(minutes=3),
                                 transport_mode=dm.TransportMode.BUS),
        document=dm.DocumentData(doc_type=dm.DocumentType.PASSPORT, number=number, issuing_state="NER"),
    )
    return RegistrationService(db, official).register(draft)


def _slip_for(db, reg) -> str:
    """A registration slip of ``reg`` signed with the demo post's own key, as printed."""
    from border_app.slip_payload import new_payload, sign_slip
    from db.services import AuthService

    official = AuthService(db).login("agent", "demo1234")
    assert official.keys is not None and official.keys.demo       # the demo post's keys are demo keys
    person = reg.person
    payload = new_payload(post_id="NE006013", post_name="Poste de démonstration — Makalondi",
                          name=f"{person.surname} {person.given_names}", birth_date=person.birth_date,
                          sex=person.sex, document=("passport", reg.document.number), issuing_state="NER",
                          kind="registration", outcome=None, serial="NE006013-2026-000001")
    return sign_slip(payload, official.keys)


def _select(qtbot, screen, reg):
    screen.refresh()
    qtbot.waitUntil(lambda: any(r.crossing_id == reg.crossing_id for r in screen.rows), timeout=10_000)
    assert screen.select_crossing(reg.crossing_id)
    qtbot.waitUntil(lambda: screen.current is not None and screen.current.crossing_id == reg.crossing_id
                    and not screen.cert_result.isVisible(), timeout=10_000)


def test_a_scanned_slip_reads_as_a_summary_says_demo_and_warns_on_another_traveller(qtbot, app_controller):
    app_controller.start()
    main = login(qtbot, app_controller, "sante")
    screen = main.screens["screening"]
    main.tabs.setCurrentWidget(screen)
    first = _register(screen.db, "HAMIDOU", "Zeinabou", "NE7777777", "1988-07-14")
    second = _register(screen.db, "ISSA", "Moussa", "NE9999999", "1975-01-02", sex="M")
    slip = _slip_for(screen.db, first)

    # the slip of the selected traveller: readable, DÉMO, no warning
    _select(qtbot, screen, first)
    screen.verify_code(slip)
    qtbot.waitUntil(lambda: screen.cert_result.isVisible(), timeout=15_000)
    text = screen.cert_result.text()
    plain = html.unescape(re.sub(r"<[^>]+>", " ", text))
    assert screen.cert_result.property("verdict") == "demo"
    assert "DÉMO" in plain and "ATTESTATION DE DÉMONSTRATION" in plain
    assert "HAMIDOU Zeinabou" in plain and "14/07/1988" in plain and "féminin" in plain
    assert "Enregistrement d'un passage" in plain and "Poste de démonstration — Makalondi" in plain
    for raw in ("type:", "outcome:", "None", "identity_declared", "record_id", "False", "True"):
        assert raw not in plain, raw
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", plain)     # no UUID
    assert screen.cert_result.property("mismatch") is False
    assert "n'est PAS celle du voyageur" not in plain

    # the same slip while another traveller is selected: a warning, in red
    _select(qtbot, screen, second)
    screen.verify_code(slip)
    qtbot.waitUntil(lambda: screen.cert_result.isVisible(), timeout=15_000)
    plain = html.unescape(re.sub(r"<[^>]+>", " ", screen.cert_result.text()))
    assert screen.cert_result.property("mismatch") is True
    assert "n'est PAS celle du voyageur sélectionné" in plain
    assert "HAMIDOU Zeinabou" in plain and "ISSA Moussa" in plain
    assert "autre document" in plain
