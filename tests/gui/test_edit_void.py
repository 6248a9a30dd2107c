"""Edit a saved registration (border official) and void one with a reason (supervisor)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from .conftest import login

pytestmark = pytest.mark.gui


def _register_declared(qtbot, reg, surname: str) -> None:
    reg.no_document.setChecked(True)
    qtbot.keyClicks(reg.surname, surname)
    qtbot.keyClicks(reg.birth_date, "1979")
    qtbot.keyClicks(reg.destination, "Niamey")
    qtbot.keyClick(reg, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: surname.upper() in reg.form_notice.text(), timeout=10_000)


def test_edit_then_void_are_saved_and_audited(qtbot, app_controller, monkeypatch):
    from db.services import AuditService, RegistrationService

    app_controller.start()
    main = login(qtbot, app_controller, "agent")
    reg, listing = main.registration, main.registrations
    _register_declared(qtbot, reg, "Zabeirou")

    qtbot.keyClicks(listing.search, "zabeirou")
    qtbot.waitUntil(lambda: len(listing.rows) == 1, timeout=10_000)
    assert not listing.void_button.isVisible() or not listing.void_button.isVisibleTo(main)
    listing.table.selectRow(0)
    listing.edit_selected()
    assert main.tabs.currentWidget() is reg and reg.mode_notice.isVisible()
    assert reg.surname.text() == "ZABEIROU"
    reg.destination.clear()
    qtbot.keyClicks(reg.destination, "Agadez")
    qtbot.keyClick(reg, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "ZABEIROU" in reg.form_notice.text(), timeout=10_000)
    crossing_id = listing.rows[0].crossing_id
    stored = RegistrationService(app_controller.db, main.actor).get(crossing_id)
    assert stored.crossing.destination == "Agadez"
    main.logout()

    supervisor = login(qtbot, app_controller, "superviseur")
    listing = supervisor.registrations
    qtbot.keyClicks(listing.search, "zabeirou")
    qtbot.waitUntil(lambda: len(listing.rows) == 1, timeout=10_000)
    listing.table.selectRow(0)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("", True)))
    listing.void_selected()
    assert "motif" in listing.notice.text().lower()  # a reason is required
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("doublon", True)))
    listing.void_selected()
    qtbot.waitUntil(lambda: listing.rows and listing.rows[0].voided, timeout=10_000)
    assert listing.rows[0].void_reason == "doublon"
    actions = [e.action for e in AuditService(app_controller.db, supervisor.actor).list(limit=50)
               if e.entity_id == crossing_id]
    assert {"register", "update", "void"} <= set(actions)
