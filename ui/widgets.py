"""Small shared widgets."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QWidget

from border_app.i18n import N_

from .i18n import Retranslatable

DEMO_STYLE = "background:#b71c1c;color:white;font-weight:bold;padding:4px;letter-spacing:2px;"


class DemoBanner(QLabel, Retranslatable):
    """The visible DÉMO mark on every screen of the demo mode."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("demoBanner")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet(DEMO_STYLE)
        self.bind(self.setText, N_("DÉMO — fictitious data, for training only — DÉMO"))


class CheckBadge(QLabel):
    """A check-digit result: green ✓ / red ✗ / grey — (not checked)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.set_state(None, "")

    def set_state(self, ok: bool | None, text: str) -> None:
        if ok is None:
            mark, colour = "—", "#757575"
        elif ok:
            mark, colour = "✓", "#1b5e20"
        else:
            mark, colour = "✗", "#b71c1c"
        self.setText(f"{mark} {text}")
        self.setProperty("ok", ok)
        self.setStyleSheet(f"color:{colour};font-weight:bold;padding:2px 6px;border:1px solid {colour};border-radius:3px;")


class Notice(QFrame):
    """An inline message (warning or information) that screens show and hide."""

    COLOURS = {"warning": ("#fff3e0", "#e65100"), "error": ("#ffebee", "#b71c1c"), "info": ("#e3f2fd", "#0d47a1"), "ok": ("#e8f5e9", "#1b5e20")}

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.label)
        self.hide()

    def show_message(self, text: str, kind: str = "warning") -> None:
        bg, fg = self.COLOURS[kind]
        self.setStyleSheet(f"QFrame{{background:{bg};border:1px solid {fg};border-radius:4px;}} QLabel{{color:{fg};border:none;}}")
        self.label.setText(text)
        self.setProperty("kind", kind)
        self.show()

    def text(self) -> str:
        return "" if self.isHidden() else self.label.text()


class IdleWatcher(QObject):
    """Signs the user out after a period without keyboard or mouse activity (shared laptop)."""

    idle = Signal()
    ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel}

    def __init__(self, minutes: int, parent: QObject | None = None):
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(1, minutes) * 60_000)
        self._timer.timeout.connect(self.idle)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._timer.start()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() in self.ACTIVITY:
            self._timer.start()
        return False

    def stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
