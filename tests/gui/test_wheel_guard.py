"""The mouse wheel scrolls the screening form; it never changes an answer the screener has
not clicked (it once set "Contact with a sick person" to Yes under a scrolling pointer)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox

from border_app.screening import ScreeningSettings, Traveller, build_form, load_protocols

pytestmark = pytest.mark.gui


def _wheel(widget, steps: int = -1) -> None:
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(pos, widget.mapToGlobal(pos), QPoint(0, 0), QPoint(0, 120 * steps),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)
    QApplication.sendEvent(widget, event)


@pytest.fixture
def form(qtbot):
    from ui.app import make_application
    from ui.screening_form import ScreeningForm

    make_application()                      # installs the guard, as the application does
    spec = build_form(load_protocols().select(["general"]), Traveller("1990-04-02", "F"),
                      datetime(2025, 6, 10, 9, tzinfo=timezone.utc), ScreeningSettings())
    w = ScreeningForm(spec)
    qtbot.addWidget(w)
    w.resize(1000, 400)                     # short: the questions scroll
    w.show()
    qtbot.waitExposed(w)
    return w


def test_the_wheel_over_an_unclicked_answer_scrolls_the_form_instead(qtbot, form):
    combo = form.findChild(QComboBox, "q_sick_contact")
    spin = form.findChild(object, "q_temperature")
    form.submit_button.setFocus()
    bar = form.questions_scroll.verticalScrollBar()
    assert bar.maximum() > 0
    before = (combo.currentIndex(), spin.value(), bar.value())
    for _ in range(3):
        _wheel(combo)
        _wheel(spin.lineEdit() if hasattr(spin, "lineEdit") else spin)
    assert (combo.currentIndex(), spin.value()) == before[:2]      # no answer changed
    assert bar.value() != before[2]                                # the page scrolled
    assert form.decision().status == "incomplete"


def test_the_wheel_changes_an_answer_the_user_is_in(qtbot, form):
    combo = form.findChild(QComboBox, "q_sick_contact")
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    _wheel(combo)
    assert combo.currentIndex() != 0
