"""Post settings, "Printing" section: slip paper size and languages, and the printer test
slip (the signed TEST slip of ``border-app slip --demo``, for a fictitious traveller)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from border_app.errors import UserFacingError
from border_app.i18n import N_, _
from border_app.usecases.printer_test_slip import printer_test_slip

from .errors import report_failure
from .fields import ChoiceBox
from .i18n import Retranslatable
from .ops import Op
from .print_dialogs import preview_dpi, render_pages, show_preview
from .widgets import Notice

SIZE_CHOICES = (("80mm", N_("80 mm thermal roll")), ("a6", N_("A6 (105 × 148 mm)")), ("a4", N_("A4")))
LANGUAGE_CHOICES = (("fr+en", N_("French and English")), ("fr", N_("French only")), ("en", N_("English only")))


class PrintingSettingsSection(QWidget, Retranslatable):
    def __init__(self, db, actor, parent: QWidget | None = None, *, settings=None, profile=None, demo: bool = False):
        super().__init__(parent)
        self.db, self.actor, self.settings, self.profile, self.demo = db, actor, settings, profile, demo
        self.setObjectName("printingSettings")
        self.preview = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        self.size = ChoiceBox(SIZE_CHOICES, self)
        self.size.setObjectName("slipSize")
        self.size.set_value(settings.slip_size if settings is not None else "80mm")
        self.size.currentIndexChanged.connect(lambda _i: self._store("slip_size", self.size.value()))
        self.language = ChoiceBox(LANGUAGE_CHOICES, self)
        self.language.setObjectName("slipLanguage")
        self.language.set_value(settings.slip_language if settings is not None else "fr+en")
        self.language.currentIndexChanged.connect(lambda _i: self._store("slip_language", self.language.value()))
        size_label, language_label = QLabel(self), QLabel(self)
        self.bind(size_label.setText, N_("Slip paper"))
        self.bind(language_label.setText, N_("Slip languages"))
        form.addRow(size_label, self.size)
        form.addRow(language_label, self.language)
        layout.addLayout(form)

        row = QHBoxLayout()
        self.test_button = QPushButton(self)
        self.test_button.setObjectName("testSlipButton")
        self.bind(self.test_button.setText, N_("Print a test slip…"))
        self.test_button.clicked.connect(self.print_test_slip)
        hint = QLabel(self)
        hint.setWordWrap(True)
        hint.setStyleSheet("color:#555;")
        self.bind(hint.setText, N_("A signed TEST slip for a fictitious traveller, marked DÉMO, to check the "
                                   "printer's alignment and that the code scans. It is not recorded."))
        row.addWidget(self.test_button)
        row.addWidget(hint, 1)
        layout.addLayout(row)
        self.notice = Notice(self)
        self.notice.setObjectName("printingNotice")
        layout.addWidget(self.notice)

    def _store(self, key: str, value) -> None:
        if self.settings is None or value is None:
            return
        try:
            setattr(self.settings, key, value)
        except (ValueError, UserFacingError) as exc:
            self.notice.show_message(getattr(exc, "message", None) or _("This value cannot be saved."), "error")
            return
        self.notice.show_message(_("Saved."), "ok")

    def print_test_slip(self) -> None:
        """Render the test slip in a worker, then open the print preview."""
        size = self.size.value() or "80mm"
        languages = tuple((self.language.value() or "fr+en").split("+"))
        profile, demo, dpi = self.profile, self.demo, preview_dpi(self)
        self.test_button.setEnabled(False)
        self.notice.hide()

        def work():
            pdf, _qr, how = printer_test_slip(profile, demo, kind="registration", size=size, languages=languages)
            return pdf, how, render_pages(pdf, dpi)

        def done(result) -> None:
            pdf, how, images = result
            info = (_("Signed with the demo post's key.") if how == "keystore" else
                    _("Signed with a one-time test key: a reader will show the code's key as unknown. "
                      "That is expected for a test slip."))
            self.preview = show_preview(self, pdf, _("Printer test slip"), title_msgid=N_("Printer test slip"),
                                        images=images, file_name="test-slip-{size}.pdf".format(size=size), info=info,
                                        marks=(_("DÉMO"),))

        def failed(exc: BaseException) -> None:
            report_failure(self, exc, self.notice)

        Op(work, parent=self, resource="print").success(done).failure(failed) \
            .finally_(lambda: self.test_button.setEnabled(True)).run()
