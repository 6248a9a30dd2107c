"""Post settings, "Health screening" section (post administrator): the active protocols,
the yellow fever minimum age (sources say 9 or 12 months), the fever threshold, declared
outbreaks and affected areas per disease. These are the keys that
``border_app.screening.ScreeningSettings.from_settings`` reads; each change is saved at once."""

from __future__ import annotations

import re

from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from border_app.errors import UserFacingError
from border_app.i18n import N_, _, current_language
from border_app.screening import default_active_protocols, load_protocols

from .i18n import Retranslatable
from .widgets import Notice

#: diseases whose protocols read an outbreak flag or affected areas
DISEASES = ("cholera", "ebola_marburg", "mpox", "meningitis", "covid19", "yellow_fever")
#: the diseases by name (an outbreak is of a disease, not of a protocol: the yellow fever
#: protocol's title is about the vaccination certificate, a standing requirement)
DISEASE_NAMES = {
    "cholera": N_("Cholera"), "ebola_marburg": N_("Ebola or Marburg disease"), "mpox": N_("Mpox"),
    "meningitis": N_("Meningitis"), "covid19": N_("COVID-19"), "yellow_fever": N_("Yellow fever"),
}
_CODE = re.compile(r"^[A-Z]{2,3}(-[A-Z0-9]{1,6})?$")


def parse_areas(text: str) -> list[str] | None:
    """``"NGA, mli  COD"`` -> ``["COD", "MLI", "NGA"]``; ``None`` when a code is not valid."""
    codes = [c for c in re.split(r"[\s,;]+", (text or "").upper()) if c]
    if len(codes) > 300 or not all(_CODE.match(c) for c in codes):
        return None
    return sorted(set(codes))


