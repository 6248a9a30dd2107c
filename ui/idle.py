"""The warning shown before an idle sign-out."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from border_app.i18n import _


class IdleCountdown(QFrame):
    """A banner over the top of the main window: "Signing out in 45 s — move the mouse or
    press a key to stay". Not a modal dialog: any activity anywhere cancels it."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("idleCountdown")
        self.setFrameShape(QFrame.Shape.Box)
        self.setStyleSheet("QFrame#idleCountdown{background:#fff3e0;border:2px solid #e65100;border-radius:6px;}"
                           "QLabel{color:#e65100;font-weight:bold;font-size:13pt;border:none;}")
        layout = QVBoxLayout(self)
        self.label = QLabel(self)
        self.label.setObjectName("idleCountdownText")
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.label)
        self.seconds = 0
        self.hide()

    def show_seconds(self, seconds: int) -> None:
        self.seconds = seconds
        self.label.setText(_("Signing out in {seconds} s — move the mouse or press a key to stay.")
                           .format(seconds=seconds))
        parent = self.parentWidget()
        width = min(560, max(200, parent.width() - 40))
        self.setFixedWidth(width)
        self.adjustSize()
        self.move((parent.width() - width) // 2, max(0, (parent.height() - self.height()) // 3))
        self.show()
        self.raise_()
