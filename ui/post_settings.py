"""Post settings (post administrator): general settings, plus the sections that features add.

A section is a QWidget class listed in :data:`SECTIONS` as ``(class, title)``; it is built
as ``cls(db, actor, parent, settings=..., profile=..., demo=...)``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QSpinBox, QVBoxLayout, QWidget, QScrollArea

from border_app.errors import UserFacingError
from border_app.i18n import N_, _

from .i18n import Retranslatable
from .settings_printing import PrintingSettingsSection
from .settings_screening import ScreeningSettingsSection
from .widgets import Notice

SECTIONS: tuple[tuple[type, str], ...] = (
    (ScreeningSettingsSection, N_("Health screening")),
    (PrintingSettingsSection, N_("Printing")),
)


class PostSettingsScreen(QWidget, Retranslatable):
    def __init__(self, db, actor, parent: QWidget | None = None, *, settings=None, profile=None, demo: bool = False):
        super().__init__(parent)
        self.db, self.actor, self.settings, self.profile, self.demo = db, actor, settings, profile, demo
        self.setObjectName("postSettingsScreen")
        outer = QVBoxLayout(self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        body = QWidget(scroll)
        layout = QVBoxLayout(body)
        scroll.setWidget(body)
        outer.addWidget(scroll)

        general = QGroupBox(body)
        self.bind(general.setTitle, N_("General"))
        form = QFormLayout(general)
        self.timeout = QSpinBox(general)
        self.timeout.setMaximumWidth(120)     # a number, not a line across the screen
        self.timeout.setObjectName("sessionTimeout")
        self.timeout.setRange(1, 240)
        self.timeout.setValue(settings.session_timeout_minutes if settings else 15)
        self.timeout.valueChanged.connect(self._timeout_changed)
        label = QLabel(general)
        self.bind(label.setText, N_("Sign out after inactivity (minutes)"))
        form.addRow(label, self.timeout)
        layout.addWidget(general)

        self.notice = Notice(body)
        layout.addWidget(self.notice)
        self.sections: dict[str, QWidget] = {}
        for cls, title in SECTIONS:
            box = QGroupBox(body)
            self.bind(box.setTitle, title)
            box_layout = QVBoxLayout(box)
            section = cls(db, actor, box, settings=settings, profile=profile, demo=demo)
            box_layout.addWidget(section)
            layout.addWidget(box)
            self.sections[cls.__module__] = section      # keyed by module, e.g. "ui.settings_printing"
        layout.addStretch(1)

    def _timeout_changed(self, value: int) -> None:
        if self.settings is None:
            return
        try:
            self.settings.session_timeout_minutes = value
            self.notice.show_message(_("Saved."), "ok")
        except UserFacingError as exc:
            self.notice.show_message(exc.message, "error")
