"""Keyboard-wedge input on the registration screen: a passport reader's or a barcode
scanner's keystrokes that arrive while no text field has the focus go to the scan field
(issue #18, defect 3)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QPlainTextEdit, QTextEdit, QWidget,
)

from .fields import ScanField


def is_text_input(widget) -> bool:
    """A field where typed characters are text (left alone by the wedge router)."""
    if isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)):
        return not widget.isReadOnly()
    if isinstance(widget, QAbstractSpinBox):
        return not widget.isReadOnly()
    return isinstance(widget, QComboBox) and widget.isEditable()


class WedgeRouter(QObject):
    """Sends to the scan field the keys a passport reader or a barcode scanner types while
    the focus is on no text field of the screen's window (a button, a check box, a list,
    the tab bar, nothing): the reader's burst is never lost.

    Printable keys move the focus to the scan field and go there; Enter and Space too while
    a burst is going on (a key reached the scan field less than 150 ms before). On a
    non-editable combo box a lone key still selects an entry as usual ("S" for "Sortie"):
    the key is held for ``HOLD_MS`` and goes to the scan field only if another follows
    that fast (no person types two keys 40 ms apart on a combo box)."""

    HOLD_MS = 40

    def __init__(self, screen: QWidget, scan: ScanField):
        super().__init__(screen)
        self.screen, self.scan = screen, scan
        self._held: tuple[QObject, QKeyEvent] | None = None
        self._replaying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.HOLD_MS)
        self._timer.timeout.connect(self._release)

    def watch(self, widget: QObject | None) -> None:
        if widget is not None and not is_text_input(widget):
            widget.installEventFilter(self)

    def _applies(self, obj) -> bool:
        screen = self.screen
        if not isinstance(obj, QWidget) or obj is self.scan or is_text_input(obj):
            return False
        if not screen.isVisible() or obj.window() is not screen.window():
            return False
        return QApplication.activePopupWidget() is None and QApplication.activeModalWidget() is None

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if self._replaying or event.type() != QEvent.Type.KeyPress or not self._applies(obj):
            return False
        if event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                                | Qt.KeyboardModifier.MetaModifier):
            return False
        scan = self.scan
        burst = scan.recently_typed() or self._held is not None
        text = event.text()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) or text == " ":
            if not burst:
                return False
        elif not text or not text.isprintable():
            return False
        key = QKeyEvent(QEvent.Type.KeyPress, event.key(), event.modifiers(), text, event.isAutoRepeat(),
                        event.count())
        if isinstance(obj, QComboBox) and not burst:
            self._held = (obj, key)
            self._timer.start()
            return True
        self._timer.stop()
        held, self._held = self._held, None
        scan.setFocus(Qt.FocusReason.OtherFocusReason)
        if held is not None:
            QApplication.sendEvent(scan, held[1])
        QApplication.sendEvent(scan, key)
        return True

    def _release(self) -> None:
        """A lone key on a combo box: it was the person's, give it back."""
        held, self._held = self._held, None
        if held is None:
            return
        target, key = held
        self._replaying = True
        try:
            QApplication.sendEvent(target, key)
        except RuntimeError:  # the combo box is gone
            pass
        finally:
            self._replaying = False
