"""Export for the HHBM coordination (supervisor, post administrator: ``EXPORT_BUNDLE``): what
is still unexported (counts, oldest record, last export), a folder (a USB stick), Export
(off the GUI thread, on the export worker), and what was written. The work is the use case
:mod:`border_app.usecases.export_bundle`, the same as ``border-app export``."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton, QVBoxLayout,
    QWidget,
)

from border_app.dates import format_datetime
from border_app.i18n import N_, _
from border_app.usecases.export_bundle import ExportResult, export_bundle, pending_export

from .errors import report_failure
from .i18n import Retranslatable
from .ops import Op, run_on_main
from .widgets import ElidedLabel, Notice

MAX_WIDTH = 620

#: the counts shown, in order, with their words
COUNT_LABELS = (
    ("crossings", N_("Crossings: {n}")), ("persons", N_("Persons: {n}")), ("documents", N_("Documents: {n}")),
    ("screenings", N_("Screenings: {n}")), ("slips", N_("Slips: {n}")), ("tombstones", N_("Deletions: {n}")),
    ("audit", N_("Audit entries: {n}")),
)


COUNT_COLUMNS = 3


def counts_text(counts: dict) -> str:
    return " · ".join(_(msgid).format(n=counts.get(key, 0)) for key, msgid in COUNT_LABELS)


def counts_html(counts: dict) -> str:
    """The counts in a small table (``COUNT_COLUMNS`` a row, each kept on one line): a
    wrapped line never ends on a separator."""
    cells = [html.escape(_(msgid).format(n=counts.get(key, 0))).replace(" ", "&nbsp;")
             for key, msgid in COUNT_LABELS]
    rows = [cells[i:i + COUNT_COLUMNS] for i in range(0, len(cells), COUNT_COLUMNS)]
    return ("<table cellspacing='0' cellpadding='0'>"
            + "".join("<tr>" + "".join(f"<td style='padding-right:18px'>{c}</td>" for c in row) + "</tr>"
                      for row in rows)
            + "</table>")


class ExportScreen(QWidget, Retranslatable):
    def __init__(self, db, actor, parent: QWidget | None = None, *, settings=None, profile=None, demo: bool = False):
        super().__init__(parent)
        self.db, self.actor, self.settings, self.profile, self.demo = db, actor, settings, profile, demo
        self.setObjectName("exportScreen")
        self.pending = None
        self.result: ExportResult | None = None
        self.op = None
        outer = QVBoxLayout(self)
        intro = QLabel(self)
        intro.setWordWrap(True)
        intro.setMaximumWidth(MAX_WIDTH)
        self.bind(intro.setText, N_("Write the records not yet sent to one signed, encrypted file for the HHBM "
                                    "coordination, on a USB stick. Photos and document images stay at the post."))
        outer.addWidget(intro)

        box = QWidget(self)
        box.setMaximumWidth(MAX_WIDTH)
        form = QFormLayout(box)
        form.setContentsMargins(0, 0, 0, 0)
        self.counts_label = QLabel(self)
        self.counts_label.setObjectName("exportPendingCounts")
        self.counts_label.setWordWrap(False)  # a table of counts (counts_html): its rows are the lines
        self.oldest_label = QLabel(self)
        self.oldest_label.setObjectName("exportOldest")
        self.last_label = ElidedLabel(self)
        self.last_label.setObjectName("exportLast")
        folder_row = QHBoxLayout()
        self.folder = QLineEdit(self)
        self.folder.setObjectName("exportFolder")
        if profile is not None:
            self.folder.setText(str(profile.exports))
        self.choose_button = QPushButton(self)
        self.choose_button.setObjectName("exportChooseFolder")
        self.bind(self.choose_button.setText, N_("Choose…"))
        self.choose_button.clicked.connect(self.choose_folder)
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.choose_button)
        self.full = QCheckBox(self)
        self.full.setObjectName("exportFull")
        self.bind(self.full.setText, N_("Full export (every record)"))
        self.bind(self.full.setToolTip, N_("Every record, not only those written since the last export"))
        rows = ((N_("Not yet exported"), self.counts_label), (N_("Oldest record"), self.oldest_label),
                (N_("Last export"), self.last_label), (N_("Folder"), folder_row))
        for msgid, widget in rows:
            label = QLabel(self)
            self.bind(label.setText, msgid)
            form.addRow(label, widget)
        form.addRow("", self.full)
        outer.addWidget(box)

        row = QHBoxLayout()
        self.export_button = QPushButton(self)
        self.export_button.setObjectName("exportButton")
        self.bind(self.export_button.setText, N_("Export now"))  # the verb ("Export" is the tab's noun)
        self.export_button.clicked.connect(self.export)
        row.addWidget(self.export_button)
        row.addStretch(1)
        outer.addLayout(row)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("exportProgress")
        self.progress.setMaximumWidth(MAX_WIDTH)
        self.progress.setRange(0, 0)
        self.progress.hide()
        outer.addWidget(self.progress)
        self.notice = Notice(self)
        self.notice.setObjectName("exportNotice")
        self.notice.setMaximumWidth(MAX_WIDTH)
        outer.addWidget(self.notice)
        outer.addStretch(1)
        self._show_pending()

    # ------------------------------------------------------------------ what is pending
    def refresh(self) -> None:
        db, actor = self.db, self.actor
        Op(lambda: pending_export(db, actor), parent=self).success(self._pending_loaded).failure(
            lambda exc: report_failure(self, exc, self.notice)).run()

    def _pending_loaded(self, pending) -> None:
        self.pending = pending
        self._show_pending()

    def _show_pending(self) -> None:
        p = self.pending
        if p is None:
            self.counts_label.setText("…")
            self.oldest_label.setText("")
            self.last_label.setText("")
            return
        if p.data_records == 0:
            self.counts_label.setText(_("Nothing new since the last export."))
        else:
            self.counts_label.setText(counts_html(p.counts))
            self.counts_label.setToolTip(counts_text(p.counts))
        self.oldest_label.setText(format_datetime(p.oldest) if p.oldest else "—")
        if p.last_export_at is None:
            self.last_label.setText(_("never"))
        else:
            self.last_label.setText(_("{when} — {file}").format(when=format_datetime(p.last_export_at),
                                                                 file=p.last_export_file))

    def on_retranslate(self) -> None:
        self._show_pending()
        if self.result is not None:
            self._show_result(self.result)

    # ------------------------------------------------------------------ export
    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Folder for the bundle (USB stick)"), self.folder.text())
        if folder:
            self.folder.setText(folder)

    def export(self) -> None:
        if not self.export_button.isEnabled():
            return
        folder = self.folder.text().strip()
        if not folder:
            self.notice.show_message(_("Choose the folder (the USB stick) first."), "error")
            return
        db, actor, full = self.db, self.actor, self.full.isChecked()
        self.export_button.setEnabled(False)
        self.progress.show()
        self.notice.show_message(_("Exporting…"), "info")

        def say(text: str) -> None:      # on the worker thread
            run_on_main(lambda: self._progress_text(text))

        def failed(exc: BaseException) -> None:
            report_failure(self, exc, self.notice, on_crash=self.notice.hide)

        def finished() -> None:
            self.export_button.setEnabled(True)
            self.progress.hide()
            self.refresh()

        self.op = (Op(lambda: export_bundle(db, actor, Path(folder), full=full, progress=say), parent=self,
                      resource="export").success(self._show_result).failure(failed).finally_(finished).run())

    def _progress_text(self, text: str) -> None:
        try:
            self.notice.show_message(text, "info")
        except RuntimeError:
            pass

    def _show_result(self, result: ExportResult) -> None:
        self.result = result
        if result.bundle is None:
            self.notice.show_message(_("Nothing new to export since the last bundle: nothing was written."), "info")
            return
        text = _("Bundle written and checked: {name} ({size} kB).").format(
            name=result.bundle.name, size=max(1, round(result.size / 1000))) + "\n" + counts_text(result.counts)
        self.notice.show_message(text, "ok")
        # the whole path (and the demo mark) in the tooltip: the notice stays a few lines high
        tip = str(result.bundle)
        if result.demo:
            tip += "\n" + _("Demo bundle: only a training coordination database accepts it.")
        self.notice.label.setToolTip(tip)
