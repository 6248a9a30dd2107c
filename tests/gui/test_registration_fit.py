"""The registration screen fits a maximised window on a 1366x768 screen (about 1366x740
inside the title bar) with a scanned MRZ and a message shown: the whole form, the Save and
Print buttons and the message line are in view without scrolling (issue #18, defect 2;
issue #19); on 1280x680 everything stays reachable by the tab's scroll area.

Set ``BORDER_APP_SHOTS=<folder>`` to keep what the window looked like (PNG)."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QLineEdit, QScrollArea, QWidget

from ui.i18n import switch_language

from .conftest import login
from .test_registration_flow import scan, td3

pytestmark = pytest.mark.gui


def settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


def scroll_of(reg: QWidget) -> QScrollArea:
    parent = reg.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    assert parent is not None, "the registration screen is not in a scroll area"
    return parent


def in_view(widget: QWidget, scroll: QScrollArea) -> bool:
    """The whole widget lies in the scroll area's viewport as it is now (no scrolling)."""
    viewport = scroll.viewport()
    rect = QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size())
    return QRect(QPoint(0, 0), viewport.size()).contains(rect)


def filled(qtbot, app_controller):
    """Signed in as a border official on the demo post, a passport scanned, a message shown."""
    app_controller.start()
    main = login(qtbot, app_controller, "agent")
    reg = main.registration
    expiry = (date.today() + timedelta(days=5 * 365)).strftime("%y%m%d")
    scan(qtbot, reg.scan, td3("MAHAMADOU", "AMINA", "NE1234567", "NER", "900215", "F", expiry))
    qtbot.waitUntil(lambda: reg.surname.text() == "MAHAMADOU", timeout=5000)
    reg.form_notice.show_message("Enregistré : ISSOUFOU MARIAMA ABDOULAYE, passeport 10AB23456.", "ok")
    reg.print_button.setEnabled(True)
    return main, reg


def shoot(window: QWidget, name: str) -> None:
    folder = os.environ.get("BORDER_APP_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        window.grab().save(str(Path(folder) / name))


@pytest.fixture(params=["fr", "en"])
def lang(request):
    """Each language in turn; French again afterwards (the default the other tests expect)."""
    yield request.param
    switch_language("fr")


def test_save_and_print_in_view_at_1366x740_with_a_scanned_mrz_and_a_message(qtbot, app_controller, lang):
    main, reg = filled(qtbot, app_controller)
    switch_language(lang)
    assert reg.mrz_notice.isVisible() and reg.form_notice.isVisible()
    main.showNormal()
    main.resize(1366, 740)
    settle()
    scroll = scroll_of(reg)
    scroll.verticalScrollBar().setValue(0)
    settle()
    shoot(main, f"registration-1366x740-{lang}.png")
    assert reg.print_button.isVisible()
    out = [w.objectName() for w in (reg.save_button, reg.print_button, reg.new_button, reg.form_notice,
                                     reg.mrz_notice, reg.scan)
           if not in_view(w, scroll)]
    out += [w.objectName() for w in reg.findChildren(QLineEdit) if w.isVisibleTo(reg) and not in_view(w, scroll)]
    assert out == [], f"outside the view at 1366x740 without scrolling: {out}"
    assert not scroll.verticalScrollBar().isVisible() or scroll.verticalScrollBar().maximum() == 0


def test_everything_reachable_at_1280x680(qtbot, app_controller):
    main, reg = filled(qtbot, app_controller)
    main.showNormal()
    main.resize(1280, 680)
    settle()
    scroll = scroll_of(reg)
    shoot(main, "registration-1280x680.png")
    assert reg.minimumSizeHint().width() <= scroll.viewport().width() + 1
    for widget in (reg.scan, reg.save_button, reg.print_button, reg.form_notice, reg.group_size):
        scroll.ensureWidgetVisible(widget, 0, 0)
        settle()
        assert in_view(widget, scroll), widget.objectName()
    scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
    settle()
    shoot(main, "registration-1280x680-scrolled.png")
