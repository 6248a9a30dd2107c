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
