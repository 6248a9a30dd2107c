"""Small shared widgets."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QGuiApplication, QPainter
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QSizePolicy, QTabBar, QWidget

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
        self.setStyleSheet(f"color:{colour};font-weight:bold;padding:2px 6px;"
                           f"border:1px solid {colour};border-radius:3px;")


class ElidedLabel(QLabel):
    """A one-line label that never asks for more width than it gets: a text too long
    for the space is cut with "…" and shown in full in the tooltip."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self.fontMetrics().horizontalAdvance("M") * 6), hint.height())

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        super().setText(text)
        self.setToolTip(text)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        rect = self.contentsRect()
        text = QFontMetrics(self.font()).elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, int(self.alignment()), text)


class Notice(QFrame):
    """An inline message (warning or information) that screens show and hide.

    Word-wrapped, at most ``MAX_LINES`` lines high (the full text is in the tooltip and
    the label scrolls no further), so a long message never pushes a screen's buttons
    off a small laptop screen."""

    MAX_LINES = 4

    COLOURS = {"warning": ("#fff3e0", "#e65100"), "error": ("#ffebee", "#b71c1c"), "info": ("#e3f2fd", "#0d47a1"),
               "ok": ("#e8f5e9", "#1b5e20")}

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
        self.setStyleSheet(f"QFrame{{background:{bg};border:1px solid {fg};border-radius:4px;}} "
                           f"QLabel{{color:{fg};border:none;}}")
        self.label.setText(text)
        self.label.setToolTip(text)
        self.label.setMaximumHeight(self.label.fontMetrics().lineSpacing() * self.MAX_LINES + 4)
        self.setProperty("kind", kind)
        self.show()

    def text(self) -> str:
        return "" if self.isHidden() else self.label.text()


class IdleWatcher(QObject):
    """Signs the user out after a period without keyboard or mouse activity (shared laptop).

    ``warning(seconds_left)`` is emitted ``warn_seconds`` before the end and then every
    second (``countdown``); any activity emits ``resumed`` and starts the period again;
    ``idle`` at the end. ``seconds`` (tests) overrides ``minutes``."""

    idle = Signal()
    countdown = Signal(int)
    resumed = Signal()
    ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel}

    def __init__(self, minutes: int, parent: QObject | None = None, *, seconds: float | None = None,
                 warn_seconds: int = 60):
        super().__init__(parent)
        total_ms = int(seconds * 1000) if seconds is not None else max(1, minutes) * 60_000
        self.warn_seconds = max(1, min(int(warn_seconds), total_ms // 2000))
        self._left = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(1, total_ms - self.warn_seconds * 1000))
        self._timer.timeout.connect(self._start_countdown)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._count)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._timer.start()

    @property
    def counting_down(self) -> bool:
        return self._tick.isActive()

    def _start_countdown(self) -> None:
        self._left = self.warn_seconds
        self._tick.start()
        self.countdown.emit(self._left)

    def _count(self) -> None:
        self._left -= 1
        if self._left > 0:
            self.countdown.emit(self._left)
            return
        self.stop()
        self.idle.emit()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() in self.ACTIVITY:
            self.poke()
        return False

    def poke(self) -> None:
        """Activity: start the period again (and cancel a running countdown)."""
        if not self._timer.isActive() and not self._tick.isActive():
            return  # stopped
        if self._tick.isActive():
            self._tick.stop()
            self.resumed.emit()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._tick.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


def fit_to_screen(window: QWidget, width: int | None = None, height: int | None = None) -> None:
    """Size ``window`` to ``width`` x ``height`` (default: its size hint), never larger than
    the screen's available area (taskbar excluded), and centre it on that area."""
    hint = window.sizeHint()
    w, h = width or hint.width(), height or hint.height()
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        window.resize(w, h)
        return
    area = screen.availableGeometry()
    w, h = min(w, area.width()), min(h, area.height())
    window.resize(w, h)
    window.move(area.x() + (area.width() - w) // 2, area.y() + (area.height() - h) // 2)


class RoomyTabBar(QTabBar):
    """A tab bar whose tabs are tall enough for their text: Fusion draws an unselected tab
    lower than the selected one and cut the descenders of g, j, y ("Passages du jour")."""

    PADDING = 18  # px above and below the text, the unselected tab's offset included

    def tabSizeHint(self, index: int) -> QSize:  # noqa: N802 - Qt override
        hint = super().tabSizeHint(index)
        return QSize(hint.width(), max(hint.height(), self.fontMetrics().height() + self.PADDING))

    def minimumTabSizeHint(self, index: int) -> QSize:  # noqa: N802 - Qt override
        hint = super().minimumTabSizeHint(index)
        return QSize(hint.width(), max(hint.height(), self.fontMetrics().height() + self.PADDING))
