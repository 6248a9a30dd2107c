"""The registration screen, as an official drives it (issue #18, defects 3, 4, 5, 11, 13 and
the draft interface of defect 6): a reader's burst is never lost, typed countries are taken
or flagged, invalid or expired documents are confirmed with one key and marked, an age can
stand for a birth date, dates read DD/MM/YYYY, "Saved: ..." goes with the next traveller."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from .conftest import login
from .test_registration_flow import td3

pytestmark = pytest.mark.gui


def future_expiry() -> str:
    return (date.today() + timedelta(days=5 * 365)).strftime("%y%m%d")


def reader_types(qtbot, widget, lines):
    """A passport reader (a keyboard wedge): the lines, Enter after each, all sent to
    ``widget`` (the widget that has the focus when the burst starts)."""
    for line in lines:
        qtbot.keyClicks(widget, line)
        qtbot.keyClick(widget, Qt.Key.Key_Return)


def type_in(qtbot, line, text):
    """Type ``text`` into a line edit (QTest types ASCII only: the rest is inserted)."""
    if text.isascii():
        qtbot.keyClicks(line, text)
    else:
        line.insert(text)


def signed_in(qtbot, app_controller):
    app_controller.start()
    main = login(qtbot, app_controller, "agent")
    return main, main.registration


def confirm_dialog(qtbot, reg):
    qtbot.waitUntil(lambda: reg.findChild(QMessageBox, "confirmDocumentDialog") is not None, timeout=5000)
    return reg.findChild(QMessageBox, "confirmDocumentDialog")


def back_to(qtbot, main):
    """After a dialog: the offscreen platform does not make the main window active again
    by itself (a desktop does), and window shortcuts such as Ctrl+S need it."""
    main.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main, timeout=5000)


def save_and_wait(qtbot, reg, surname):
    qtbot.keyClick(reg, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: reg.last_saved is not None and reg.last_saved.person.surname == surname, timeout=15_000)
    return reg.last_saved


# -- defect 3: a reader's input right after sign-in, or with the focus on a button ----------
def test_reader_input_right_after_sign_in_fills_the_document(qtbot, app_controller):
    main, reg = signed_in(qtbot, app_controller)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=5000)
    target = QApplication.focusWidget()  # whatever has the focus: nothing was clicked
    reader_types(qtbot, target, td3("MOUSSA", "HAWA", "NE7777777", "NER", "880101", "F", future_expiry()))
    qtbot.waitUntil(lambda: reg.surname.text() == "MOUSSA", timeout=5000)
    assert reg.doc_number.text() == "NE7777777" and reg.given_names.text() == "HAWA"
    assert reg.nationality.value() == "NER"


def test_reader_input_with_the_focus_on_a_button_or_a_combo_is_routed(qtbot, app_controller):
    main, reg = signed_in(qtbot, app_controller)
    reg.new_button.setFocus()
    reader_types(qtbot, reg.new_button, td3("GARBA", "ALI", "NE1111111", "NER", "750505", "M", future_expiry()))
    qtbot.waitUntil(lambda: reg.surname.text() == "GARBA", timeout=5000)
    assert reg.doc_number.text() == "NE1111111"
    assert reg.scan.toPlainText() == ""  # used up, not left in a field

    # a combo box: the burst goes to the scan field, but a lone key still chooses an entry
    reg.new_registration()
    reg.reason.setFocus()
    reader_types(qtbot, reg.reason, td3("SANI", "ZARA", "NE2222222", "NER", "800808", "F", future_expiry()))
    qtbot.waitUntil(lambda: reg.surname.text() == "SANI", timeout=5000)
    assert reg.reason.value() is None

    # a person's lone key on a combo box still chooses an entry ("S" for "Sortie")
    from border_app.model import Direction

    reg.new_registration()
    reg.direction.setFocus()
    qtbot.keyClick(reg.direction, "S")
    qtbot.waitUntil(lambda: reg.direction.value() == Direction.EXIT, timeout=2000)
    assert reg.scan.toPlainText() == ""


def test_the_scan_field_has_the_focus_again_when_the_tab_comes_back(qtbot, app_controller):
    main, reg = signed_in(qtbot, app_controller)
    qtbot.waitUntil(reg.scan.hasFocus, timeout=5000)
    main.tabs.setCurrentWidget(main.registrations)
    qtbot.waitUntil(lambda: not reg.isVisible(), timeout=5000)
    main.tabs.setCurrentWidget(reg)
    qtbot.waitUntil(reg.scan.hasFocus, timeout=5000)


# -- defect 4: nationality typed and tabbed out of -------------------------------------------
@pytest.mark.parametrize("typed, code", [("Niger", "NER"), ("mali", "MLI"), ("Nigéria", "NGA"), ("NER", "NER")])
def test_a_typed_nationality_is_saved(qtbot, app_controller, typed, code):
    main, reg = signed_in(qtbot, app_controller)
    reg.no_document.setChecked(True)
    qtbot.keyClicks(reg.surname, "Tanko")
    reg.nationality.setFocus()
    type_in(qtbot, reg.nationality.lineEdit(), typed)
    qtbot.keyClick(reg.nationality.lineEdit(), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: reg.nationality.value() == code, timeout=5000)
    assert not reg.nationality_hint.isVisible()
    saved = save_and_wait(qtbot, reg, "TANKO")
    assert saved.person.nationality == code
    listing = main.registrations
    qtbot.keyClicks(listing.search, "tanko")
    qtbot.waitUntil(lambda: len(listing.rows) == 1, timeout=10_000)
    assert listing.rows[0].person.nationality == code
    assert listing.table.item(0, 3).text() not in ("", "Inconnu", "Unknown")


def test_an_ambiguous_or_unknown_nationality_is_flagged_and_not_saved(qtbot, app_controller):
    main, reg = signed_in(qtbot, app_controller)
    reg.no_document.setChecked(True)
    qtbot.keyClicks(reg.surname, "Bako")
    reg.nationality.setFocus()
    qtbot.keyClicks(reg.nationality.lineEdit(), "Gui")
    qtbot.keyClick(reg.nationality.lineEdit(), Qt.Key.Key_Tab)
    qtbot.waitUntil(reg.nationality_hint.isVisible, timeout=5000)  # flagged at once, beside the field
    hint = reg.nationality_hint.text()
    assert "Gui" in hint and "Guinée" in hint and "Guinée-Bissau" in hint
    assert reg.nationality.value() is None
    qtbot.keyClick(reg, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert reg.form_notice.property("kind") == "error" and "Gui" in reg.form_notice.text()
    assert reg.last_saved is None and reg.surname.text() == "Bako"  # refused, nothing lost

    reg.nationality.setFocus()
    reg.nationality.lineEdit().clear()
    qtbot.keyClicks(reg.nationality.lineEdit(), "Zorglub")
    qtbot.keyClick(reg.nationality.lineEdit(), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: "Zorglub" in reg.nationality_hint.text(), timeout=5000)

    reg.nationality.setFocus()
    reg.nationality.lineEdit().clear()
    type_in(qtbot, reg.nationality.lineEdit(), "Guinée-Bissau")
    qtbot.keyClick(reg.nationality.lineEdit(), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not reg.nationality_hint.isVisible(), timeout=5000)
    assert save_and_wait(qtbot, reg, "BAKO").person.nationality == "GNB"


# -- defect 5: invalid and expired documents ---------------------------------------------------
def test_an_invalid_mrz_is_saved_only_when_confirmed_and_is_marked(qtbot, app_controller):
    main, reg = signed_in(qtbot, app_controller)
    lines = td3("ISSA", "MARIAM", "AB7654321", "NER", "910303", "F", future_expiry())
    broken = [lines[0], lines[1][:9] + str((int(lines[1][9]) + 1) % 10) + lines[1][10:]]
    reader_types(qtbot, reg.scan, broken)
    qtbot.waitUntil(lambda: reg.surname.text() == "ISSA", timeout=5000)

    qtbot.keyClick(reg, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    box = confirm_dialog(qtbot, reg)
    assert box.defaultButton().objectName() == "saveAnywayButton"
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # Escape: back to the form, nothing saved
    qtbot.waitUntil(lambda: reg.findChild(QMessageBox, "confirmDocumentDialog") is None, timeout=5000)
    assert reg.last_saved is None and reg.surname.text() == "ISSA"

    back_to(qtbot, main)
    qtbot.keyClick(reg, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(confirm_dialog(qtbot, reg), Qt.Key.Key_Return)  # one key: save anyway
    qtbot.waitUntil(lambda: reg.last_saved is not None, timeout=15_000)
    saved = reg.last_saved
    assert saved.confirmed_invalid and not saved.confirmed_expired

    # the day's list shows the mark, and so does the record loaded back
    listing = main.registrations
    qtbot.keyClicks(listing.search, "issa")
    qtbot.waitUntil(lambda: len(listing.rows) == 1, timeout=10_000)
    cell = listing.table.item(0, 2)
    assert "\u26a0" in cell.text() and cell.toolTip()
    reg.load_registration(listing.rows[0])
    assert reg.mrz_notice.isVisible() and "confirm" in reg.mrz_notice.text()
    # saving the edit does not ask again: it was confirmed
    back_to(qtbot, main)
    qtbot.keyClick(reg, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert reg.findChild(QMessageBox, "confirmDocumentDialog") is None
    qtbot.waitUntil(lambda: reg._editing is None, timeout=15_000)
    assert reg.last_saved.confirmed_invalid, reg.form_notice.text()


def test_an_expired_document_typed_by_hand_asks_and_records(qtbot, app_controller):
    main, reg = signed_in(qtbot, app_controller)
    qtbot.keyClicks(reg.doc_number, "XP123456")
    qtbot.keyClicks(reg.expiry, (date.today() - timedelta(days=3)).strftime("%d/%m/%Y"))
    qtbot.keyClicks(reg.surname, "Hamani")
    qtbot.keyClick(reg, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    box = confirm_dialog(qtbot, reg)
    assert "expir" in box.text()
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: reg.last_saved is not None, timeout=15_000)
    assert reg.last_saved.confirmed_expired and not reg.last_saved.confirmed_invalid
    assert reg.last_saved.document.expiry_date == date.today() - timedelta(days=3)


# -- defect 11: an approximate age -------------------------------------------------------------
def test_an_age_is_stored_as_an_approximate_birth_year(qtbot, app_controller):
    from border_app.clock import post_today

    main, reg = signed_in(qtbot, app_controller)
    reg.no_document.setChecked(True)
    qtbot.keyClicks(reg.surname, "Abdou")
    reg.birth_date.setFocus()
    qtbot.keyClicks(reg.birth_date, "40")
    qtbot.keyClick(reg.birth_date, Qt.Key.Key_Tab)
    year = str(post_today().year - 40)
    assert reg.birth_date.text() == year and reg.birth_approx.isChecked()
    saved = save_and_wait(qtbot, reg, "ABDOU")
    assert saved.person.birth_date == year and saved.person.birth_date_approximate

    # typed and saved at once (no Tab): the same
    reg.no_document.setChecked(True)
    qtbot.keyClicks(reg.surname, "Idi")
    qtbot.keyClicks(reg.birth_date, "environ 25 ans")
    saved = save_and_wait(qtbot, reg, "IDI")
    assert saved.person.birth_date == str(post_today().year - 25) and saved.person.birth_date_approximate


# -- defect 13: dates and messages ---------------------------------------------------------------
def test_dates_are_typed_and_shown_day_first_in_both_languages(qtbot, app_controller):
    from border_app import i18n

    main, reg = signed_in(qtbot, app_controller)
    assert reg.expiry.placeholderText() == "JJ/MM/AAAA"
    i18n.set_language("en")
    try:
        assert reg.expiry.placeholderText() == "DD/MM/YYYY"
        assert "AAAA" not in reg.birth_date.placeholderText()
    finally:
        i18n.set_language("fr")
    qtbot.keyClicks(reg.doc_number, "DT998877")
    qtbot.keyClicks(reg.expiry, "30/06/2031")
    qtbot.keyClicks(reg.surname, "Dates")
    qtbot.keyClicks(reg.birth_date, "12/03/1985")
    saved = save_and_wait(qtbot, reg, "DATES")
    assert saved.document.expiry_date == date(2031, 6, 30) and saved.person.birth_date == "1985-03-12"
    reg.load_registration(saved)
    assert reg.expiry.text() == "30/06/2031" and reg.birth_date.text() == "12/03/1985"
    reg.new_registration()
    qtbot.keyClicks(reg.doc_number, "DT000001")
    qtbot.keyClicks(reg.expiry, "2031-06-30")  # ISO still accepted
    qtbot.keyClicks(reg.surname, "Iso")
    assert save_and_wait(qtbot, reg, "ISO").document.expiry_date == date(2031, 6, 30)


def test_the_saved_message_goes_when_the_next_traveller_is_typed_or_scanned(qtbot, app_controller):
    main, reg = signed_in(qtbot, app_controller)
    reg.no_document.setChecked(True)
    qtbot.keyClicks(reg.surname, "Premier")
    save_and_wait(qtbot, reg, "PREMIER")
    assert reg.form_notice.isVisible() and "PREMIER" in reg.form_notice.text()
    qtbot.keyClicks(reg.surname, "S")  # the next traveller
    assert not reg.form_notice.isVisible()

    reg.new_registration()
    reg.no_document.setChecked(True)
    qtbot.keyClicks(reg.surname, "Second")
    save_and_wait(qtbot, reg, "SECOND")
    assert "SECOND" in reg.form_notice.text()
    reader_types(qtbot, reg.scan, td3("TROIS", "A", "NE3333333", "NER", "700101", "M", future_expiry()))
    qtbot.waitUntil(lambda: reg.surname.text() == "TROIS", timeout=5000)
    assert "SECOND" not in reg.form_notice.text()


# -- defect 6's interface: the form as a draft, and back ----------------------------------------
def test_save_draft_and_restore_draft_round_trip(qtbot, app_controller):
    main, reg = signed_in(qtbot, app_controller)
    assert reg.save_draft() is None  # an empty form: nothing to keep
    reader_types(qtbot, reg.scan, td3("KANE", "OUMOU", "NE4444444", "MLI", "950505", "F", future_expiry()))
    qtbot.waitUntil(lambda: reg.surname.text() == "KANE", timeout=5000)
    reg.transport.set_value(reg.transport.itemData(2))
    qtbot.keyClicks(reg.origin, "Gao")
    reg.group_size.setValue(3)
    reg.given_names.setText("OUMOU AWA")
    before = reg.draft()
    kept = reg.save_draft()
    assert kept is not None

    reg.new_registration()
    assert reg.surname.text() == "" and reg.save_draft() is None
    reg.restore_draft(kept)
    after = reg.draft()
    before.crossing.crossed_at = after.crossing.crossed_at  # "now" at each call
    assert after == before
    assert reg.mrz_view.text() and reg.badges["composite"].property("ok") is True
    assert reg.save_draft().texts == kept.texts

    # a typed country that names no one country comes back as typed, still flagged
    reg.nationality.setEditText("Gui")
    reg.nationality.commit_text()
    kept = reg.save_draft()
    reg.new_registration()
    reg.restore_draft(kept)
    assert reg.nationality.currentText() == "Gui" and reg.nationality_hint.isVisible()
    saved = reg.save_draft()
    assert saved.texts == kept.texts and saved.choices == kept.choices
