"""Reports (supervisor, coordinator): a period's crossings, screening outcomes and referrals
as a PDF with charts, previewed, printed or saved. Small counts are suppressed in the data."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateEdit, QFormLayout, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from border_app.clock import post_today
from border_app.errors import UserFacingError
from border_app.i18n import N_, _

from .fields import ChoiceBox
from .i18n import Retranslatable
from .ops import Op
from .widgets import Notice

DEFAULT_DAYS = 7


def _to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class ReportsScreen(QWidget, Retranslatable):
    def __init__(self, db, actor, parent: QWidget | None = None, *, settings=None, profile=None, demo: bool = False):
        super().__init__(parent)
        self.db, self.actor, self.settings, self.profile, self.demo = db, actor, settings, profile, demo
        self.setObjectName("reportsScreen")
        self.preview = None
        outer = QVBoxLayout(self)
        intro = QLabel(self)
        intro.setWordWrap(True)
        intro.setMaximumWidth(560)
        self.bind(intro.setText, N_("Crossings by day, nationality, sex and age group, screening outcomes and "
                                    "referrals over a period. Reports hold no names; counts below the threshold "
                                    "are shown as \"<N\"."))
        outer.addWidget(intro)

        form_box = QWidget(self)
        form_box.setMaximumWidth(560)
        form = QFormLayout(form_box)
        form.setContentsMargins(0, 0, 0, 0)
        today = QDate(post_today())
        self.date_from = QDateEdit(self)
        self.date_from.setObjectName("reportFrom")
        self.date_to = QDateEdit(self)
        self.date_to.setObjectName("reportTo")
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setMaximumDate(today.addDays(1))
        self.date_from.setDate(today.addDays(-(DEFAULT_DAYS - 1)))
        self.date_to.setDate(today)
        self.threshold = QSpinBox(self)
        self.threshold.setObjectName("reportThreshold")
        self.threshold.setRange(0, 50)
        self.threshold.setValue(settings.report_small_count_threshold if settings is not None else 5)
        self.language = ChoiceBox((("fr", N_("French")), ("en", N_("English"))), self)
        self.language.setObjectName("reportLanguage")
        self.language.set_value(getattr(actor, "language", None) or (settings.language if settings else "fr"))
        labels = (N_("From"), N_("To (included)"), N_("Hide counts below"), N_("Report language"))
        for msgid, widget in zip(labels, (self.date_from, self.date_to, self.threshold, self.language)):
            label = QLabel(self)
            self.bind(label.setText, msgid)
            form.addRow(label, widget)
        outer.addWidget(form_box)

        row = QHBoxLayout()
        self.build_button = QPushButton(self)
        self.build_button.setObjectName("buildReportButton")
        self.bind(self.build_button.setText, N_("Build the report (Ctrl+Enter)"))
        self.build_button.clicked.connect(self.build)
        row.addWidget(self.build_button)
        row.addStretch(1)
        outer.addLayout(row)
        self.notice = Notice(self)
        self.notice.setObjectName("reportNotice")
        outer.addWidget(self.notice)
        outer.addStretch(1)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.build)

    def period(self) -> tuple[date, date]:
        return _to_date(self.date_from.date()), _to_date(self.date_to.date())

    def build(self) -> None:
        """ReportService → compute_report → render_report in a worker, then the preview."""
        if not self.build_button.isEnabled():
            return
        from border_app.cli.cmd_report import check_period, report_pdf

        from .print_dialogs import preview_dpi, render_pages, show_preview

        start, end = self.period()
        threshold = self.threshold.value()
        language = self.language.value() or "fr"
        try:
            check_period(start, end, threshold)
        except UserFacingError as exc:
            self.notice.show_message(exc.message, "error")
            return
        db, actor, demo, dpi = self.db, self.actor, self.demo, preview_dpi(self)
        self.build_button.setEnabled(False)
        self.notice.show_message(_("Building the report…"), "info")

        def work():
            pdf = report_pdf(db, actor, start=start, end=end, threshold=threshold, language=language, demo=demo)
            return pdf, render_pages(pdf, dpi)

        def done(result) -> None:
            pdf, images = result
            self.notice.hide()
            title = _("Report {start} – {end}").format(start=start.isoformat(), end=end.isoformat())
            marks = (_("DÉMO"),) if (demo or getattr(actor, "demo", False)) else ()
            self.preview = show_preview(
                self, pdf, title, images=images, marks=marks,
                file_name="rapport-{start}-{end}.pdf".format(start=start.isoformat(), end=end.isoformat()),
                info=_("Counts below {n} are shown as \"<{n}\"; \"x\" marks a count hidden so that it cannot be worked out from the totals.").format(n=threshold) if threshold > 1 else "")

        def failed(exc: BaseException) -> None:
            if isinstance(exc, UserFacingError):
                self.notice.show_message(exc.message, "error")
            else:
                self.notice.hide()
                from .errors import show_error

                show_error(self, exc)

        Op(work, parent=self).success(done).failure(failed).finally_(lambda: self.build_button.setEnabled(True)).run()
