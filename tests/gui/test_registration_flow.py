"""End to end through the real screens: log in, scan an MRZ by keystrokes, save, find it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from border_app.mrz import check_digit

from .conftest import login, wait_for_window

pytestmark = pytest.mark.gui


def td3(surname: str, given: str, number: str, nationality: str, birth: str, sex: str, expiry: str) -> list[str]:
    name = f"{surname}<<{given.replace(' ', '<')}"
    line1 = f"P<{nationality}{name}".ljust(44, "<")[:44]
    doc = number.ljust(9, "<")
    personal = "<" * 14
    body = (doc + check_digit(doc) + nationality + birth + check_digit(birth) + sex + expiry + check_digit(expiry)
            + personal + check_digit(personal))
    composite = check_digit(body[0:10] + body[13:20] + body[21:43])
    return [line1, body + composite]


def scan(qtbot, field, lines):
    """Type the lines like a passport reader does: characters, then Enter after each line."""
    for line in lines:
        qtbot.keyClicks(field, line)
        qtbot.keyClick(field, Qt.Key.Key_Return)


def test_login_scan_save_and_find(qtbot, app_controller):
    app_controller.start()
    main = login(qtbot, app_controller, "agent")
    reg = main.registration
    assert reg is not None and reg.isVisible()
    qtbot.waitUntil(lambda: reg.scan.hasFocus(), timeout=5000)  # a reader's burst lands in the scan field
    expiry = (date.today() + timedelta(days=5 * 365)).strftime("%y%m%d")
    lines = td3("MAHAMADOU", "AMINA", "NE1234567", "NER", "900215", "F", expiry)

    scan(qtbot, reg.scan, lines)
    qtbot.waitUntil(lambda: reg.surname.text() == "MAHAMADOU", timeout=5000)
    assert reg.given_names.text() == "AMINA"
    assert reg.doc_number.text() == "NE1234567"
    assert reg.birth_date.text() == "15/02/1990"  # dates shown DD/MM/YYYY
    assert reg.nationality.value() == "NER"
    for key in ("document_number", "birth_date", "expiry_date", "composite"):
        assert reg.badges[key].property("ok") is True, key
    assert reg.mrz_notice.property("kind") == "ok"
    assert not reg.expired_notice.isVisible()

    # keyboard only: the focus is on the crossing; choose the transport, then Ctrl+S
    assert reg.direction.hasFocus() or reg.focusWidget() is reg.direction
    reg.transport.set_value(reg.transport.itemData(3))
    qtbot.keyClick(reg, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "MAHAMADOU" in reg.form_notice.text(), timeout=10_000)
    assert reg.surname.text() == ""  # the form is ready for the next traveller

    # the day's list shows it, and search finds it by document number and by name
    listing = main.registrations
    qtbot.keyClicks(listing.search, "NE12345")
    qtbot.waitUntil(lambda: len(listing.rows) == 1 and listing.rows[0].person.surname == "MAHAMADOU", timeout=10_000)
    listing.search.clear()
    qtbot.keyClicks(listing.search, "amina mahamadou")
    qtbot.waitUntil(lambda: len(listing.rows) == 1, timeout=10_000)
    saved = listing.rows[0]
    assert saved.document.mrz_raw.splitlines() == lines
    assert saved.recorded_by

    # scanning the same passport again warns that it was already seen
    scan(qtbot, reg.scan, lines)
    qtbot.waitUntil(lambda: reg.seen_notice.isVisible(), timeout=10_000)
    assert "1" in reg.seen_notice.text()


def test_invalid_mrz_is_named_and_nothing_is_lost(qtbot, app_controller):
    app_controller.start()
    main = login(qtbot, app_controller, "agent")
    reg = main.registration
    expiry = (date.today() + timedelta(days=5 * 365)).strftime("%y%m%d")
    lines = td3("SANI", "IBRAHIM", "AB1234567", "NGA", "850101", "M", expiry)
    broken = [lines[0], lines[1][:9] + "0" + lines[1][10:]]  # wrong document-number check digit
    if broken == lines:
        broken = [lines[0], lines[1][:9] + "1" + lines[1][10:]]
    scan(qtbot, reg.scan, broken)
    qtbot.waitUntil(lambda: reg.surname.text() == "SANI", timeout=5000)
    assert reg.badges["document_number"].property("ok") is False
    assert reg.mrz_notice.property("kind") == "error"
    assert reg.mrz_notice.text()


def test_traveller_without_document(qtbot, app_controller):
    app_controller.start()
    main = login(qtbot, app_controller, "agent")
    reg = main.registration
    reg.no_document.setChecked(True)
    qtbot.keyClicks(reg.surname, "Oumarou")
    qtbot.keyClicks(reg.given_names, "Fati")
    qtbot.keyClicks(reg.birth_date, "1985")
    reg.birth_approx.setChecked(True)
    reg.sex.set_value("F")
    qtbot.keyClick(reg, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "OUMAROU" in reg.form_notice.text(), timeout=10_000)
    listing = main.registrations
    qtbot.keyClicks(listing.search, "oumarou")
    qtbot.waitUntil(lambda: len(listing.rows) == 1, timeout=10_000)
    person = listing.rows[0].person
    assert person.identity_declared and person.birth_date == "1985" and person.birth_date_approximate
    assert listing.rows[0].document is None


def test_bad_birth_date_is_refused_with_a_clear_message(qtbot, app_controller):
    app_controller.start()
    main = login(qtbot, app_controller, "agent")
    reg = main.registration
    reg.no_document.setChecked(True)
    qtbot.keyClicks(reg.surname, "Garba")
    qtbot.keyClicks(reg.birth_date, "31/02/1990")
    qtbot.keyClick(reg, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "AAAA" in reg.form_notice.text()  # French by default
    assert reg.surname.text() == "Garba"      # nothing lost


def test_wrong_password_then_language_switch(qtbot, app_controller):
    app_controller.start()
    window = wait_for_window(qtbot, app_controller, "loginWindow")
    from ui.widgets import DemoBanner

    assert window.findChild(DemoBanner, "demoBanner") is not None  # the demo post's login says DÉMO
    qtbot.keyClicks(window.username, "agent")
    qtbot.keyClicks(window.password, "wrong-password")
    qtbot.keyClick(window.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.notice.isVisible(), timeout=10_000)
    assert "mot de passe" in window.notice.text().lower()
    window.language.setCurrentIndex(1)
    assert window.button.text() == "Sign in"
    window.language.setCurrentIndex(0)
    assert window.button.text() == "Se connecter"


def test_each_role_sees_only_its_tabs(qtbot, app_controller):
    app_controller.start()
    main = login(qtbot, app_controller, "admin")
    assert main.registration is None and main.registrations is None  # no traveller data
    assert main.users is not None and main.audit is not None
    qtbot.waitUntil(lambda: len(main.users.users) >= 5, timeout=10_000)


def test_scanned_slip_code_is_routed_and_verified(qtbot, app_controller):
    """A barcode scanner's burst (here: our own signed slip) is told apart from an MRZ and
    verified against the post's keys."""
    from border_app.slip_payload import new_payload, sign_slip

    app_controller.start()
    main = login(qtbot, app_controller, "agent")
    keys = main.actor.keys
    assert keys is not None
    text = sign_slip(new_payload(record_id="r-9", post_id=keys.post_id, name="ALI Hadiza", birth_date="1988-05-02",
                                 document=("passport", "NE7654321"), kind="registration", outcome=None,
                                 serial="DEMO-000042"), keys)
    reg = main.registration
    qtbot.keyClicks(reg.scan, text)
    qtbot.keyClick(reg.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: reg.code_notice.isVisible(), timeout=10_000)
    # signed with the demo post's key (whose password is public): shown as DÉMO, never as
    # genuine, and the post named by its name, not an id
    notice = reg.code_notice.text()
    assert reg.code_notice.property("kind") != "ok", notice
    assert "DÉMO" in notice and "ALI Hadiza" in notice
    assert "Poste de démonstration" in notice and keys.post_id not in notice
    assert reg.surname.text() == ""  # a code never fills the MRZ form

    tampered = text[:-3] + ("A" if text[-3] != "A" else "B") + text[-2:]
    qtbot.keyClicks(reg.scan, tampered)
    qtbot.keyClick(reg.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: reg.code_notice.property("kind") in ("error", "warning"), timeout=10_000)