class ScreeningSettingsSection(QWidget, Retranslatable):
    def __init__(self, db, actor, parent: QWidget | None = None, *, settings=None, profile=None, demo: bool = False):
        super().__init__(parent)
        self.db, self.actor, self.settings, self.profile, self.demo = db, actor, settings, profile, demo
        self.setObjectName("screeningSettings")

        self.protocols = load_protocols()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        # active protocols
        self.protocol_box = QGroupBox(self)
        self.bind(self.protocol_box.setTitle, N_("Active protocols"))
        grid = QGridLayout(self.protocol_box)
        active = set(settings.active_protocols if settings is not None else default_active_protocols(self.protocols))
        self.protocol_checks: dict[str, QCheckBox] = {}
        for i, protocol in enumerate(self.protocols):
            cb = QCheckBox(self.protocol_box)
            cb.setObjectName(f"protocol_{protocol.id}")
            cb.setChecked(protocol.id in active)
            cb.toggled.connect(lambda _c: self._save_protocols())
            grid.addWidget(cb, i // 2, i % 2)
            self.protocol_checks[protocol.id] = cb
        layout.addWidget(self.protocol_box)

        # thresholds
        form = QFormLayout()
        self.yf_age = QSpinBox(self)
        self.yf_age.setMaximumWidth(120)      # a number, not a line across the screen
        self.yf_age.setObjectName("yellowFeverMinAge")
        self.yf_age.setRange(9, 12)
        self.yf_age.setSingleStep(3)
        self.yf_age.setValue(settings.yellow_fever_min_age_months if settings is not None else 12)
        self.yf_age.valueChanged.connect(lambda v: self._store("yellow_fever_min_age_months", int(v)))
        self.fever = QDoubleSpinBox(self)
        self.fever.setMaximumWidth(120)
        self.fever.setObjectName("feverThreshold")
        self.fever.setRange(37.5, 39.0)
        self.fever.setDecimals(1)
        self.fever.setSingleStep(0.1)
        self.fever.setValue(settings.fever_threshold_c if settings is not None else 38.0)
        self.fever.valueChanged.connect(lambda v: self._store("fever_threshold_c", round(float(v), 1)))
        age_label, fever_label = QLabel(self), QLabel(self)
        self.bind(age_label.setText, N_("Yellow fever certificate required from the age of (months)"))
        self.bind(fever_label.setText, N_("Fever threshold (°C)"))
        age_label.setWordWrap(True)
        form.addRow(age_label, self.yf_age)
        form.addRow(fever_label, self.fever)
        layout.addLayout(form)

        # outbreaks and affected areas
        self.outbreak_box = QGroupBox(self)
        self.bind(self.outbreak_box.setTitle, N_("Declared outbreaks and affected areas"))
        og = QGridLayout(self.outbreak_box)
        hint = QLabel(self.outbreak_box)
        hint.setWordWrap(True)
        hint.setStyleSheet("color:#555;")
        self.bind(hint.setText, N_("Tick a disease when the health authorities declare an outbreak. Affected "
                                   "areas: country codes (ISO, 3 letters) separated by commas, e.g. NGA, MLI."))
        og.addWidget(hint, 0, 0, 1, 2)
        outbreaks = set(settings.outbreaks) if settings is not None else set()
        areas = dict(settings.affected_areas) if settings is not None else {}
        self.outbreak_checks: dict[str, QCheckBox] = {}
        self.area_edits: dict[str, QLineEdit] = {}
        for row, disease in enumerate(DISEASES, start=1):
            cb = QCheckBox(self.outbreak_box)
            cb.setObjectName(f"outbreak_{disease}")
            cb.setChecked(disease in outbreaks)
            cb.toggled.connect(lambda _c: self._save_outbreaks())
            edit = QLineEdit(self.outbreak_box)
            edit.setObjectName(f"areas_{disease}")
            edit.setText(", ".join(areas.get(disease, [])))
            edit.setMaxLength(1200)
            edit.editingFinished.connect(self._save_areas)
            og.addWidget(cb, row, 0)
            og.addWidget(edit, row, 1)
            self.outbreak_checks[disease] = cb
            self.area_edits[disease] = edit
        layout.addWidget(self.outbreak_box)

        self.notice = Notice(self)
        self.notice.setObjectName("screeningSettingsNotice")
        layout.addWidget(self.notice)
        self.on_retranslate()

    def on_retranslate(self) -> None:
        lang = current_language()
        for pid, cb in self.protocol_checks.items():
            protocol = self.protocols.get(pid)
            cb.setText(protocol.title.get(lang) if hasattr(protocol.title, "get") else str(protocol.title))
        for disease, cb in self.outbreak_checks.items():
            cb.setText(_("Outbreak: {disease}").format(disease=_(DISEASE_NAMES.get(disease, disease))))

    # ------------------------------------------------------------------ saving
    def _store(self, key: str, value) -> bool:
        if self.settings is None:
            return False
        try:
            setattr(self.settings, key, value)
        except (ValueError, UserFacingError) as exc:
            self.notice.show_message(getattr(exc, "message", None) or _("This value cannot be saved."), "error")
            return False
        self.notice.show_message(_("Saved."), "ok")
        return True

    def _save_protocols(self) -> None:
        chosen = [pid for pid, cb in self.protocol_checks.items() if cb.isChecked()]
        if not chosen:
            self.notice.show_message(_("Keep at least one protocol active."), "error")
            first = self.protocol_checks.get("general") or next(iter(self.protocol_checks.values()))
            first.setChecked(True)
            return
        self._store("active_protocols", chosen)

    def _save_outbreaks(self) -> None:
        self._store("outbreaks", [d for d, cb in self.outbreak_checks.items() if cb.isChecked()])

    def _save_areas(self) -> None:
        value: dict[str, list[str]] = {}
        for disease, edit in self.area_edits.items():
            codes = parse_areas(edit.text())
            if codes is None:
                self.notice.show_message(
                    _("Affected areas: “{text}” is not a list of country codes (e.g. NGA, MLI).").format(
                        text=edit.text()[:60]), "error")
                edit.setFocus()
                return
            edit.setText(", ".join(codes))
            if codes:
                value[disease] = codes
        if self.settings is not None and value == dict(self.settings.affected_areas):
            return
        self._store("affected_areas", value)
