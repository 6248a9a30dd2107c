"""The mouse wheel never changes an answer the user has not clicked.

Qt lets the wheel change a drop-down list or a number field under the pointer: a screener
scrolling the screening form with the wheel once set "Contact with a sick person" to Yes
without noticing (the outcome then read secondary screening). Installed on the application,
this filter sends such a wheel turn to the page that holds the field (which scrolls), unless
the field has the keyboard focus (clicked or tabbed into: then the wheel changes it, as the
user expects)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QWidget


def _field(obj: QObject) -> QWidget | None:
    """The combo box or spin box ``obj`` is, or is inside (a spin box's line edit)."""
    while isinstance(obj, QWidget):
        if isinstance(obj, (QComboBox, QAbstractSpinBox)):
            return obj
        if isinstance(obj, QAbstractScrollArea):
            return None
        obj = obj.parentWidget()
    return None


#: what a wheel turn over a field reaches first (a spin box's text is its line edit); the
#: filter sees every event of the application, so it tests the cheap type check first
_TARGETS = (QComboBox, QAbstractSpinBox, QLineEdit)


class WheelGuard(QObject):
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if not isinstance(obj, _TARGETS) or event.type() != QEvent.Type.Wheel:
            return False
        field = _field(obj)
        if field is None or field.hasFocus() or (field.focusProxy() is not None and field.focusProxy().hasFocus()):
            return False
        parent = field.parentWidget()
        while parent is not None and not isinstance(parent, QAbstractScrollArea):
            parent = parent.parentWidget()
        if parent is not None:
            QApplication.sendEvent(parent.viewport(), event)   # the page scrolls instead
        return True


def install(app: QApplication) -> WheelGuard:
    guard = WheelGuard(app)
    app.installEventFilter(guard)
    return guard