def test_expired_document_is_flagged_but_can_be_registered(qtbot, app_controller):
    app_controller.start()
    main = login(qtbot, app_controller, "agent")
    reg = main.registration
    expiry = (date.today() - timedelta(days=365)).strftime("%y%m%d")
    scan(qtbot, reg.scan, td3("BELLO", "MUSA", "A01234567", "NGA", "780303", "M", expiry))
    qtbot.waitUntil(lambda: reg.surname.text() == "BELLO", timeout=5000)
    assert reg.expired_notice.isVisible() and "expiré" in reg.expired_notice.text()
    qtbot.keyClick(reg, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    # the official confirms the expired document (Enter on "Save anyway"), and it is recorded
    from PySide6.QtWidgets import QMessageBox

    qtbot.waitUntil(lambda: reg.findChild(QMessageBox, "confirmDocumentDialog") is not None, timeout=5000)
    qtbot.keyClick(reg.findChild(QMessageBox, "confirmDocumentDialog"), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "BELLO" in reg.form_notice.text(), timeout=10_000)
    assert reg.last_saved.confirmed_expired


def test_just_after_the_posts_midnight_the_day_shown_is_the_posts(qtbot, app_controller, clock_at):
    """At 23:30 UTC it is 00:30 the next day at the post (UTC+1). A laptop left on UTC once
    showed the day before, and a traveller registered then was missing from the day's list."""
    from datetime import datetime, time, timezone

    from PySide6.QtCore import QDate

    utc_day = datetime.now(timezone.utc).date()
    clock_at(datetime.combine(utc_day, time(23, 30), tzinfo=timezone.utc))
    post_day = QDate(utc_day + timedelta(days=1))
    app_controller.start()
    main = login(qtbot, app_controller, "agent")
    listing, reg = main.registrations, main.registration
    assert listing.day.date() == post_day
    reg.no_document.setChecked(True)
    qtbot.keyClicks(reg.surname, "Minuit")
    qtbot.keyClicks(reg.given_names, "Hadiza")
    qtbot.keyClicks(reg.birth_date, "1992")
    reg.sex.set_value("F")
    qtbot.keyClick(reg, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "MINUIT" in reg.form_notice.text(), timeout=10_000)
    qtbot.keyClicks(listing.search, "minuit")         # searches every day
    qtbot.waitUntil(lambda: listing.searched and len(listing.rows) == 1, timeout=10_000)
    # the post's day and time, not the laptop's
    assert listing.table.item(0, 0).text() == post_day.toString("dd/MM/yyyy") + " 00:30"
    listing.search.clear()
    # the post's day holds it; the day before at the post (the UTC day) does not
    qtbot.waitUntil(lambda: any(r.person.surname == "MINUIT" for r in listing.rows), timeout=10_000)
    listing.day.setDate(QDate(utc_day))
    qtbot.waitUntil(lambda: not any(r.person.surname == "MINUIT" for r in listing.rows), timeout=10_000)
