"""The health screener's screen, end to end through the real application: choose a
traveller, screen with the keyboard, record; a border official sees the outcome only; a
scanned, genuine vaccination certificate shows as genuine and fills the yellow fever answer."""

from __future__ import annotations

import zlib
from datetime import date, datetime, timedelta, timezone

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLineEdit

from clock_helpers import recently

from .conftest import login

pytestmark = pytest.mark.gui
ALL = ["general", "ebola_marburg", "cholera", "mpox", "meningitis", "covid19", "yellow_fever"]


def _register(db, surname="HAMIDOU", given="Zeinabou", number="NE7777777", birth="1988-07-14", sex="F"):
    from border_app import model as dm
    from db.services import AuthService, RegistrationService

    official = AuthService(db).login("agent", "demo1234")
    draft = dm.RegistrationDraft(
        person=dm.PersonData(surname=surname, given_names=given, sex=sex, birth_date=birth, nationality="NER"),
        crossing=dm.CrossingData(direction=dm.Direction.ENTRY, crossed_at=recently(3),
                                 transport_mode=dm.TransportMode.BUS),
        document=dm.DocumentData(doc_type=dm.DocumentType.PASSPORT, number=number, issuing_state="NER"),
    )
    return RegistrationService(db, official).register(draft)


def _submission() -> dict:
    """A referral screening as ScreeningForm.submitted gives it (fever + stiff neck, every
    other question answered)."""
    import screening_helpers

    return screening_helpers.submission(
        ("general", "meningitis"), {"temperature": 39.1, "temperature_method": "oral", "symptoms": ["stiff_neck"]},
        referral={"destination": "CSI Gaya", "notes": ""})


def _open_screen(qtbot, main):
    screen = main.screens["screening"]
    main.tabs.setCurrentWidget(screen)
    return screen


def _wait_row(qtbot, screen, crossing_id):
    screen.refresh()
    qtbot.waitUntil(lambda: any(r.crossing_id == crossing_id for r in screen.rows), timeout=10_000)


def _focus(qtbot, widget):
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() in (widget, widget.findChild(QLineEdit)))
    return QApplication.focusWidget()


