"""Issue #18, the screenshot walk: the registration screen (ui/registration*.py)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from .conftest import login

pytestmark = pytest.mark.gui


def _save_without_document(qtbot, reg, surname: str, given: str) -> None:
    reg.no_document.setChecked(True)
    qtbot.keyClicks(reg.surname, surname)
    qtbot.keyClicks(reg.given_names, given)
    qtbot.keyClicks(reg.birth_date, "1985")
    reg.sex.set_value("F")
    qtbot.keyClick(reg, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: surname.upper() in reg.form_notice.text(), timeout=10_000)


def test_the_print_button_says_whose_attestation_it_prints(qtbot, app_controller):
    from ui.i18n import switch_language

    app_controller.start()
    main = login(qtbot, app_controller, "agent")
    reg = main.registration
    assert not reg.print_button.isEnabled()
    _save_without_document(qtbot, reg, "Moussa", "Halima")
    assert reg.print_button.isEnabled()
    assert reg.print_button.text() == "Imprimer l'attestation de MOUSSA HALIMA (Ctrl+P)"
    # the next traveller is being typed: the button still names the saved one, not the form's
    reg.no_document.setChecked(True)
    qtbot.keyClicks(reg.surname, "Garba")
    assert "MOUSSA HALIMA" in reg.print_button.text() and "GARBA" not in reg.print_button.text().upper()
    try:
        switch_language("en")
        assert reg.print_button.text() == "Print the attestation of MOUSSA HALIMA (Ctrl+P)"
    finally:
        switch_language("fr")


def test_a_long_name_is_cut_on_the_button_and_whole_in_its_tooltip(qtbot, app_controller):
    app_controller.start()
    main = login(qtbot, app_controller, "agent")
    reg = main.registration
    long_given = "Aichatou Mariama Fatimata Zeinabou Hadiza"
    _save_without_document(qtbot, reg, "Abdourahamane-Issoufou", long_given)
    assert "…" in reg.print_button.text()
    assert long_given.upper() in reg.print_button.toolTip()
    assert reg.print_button.sizeHint().width() < 480


def _passport(surname: str, given: str, number: str = "NE5550001"):
    from datetime import date, timedelta

    from border_app import mrz

    return mrz.parse(mrz.build_td3(surname=surname, given_names=given, document_number=number,
                                   issuing_state="NER", birth_date=date(1988, 3, 4), sex="F",
                                   expiry_date=date.today() + timedelta(days=1000)))


def _save_scanned(qtbot, reg, result):
    reg.apply_mrz(result)
    reg.transport.set_value(reg.transport.itemData(1))
    qtbot.keyClick(reg, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: reg.last_saved is not None and reg.last_saved.person.surname == result.surname,
                    timeout=15_000)


def test_the_scan_messages_follow_a_language_change(qtbot, app_controller):
    from ui.i18n import switch_language

    app_controller.start()
    main = login(qtbot, app_controller, "agent")
    reg = main.registration
    _save_scanned(qtbot, reg, _passport("MOUSSA", "HALIMA"))
    reg.apply_mrz(_passport("MOUSSA", "HALIMA"))
    qtbot.waitUntil(lambda: reg.seen_notice.isVisible(), timeout=10_000)
    assert reg.mrz_notice.text() == "MRZ lue : tous les chiffres de contrôle sont corrects."
    assert reg.seen_notice.text().startswith("Document déjà vu : 1 passage antérieur.")
    try:
        switch_language("en")
        assert reg.mrz_notice.text() == "MRZ read: all check digits pass."
        assert reg.seen_notice.text().startswith("Document already seen: 1 earlier crossing.")
        assert "déjà" not in reg.seen_notice.text()
        reg.apply_mrz_text("P<NERNOT<A<VALID<MRZ")
        english = reg.mrz_notice.text()
        switch_language("fr")
        assert reg.mrz_notice.text() != english and reg.mrz_notice.isVisible()
        switch_language("en")
        assert reg.mrz_notice.text() == english
    finally:
        switch_language("fr")


def test_reason_for_travel_in_english(qtbot, app_controller):
    from PySide6.QtWidgets import QLabel

    from ui.i18n import switch_language

    app_controller.start()
    main = login(qtbot, app_controller, "agent")
    reg = main.registration
    label = next(x for x in reg.findChildren(QLabel) if x.buddy() is reg.reason)
    assert label.text().replace("&", "").startswith("Motif du voyage")
    try:
        switch_language("en")
        assert label.text().replace("&", "").startswith("Reason for travel")
    finally:
        switch_language("fr")


def test_a_document_seen_before_under_another_name_is_flagged(qtbot, app_controller):
    app_controller.start()
    main = login(qtbot, app_controller, "agent")
    reg = main.registration
    _save_scanned(qtbot, reg, _passport("MOUSSA", "HALIMA", "NE5550002"))
    # the same document under the same name: "already seen", nothing more
    reg.apply_mrz(_passport("MOUSSA", "HALIMA", "NE5550002"))
    qtbot.waitUntil(lambda: reg.seen_notice.isVisible(), timeout=10_000)
    assert "autre nom" not in reg.seen_notice.text()
    assert reg.seen_notice.property("kind") == "warning"
    # the same document number now read under another name: said first, in red
    reg.new_registration()
    reg.apply_mrz(_passport("GARBA", "IBRAHIM", "NE5550002"))
    qtbot.waitUntil(lambda: reg.seen_notice.isVisible(), timeout=10_000)
    text = reg.seen_notice.text()
    assert text.startswith("Enregistré auparavant sous un autre nom : MOUSSA HALIMA.")
    assert reg.seen_notice.property("kind") == "error"


def test_other_names_ignores_accents_and_an_mrz_cut_name():
    from types import SimpleNamespace

    from ui.registration import other_names

    earlier = [SimpleNamespace(surname="MOUSSA-DJIBO", given_names="Halimà Aïssata")]
    assert other_names(earlier, "MOUSSA DJIBO", "HALIMA AISSATA") == []
    assert other_names(earlier, "MOUSSA DJIBO", "HALIMA AIS") == []      # cut by the MRZ
    assert other_names(earlier, "GARBA", "IBRAHIM") == ["MOUSSA-DJIBO Halimà Aïssata"]
    assert other_names(earlier, "", "") == []
