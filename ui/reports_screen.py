"""Reports (supervisor, coordinator): a period's crossings, screening outcomes and referrals
as a PDF with charts, previewed, printed or saved. Two kinds: for sharing (the default: small
counts suppressed in the data) and internal (exact counts, marked confidential; only for roles
that see identities). The figures are aggregated in the database off the GUI thread; a
progress bar follows it day by day."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateEdit, QFormLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from border_app.clock import post_today
from border_app.dates import format_date
from border_app.errors import UserFacingError
from border_app.i18n import N_, _
from border_app.report_period import check_report_period
from border_app.roles import Permission, allowed
from border_app.usecases.period_report import report_pdf

from .errors import report_failure
from .fields import ChoiceBox
from .i18n import Retranslatable
from .ops import Op, run_on_main
from .print_dialogs import preview_dpi, render_pages, show_preview
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
            edit.setDisplayFormat("dd/MM/yyyy")
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
        kinds = [("shared", N_("For sharing (small counts hidden)"))]
        if allowed(getattr(actor, "role", None) or "", Permission.VIEW_IDENTITY):
            kinds.append(("internal", N_("Internal (exact counts, confidential)")))
        self.kind = ChoiceBox(kinds, self)
        self.kind.setObjectName("reportKind")
        self.kind.set_value("shared")
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.bind(self.kind.setToolTip, N_("A report for sharing hides small counts; an internal report shows "
                                           "exact counts and is marked CONFIDENTIAL on every page."))
        labels = (N_("Kind of report"), N_("From"), N_("To (included)"), N_("Hide counts below"),
                  N_("Report language"))
        widgets = (self.kind, self.date_from, self.date_to, self.threshold, self.language)
        for msgid, widget in zip(labels, widgets, strict=True):
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
        self.progress = QProgressBar(self)
        self.progress.setObjectName("reportProgress")
        self.progress.setMaximumWidth(560)
        self.progress.setTextVisible(True)
        self.progress.hide()
        outer.addWidget(self.progress)
        self.notice = Notice(self)
        self.notice.setObjectName("reportNotice")
        outer.addWidget(self.notice)
        outer.addStretch(1)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.build)

    def _kind_changed(self, *_args) -> None:
        self.threshold.setEnabled(self.kind.value() != "internal")

    def _show_progress(self, done: int, days: int) -> None:
        """Day ``done`` of ``days`` aggregated; then the PDF (a busy bar)."""
        try:
            if done >= days:
                self.progress.setRange(0, 0)
                self.progress.setFormat(_("Drawing the PDF…"))
            else:
                self.progress.setRange(0, days)
                self.progress.setValue(done)
                self.progress.setFormat(_("Counting: day {done} of {days}").format(done=done, days=days))
            self.progress.show()
        except RuntimeError:
            pass  # the screen is gone

    def period(self) -> tuple[date, date]:
        return _to_date(self.date_from.date()), _to_date(self.date_to.date())

    def build(self) -> None:
        """ReportService → compute_report → render_report in a worker, then the preview."""
        if not self.build_button.isEnabled():
            return
        start, end = self.period()
        kind = self.kind.value() or "shared"
        threshold = self.threshold.value()
        language = self.language.value() or "fr"
        try:
            check_report_period(start, end)     # the threshold's range is the spin box's
        except UserFacingError as exc:
            self.notice.show_message(exc.message, "error")
            return
        db, actor, demo, dpi = self.db, self.actor, self.demo, preview_dpi(self)
        self.build_button.setEnabled(False)
        self.notice.show_message(_("Building the report…"), "info")
        days = (end - start).days + 1
        self._show_progress(0, days)

        def progress(done: int, total: int) -> None:     # on the worker thread
            run_on_main(lambda: self._show_progress(done, total))

        def work():
            pdf = report_pdf(db, actor, start=start, end=end, threshold=threshold, language=language, demo=demo,
                             kind=kind, progress=progress)
            return pdf, render_pages(pdf, dpi)

        def done(result) -> None:
            pdf, images = result
            self.notice.hide()
            title = _("Report {start} – {end}").format(start=format_date(start), end=format_date(end))
            marks = (_("DÉMO"),) if (demo or getattr(actor, "demo", False)) else ()
            if kind == "internal":
                marks += (_("CONFIDENTIAL"),)
                info = _("Internal report: exact counts. Do not share it outside the service.")
            elif threshold > 1:
                info = _("Counts below {n} are shown as \"<{n}\"; \"x\" marks a count hidden so that it cannot be "
                         "worked out from the totals.").format(n=threshold)
            else:
                info = ""
            self.preview = show_preview(
                self, pdf, title, images=images, marks=marks,
                file_name="rapport-{kind}-{start}-{end}.pdf".format(
                    kind="interne" if kind == "internal" else "diffusion", start=start.isoformat(),
                    end=end.isoformat()),
                info=info)

        def failed(exc: BaseException) -> None:
            report_failure(self, exc, self.notice, on_crash=self.notice.hide)

        def finished() -> None:
            self.build_button.setEnabled(True)
            self.progress.hide()

        self.op = Op(work, parent=self).success(done).failure(failed).finally_(finished).run()