def test_screener_screens_a_traveller_and_the_record_is_found(qtbot, app_controller):
    from db.screening_services import ScreeningService

    app_controller.start()
    main = login(qtbot, app_controller, "sante")
    screen = _open_screen(qtbot, main)
    screen.settings.active_protocols = ALL
    reg = _register(screen.db)
    _wait_row(qtbot, screen, reg.crossing_id)

    # choose the traveller with the keyboard: search, Enter goes to the list, Down/Up select
    qtbot.keyClicks(screen.search, "hamidou")
    qtbot.waitUntil(lambda: [r.crossing_id for r in screen.rows] == [reg.crossing_id], timeout=10_000)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.form is not None, timeout=5000)
    assert "HAMIDOU" in screen.identity.text() and "Zeinabou" in screen.identity.text()
    assert "14/07/1988" in screen.identity.text() and "Féminin" in screen.identity.text()
    assert "NE7777777" in screen.identity.text()
    row = screen.rows.index(next(r for r in screen.rows if r.crossing_id == reg.crossing_id))
    assert screen.table.item(row, 2).text() == "non dépisté"
    form = screen.form

    # temperature and method typed, a stiff neck ticked: suspected meningitis -> referral
    spin = form.findChild(object, "q_temperature")
    target = _focus(qtbot, spin)
    qtbot.keyClick(target, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(target, "39,1")
    qtbot.keyClick(target, Qt.Key.Key_Return)
    method = form.findChild(QComboBox, "q_temperature_method")
    method.setCurrentIndex(method.findData("oral"))
    neck = next(cb for cb in form.findChildren(QCheckBox) if cb.objectName() == "q_symptoms_stiff_neck")
    _focus(qtbot, neck)
    qtbot.keyClick(neck, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: form.decision().outcome.value == "referral", timeout=3000)
    # the other required questions still unanswered: no outcome yet, nothing can be recorded
    assert form.outcome_label.property("outcome") == "incomplete"
    assert "ORIENTATION" in form.provisional_label.text()
    qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    assert ScreeningService(screen.db, screen.actor).latest(reg.crossing_id) is None
    _answer_the_rest(form, {"temperature", "temperature_method", "symptoms"})
    qtbot.waitUntil(lambda: form.decision().complete, timeout=3000)
    assert form.decision().outcome.value == "referral"
    dest = form.findChild(QComboBox, "referralDestination")
    qtbot.keyClicks(_focus(qtbot, dest), "CSI Gaya")
    qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Dépistage enregistré" in screen.notice.text(), timeout=10_000)
    assert "orientation" in screen.notice.text().lower()
    qtbot.waitUntil(lambda: screen.table.item(row, 2) is not None
                    and screen.table.item(row, 2).text().lower().startswith("orientation"), timeout=10_000)

    latest = ScreeningService(screen.db, screen.actor).latest(reg.crossing_id)
    details = ScreeningService(screen.db, screen.actor).details(latest.id)
    assert details.outcome == "referral" and details.temperature_c == 39.1
    assert details.temperature_method == "oral" and "stiff_neck" in details.answers["symptoms"]
    assert details.referral_destination == "CSI Gaya"
    assert details.screened_by_name == "Agente de santé Démo"
    # a fresh list read shows the stored outcome
    screen.refresh()
    qtbot.waitUntil(lambda: any(r.screening_outcome == "referral" for r in screen.rows), timeout=10_000)


def _answer_the_rest(form, given: set[str]) -> None:
    """Answer every other question of the form neutrally, as a screener would (no, none,
    the first choice, "aucun" for the areas visited)."""
    from screening_helpers import complete_answers

    for qid, value in complete_answers(form.spec.protocols, {q: None for q in given}).items():
        if qid in given or qid not in form._fields:
            continue
        field = form._fields[qid]
        form.set_answer(qid, "aucun" if field.ff.widget == "areas" else value)


def test_a_blank_screening_is_incomplete_and_cannot_be_saved_or_printed(qtbot, app_controller):
    """Safety defect: a fresh form used to show the green CLEARED and save as cleared in
    one click, and a cleared slip could then be printed."""
    from db.screening_services import ScreeningService

    app_controller.start()
    main = login(qtbot, app_controller, "sante")
    screen = _open_screen(qtbot, main)
    reg = _register(screen.db)
    _wait_row(qtbot, screen, reg.crossing_id)
    assert screen.select_crossing(reg.crossing_id)
    qtbot.waitUntil(lambda: screen.form is not None, timeout=5000)
    form = screen.form
    decision = form.decision()
    assert not decision.complete and decision.status == "incomplete"
    assert form.outcome_label.property("outcome") == "incomplete"
    assert form.outcome_label.text() == "INCOMPLET"
    assert "#1b5e20" not in form.outcome_box.styleSheet() and "#e8f5e9" not in form.outcome_box.styleSheet()
    assert "sans réponse valide" in form.missing_label.text()
    assert not form.submit()
    qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    qtbot.wait(300)
    assert ScreeningService(screen.db, screen.actor).latest(reg.crossing_id) is None
    assert not screen.print_button.isEnabled()
    # every question answered: the outcome is given (no yellow fever card: secondary, to
    # vaccinate, as the protocols enabled by default say), and it can be recorded
    _answer_the_rest(form, set())
    qtbot.waitUntil(lambda: form.decision().complete, timeout=3000)
    assert form.outcome_label.property("outcome") == "secondary"
    qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ScreeningService(screen.db, screen.actor).latest(reg.crossing_id) is not None,
                    timeout=10_000)
    assert screen.print_button.isEnabled()


def test_border_official_sees_the_outcome_only(qtbot, app_controller):
    from border_app.errors import PermissionDenied
    from db.screening_services import ScreeningService
    from db.services import AuthService

    app_controller.start()
    main = login(qtbot, app_controller, "agent")
    assert "screening" not in main.screens
    listing = main.registrations
    reg = _register(listing.db, surname="GARBA", number="NE5555555")
    screener = AuthService(listing.db).login("sante", "demo1234")
    recorded = ScreeningService(listing.db, screener).record(reg.crossing_id, _submission())
    with pytest.raises(PermissionDenied):
        ScreeningService(listing.db, main.actor).details(recorded.id)
    assert ScreeningService(listing.db, main.actor).latest(reg.crossing_id).outcome == "referral"
    listing.refresh()
    qtbot.waitUntil(lambda: any(r.crossing_id == reg.crossing_id for r in listing.rows), timeout=10_000)
    mine = next(r for r in listing.rows if r.crossing_id == reg.crossing_id)
    assert mine.screening_outcome == "referral"
    shown = [listing.table.item(listing.rows.index(mine), c).text() for c in range(listing.table.columnCount())]
    text = " ".join(shown)
    assert "39" not in text and "CSI" not in text and "Gaya" not in text   # no medical detail shown


# ------------------------------------------------------------------ a genuine certificate
def _ddcc_with_yellow_fever(trust_dir):
    import cbor2
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
    from cryptography.x509.oid import NameOID

    from border_app.certificates.base45 import b45encode
    from border_app.trust import dsc_kid

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Niger DDCC test signer"),
                      x509.NameAttribute(NameOID.COUNTRY_NAME, "NE")])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=365))
            .not_valid_after(now + timedelta(days=3650)).sign(key, hashes.SHA256()))
    trust_dir.mkdir(parents=True, exist_ok=True)
    (trust_dir / "ddcc-signer.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    kid = dsc_kid(cert.public_bytes(serialization.Encoding.DER))
    body = {
        "name": "Zeinabou Hamidou", "birthDate": "1988-07-14", "sex": {"code": "female"},
        "vaccination": {"vaccine": {"code": "XM0N24"}, "disease": {"code": "1D47"}, "date": "2019-03-05",
                        "dose": 1, "totalDoses": 1, "country": {"code": "NER"}, "centre": "CSI Gaya"},
        "certificate": {"hcid": {"value": "NE-YF-1"}, "issuer": {"identifier": {"value": "Ministère de la Santé"}},
                        "period": {"start": "2019-03-05", "end": "2099-01-01"}},
    }
    claims = {1: "NE", 6: int((now - timedelta(days=30)).timestamp()), 4: int((now + timedelta(days=300)).timestamp()),
              -260: {2: body}}
    protected = cbor2.dumps({1: -7, 4: kid})
    payload = cbor2.dumps(claims)
    r, s = decode_dss_signature(key.sign(cbor2.dumps(["Signature1", protected, b"", payload]),
                                         ec.ECDSA(hashes.SHA256())))
    sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    cose = cbor2.dumps(cbor2.CBORTag(18, [protected, {}, payload, sig]))
    return "HC1:" + b45encode(zlib.compress(cose, 9))


def test_a_genuine_certificate_shows_as_genuine_and_fills_yellow_fever(qtbot, app_controller):
    app_controller.start()
    main = login(qtbot, app_controller, "sante")
    screen = _open_screen(qtbot, main)
    screen.settings.active_protocols = ALL
    code = _ddcc_with_yellow_fever(screen.profile.root / "trust")
    reg = _register(screen.db, number="NE8888888")
    _wait_row(qtbot, screen, reg.crossing_id)
    assert screen.select_crossing(reg.crossing_id)
    qtbot.waitUntil(lambda: screen.form is not None, timeout=5000)
    assert screen.form.answers().get("yf_card") is None

    # pasted into the scan field, then Ctrl+Enter (as a typed or pasted code)
    screen.scan.setPlainText(code)
    qtbot.keyClick(screen.scan, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: screen.cert_result.isVisible(), timeout=15_000)
    assert screen.cert_result.property("verdict") == "genuine"
    assert "authentique" in screen.cert_result.text().lower()
    assert screen.certificate.genuine_and_valid
    answers = screen.form.answers()
    assert answers.get("yf_card") is True
    assert answers.get("yf_vaccination_date") == date(2019, 3, 5)
    assert "certificat vérifié" in screen.notice.text()

    # a tampered code is shown as not genuine and fills nothing
    reg2 = _register(screen.db, surname="ISSA", number="NE9999999")
    _wait_row(qtbot, screen, reg2.crossing_id)
    screen.select_crossing(reg2.crossing_id)
    qtbot.waitUntil(lambda: screen.current.crossing_id == reg2.crossing_id and not screen.cert_result.isVisible())
    other = _ddcc_with_yellow_fever(screen.profile.root / "other-trust")   # signer not trusted by the post
    screen.verify_code(other)
    qtbot.waitUntil(lambda: screen.cert_result.isVisible(), timeout=15_000)
    assert screen.cert_result.property("verdict") == "unknown"
    assert screen.form.answers().get("yf_card") is None


def test_settings_section_saves_what_the_engine_reads(qtbot, tmp_path):
    from border_app.screening import ScreeningSettings
    from border_app.settings import Settings
    from ui.settings_screening import ScreeningSettingsSection

    settings = Settings(tmp_path / "settings.json")
    section = ScreeningSettingsSection(None, None, settings=settings)
    qtbot.addWidget(section)
    section.show()
    section.protocol_checks["cholera"].setChecked(True)
    section.protocol_checks["yellow_fever"].setChecked(True)
    assert settings.active_protocols == ["general", "cholera", "yellow_fever"] or \
        set(settings.active_protocols) == {"general", "cholera", "yellow_fever"}
    section.yf_age.setValue(9)
    section.fever.setValue(37.8)
    section.outbreak_checks["cholera"].setChecked(True)
    edit = section.area_edits["ebola_marburg"]
    edit.setFocus()
    qtbot.keyClicks(edit, "cod, uga")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert edit.text() == "COD, UGA"
    reread = Settings(tmp_path / "settings.json")       # saved to the file
    s = ScreeningSettings.from_settings(reread)
    assert s.yellow_fever_min_age_months == 9 and s.fever_threshold_c == 37.8
    assert s.outbreaks == {"cholera"} and s.areas("ebola_marburg") == {"COD", "UGA"}
    # a bad code is refused with a French message and nothing is lost
    edit.setText("COD, 123")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert "codes pays" in section.notice.text()
    assert Settings(tmp_path / "settings.json").affected_areas == {"ebola_marburg": ["COD", "UGA"]}
    # the last protocol cannot be unticked
    for cb in section.protocol_checks.values():
        cb.setChecked(False)
    assert Settings(tmp_path / "settings.json").active_protocols


def test_a_screening_in_progress_survives_an_idle_sign_out(qtbot, app_controller):
    """What the screener typed is kept (in memory) and comes back after signing in again
    (issue #18, defect 6: the screening screen's part)."""
    from db.services import AuthService

    app_controller.start()
    main = login(qtbot, app_controller, "sante")
    screen = _open_screen(qtbot, main)
    reg = _register(screen.db)
    _wait_row(qtbot, screen, reg.crossing_id)
    assert screen.select_crossing(reg.crossing_id)
    qtbot.waitUntil(lambda: screen.form is not None, timeout=5000)
    assert screen.save_draft() is None                  # nothing typed: nothing to keep
    screen.form.set_answer("temperature", 38.7)
    screen.form.set_answer("symptoms", ["cough"])
    draft = screen.save_draft()
    assert draft["crossing_id"] == reg.crossing_id and draft["answers"]["temperature"] == 38.7

    app_controller.show_main(AuthService(screen.db).login("sante", "demo1234"))
    again = app_controller.shown[-1].screens["screening"]
    again.restore_draft(draft)
    qtbot.waitUntil(lambda: again.form is not None and again.current is not None
                    and again.current.crossing_id == reg.crossing_id, timeout=10_000)
    assert again.form.answers()["temperature"] == 38.7 and again.form.answers()["symptoms"] == ("cough",)
