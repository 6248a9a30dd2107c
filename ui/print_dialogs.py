"""Print preview, printing through Qt, "Save as PDF", and issuing slips from the screens.

Every slip and report is a PDF made by ``printing/`` (reportlab). The preview shows its
pages rendered by pdfium (``pypdfium2``: PySide6-Essentials has no QtPdf); printing renders
each page at the printer's resolution (at most :data:`PRINT_DPI_MAX`) and paints it, so what
is printed is exactly the PDF that was previewed and can be saved.

    print_slip(self, db, actor, crossing_id, "registration")            # first print
    print_slip(self, db, actor, crossing_id, "registration", reprint=True)  # DUPLICATA

The slow parts (slip register, signing, rendering, printing, writing the file) run in
workers (:class:`ui.ops.Op`); the GUI thread only shows the result.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QMarginsF, QRect, QSizeF, QStandardPaths, Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPageLayout, QPageSize, QPainter, QPixmap, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QApplication, QDialog, QFileDialog, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget,
)

import pypdfium2 as pdfium

from border_app.errors import DeviceUnavailable, InvalidInput
from border_app.i18n import N_, _
from border_app.settings import Settings
from border_app.usecases.issue_slip import issue_slip
from border_app.usecases.pdf_file import write_pdf

from .errors import report_failure, show_error
from .i18n import Retranslatable
from .ops import Op
from .widgets import Notice

PREVIEW_DPI = 110        # on-screen preview (times the screen's device pixel ratio)
PRINT_DPI_MAX = 300      # enough for text and a 1 mm QR module; bounds memory on A4
MAX_PAGES = 60           # a PDF we made never has more; a bound against surprises
KIND_TITLES = {"registration": N_("Registration attestation"), "screening": N_("Health screening attestation")}

_pdfium_lock = threading.Lock()  # pdfium is not thread-safe: one rendering at a time


# ---------------------------------------------------------------------------- rendering

def _open_pdf(pdf: bytes):
    try:
        return pdfium.PdfDocument(bytes(pdf))
    except Exception as exc:  # noqa: BLE001 - pdfium's own error types vary by version
        raise InvalidInput(_("This PDF cannot be read.")) from exc


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """The pages' sizes in points (1/72 inch)."""
    with _pdfium_lock:
        doc = _open_pdf(pdf)
        try:
            return [tuple(doc.get_page_size(i)) for i in range(min(len(doc), MAX_PAGES))]
        finally:
            doc.close()


def _render(doc, index: int, dpi: float) -> QImage:
    page = doc[index]
    try:
        bitmap = page.render(scale=dpi / 72.0, rev_byteorder=True, prefer_bgrx=True)
        try:
            image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                           QImage.Format.Format_RGBX8888).copy()  # copy: own the pixels
        finally:
            bitmap.close()
    finally:
        page.close()
    return image


def render_pages(pdf: bytes, dpi: float) -> list[QImage]:
    """Every page as a QImage at ``dpi`` (safe in a worker thread: QImage, not QPixmap)."""
    with _pdfium_lock:
        doc = _open_pdf(pdf)
        try:
            return [_render(doc, i, dpi) for i in range(min(len(doc), MAX_PAGES))]
        finally:
            doc.close()


def paint_pdf(printer: QPrinter, pdf: bytes) -> None:
    """Paint every page of ``pdf`` on ``printer``, one page rendered at a time (bounded
    memory). Raises a translated ``UserFacingError`` when the printer cannot be used."""
    resolution = printer.resolution()
    dpi = min(float(resolution), float(PRINT_DPI_MAX))
    painter = QPainter()
    if not painter.begin(printer):
        raise DeviceUnavailable(_("The printer could not be opened. Check that it is switched on, connected "
                                  "and has paper, then try again (or save as PDF)."))
    try:
        with _pdfium_lock:
            doc = _open_pdf(pdf)
            try:
                for index in range(min(len(doc), MAX_PAGES)):
                    if index and not printer.newPage():
                        raise DeviceUnavailable(_("The printer stopped after page {n}. Check it, then try again.")
                                                .format(n=index))
                    width_pt, height_pt = doc.get_page_size(index)
                    image = _render(doc, index, dpi)
                    area = printer.pageLayout().paintRectPixels(resolution)
                    # the page at its true size, made smaller only if the paper is narrower
                    width = width_pt / 72.0 * resolution
                    height = height_pt / 72.0 * resolution
                    scale = min(1.0, area.width() / width, area.height() / height) if width and height else 1.0
                    w, h = int(width * scale), int(height * scale)
                    x = max(0, (area.width() - w) // 2)
                    painter.drawImage(QRect(x, 0, w, h), image)
                    del image
            finally:
                doc.close()
    finally:
        ended = painter.end()
    if not ended or printer.printerState() == QPrinter.PrinterState.Error:
        raise DeviceUnavailable(_("The printer reported an error: the page may not have been printed. "
                                  "Check the printer, then try again."))


def preview_dpi(widget: QWidget | None) -> float:
    ratio = widget.devicePixelRatioF() if widget is not None else 1.0
    return PREVIEW_DPI * max(1.0, ratio)


# ---------------------------------------------------------------------------- the dialog

class SlipPreviewDialog(QDialog, Retranslatable):
    """A PDF's pages, with Print…, Save as PDF… and Close (Esc).

    Printing or saving that fails shows the reason inside the dialog, which stays open so
    that the user can try again."""

    printed = Signal()
    saved = Signal(str)

    def __init__(self, pdf_bytes: bytes, title: str, parent: QWidget | None = None, *,
                 images: list[QImage] | None = None, file_name: str = "attestation.pdf", info: str = "",
                 marks: tuple[str, ...] = (), title_msgid: str | None = None):
        super().__init__(parent)
        self.setObjectName("printPreview")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.pdf = bytes(pdf_bytes)
        self.file_name = file_name
        if title_msgid is not None:      # follows a change of language while it is open
            self.bind(self.setWindowTitle, title_msgid)
        else:
            self.setWindowTitle(title)
        self._busy = False
        self.printer: QPrinter | None = None
        self._sizes = page_sizes(self.pdf)
        if images is None:
            images = render_pages(self.pdf, preview_dpi(parent))

        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        self.title_label = QLabel(title, self)
        if title_msgid is not None:
            self.bind(self.title_label.setText, title_msgid)
        self.title_label.setObjectName("previewTitle")
        self.title_label.setStyleSheet("font-weight:bold;font-size:11pt;")
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        header.addWidget(self.title_label)
        for mark in marks:
            badge = QLabel(mark, self)
            badge.setObjectName("previewMark")
            badge.setStyleSheet("background:#263238;color:white;font-weight:bold;padding:2px 8px;border-radius:3px;")
            header.addWidget(badge)
        header.addStretch(1)
        layout.addLayout(header)
        if info:
            self.info_label = QLabel(info, self)
            self.info_label.setObjectName("previewInfo")
            self.info_label.setTextFormat(Qt.TextFormat.PlainText)
            self.info_label.setWordWrap(True)
            layout.addWidget(self.info_label)

        self.scroll = QScrollArea(self)
        self.scroll.setObjectName("previewPages")
        self.scroll.setWidgetResizable(True)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # pages fit the width
        pages = QWidget(self.scroll)
        pages.setObjectName("previewPagesBody")
        pages.setStyleSheet("#previewPagesBody{background:#8a8f94;}")
        pages_layout = QVBoxLayout(pages)
        pages_layout.setSpacing(12)
        pages_layout.setContentsMargins(16, 16, 16, 16)
        self.page_labels: list[QLabel] = []
        self._pixmaps: list[QPixmap] = []
        self._shown_width = 0
        ratio = max(1.0, self.devicePixelRatioF())
        for image in images:
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(ratio)
            self._pixmaps.append(pixmap)
            label = QLabel(pages)
            label.setPixmap(pixmap)
            label.setStyleSheet("background:white;border:1px solid #555;")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            pages_layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
            self.page_labels.append(label)
        pages_layout.addStretch(1)
        self.scroll.setWidget(pages)
        self.scroll.viewport().installEventFilter(self)
        layout.addWidget(self.scroll, 1)

        self.notice = Notice(self)
        self.notice.setObjectName("previewNotice")
        layout.addWidget(self.notice)

        buttons = QHBoxLayout()
        self.page_count = QLabel(self)
        self.bind(self.page_count.setText, N_("{n} page(s)"), n=len(self._sizes))
        buttons.addWidget(self.page_count)
        buttons.addStretch(1)
        self.print_button = QPushButton(self)
        self.print_button.setObjectName("printButton")
        self.bind(self.print_button.setText, N_("Print… (Ctrl+P)"))
        self.print_button.clicked.connect(self.print_document)
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("savePdfButton")
        self.bind(self.save_button.setText, N_("Save as PDF… (Ctrl+S)"))
        self.save_button.clicked.connect(self.save_pdf)
        self.close_button = QPushButton(self)
        self.close_button.setObjectName("closeButton")
        self.bind(self.close_button.setText, N_("Close (Esc)"))
        self.close_button.clicked.connect(self.reject)
        for button in (self.print_button, self.save_button, self.close_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        self.print_button.setDefault(True)
        layout.addLayout(buttons)
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self.print_document)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save_pdf)
        self._size_to_pages(images)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize and obj is self.scroll.viewport():
            self._fit_width()
        return False

    def _fit_width(self) -> None:
        """Pages wider than the dialog are shown smaller (never larger than rendered)."""
        available = self.scroll.viewport().width() - 40
        if available <= 0 or available == self._shown_width:
            return
        self._shown_width = available
        for label, pixmap in zip(self.page_labels, self._pixmaps, strict=True):
            ratio = pixmap.devicePixelRatio()
            if pixmap.width() / ratio <= available:
                label.setPixmap(pixmap)
                continue
            scaled = pixmap.scaledToWidth(int(available * ratio), Qt.TransformationMode.SmoothTransformation)
            scaled.setDevicePixelRatio(ratio)
            label.setPixmap(scaled)

    def _size_to_pages(self, images: list[QImage]) -> None:
        ratio = max(1.0, self.devicePixelRatioF())
        widest = max((img.width() / ratio for img in images), default=400)
        tallest = max((img.height() / ratio for img in images), default=500)
        screen = self.screen().availableGeometry() if self.screen() is not None else QRect(0, 0, 1366, 768)
        width = min(int(widest) + 90, screen.width() - 40)
        height = min(int(tallest) + 190, screen.height() - 60)
        self.resize(max(width, 560), max(height, 420))

    # -- state -------------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for button in (self.print_button, self.save_button):
            button.setEnabled(not busy)
        if busy:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        else:
            QApplication.restoreOverrideCursor()

    def _failed(self, exc: BaseException) -> None:
        report_failure(self, exc, self.notice, on_crash=lambda: self.notice.show_message(
            _("Printing failed. Check the printer, then try again, or save as PDF."), "error"))

    # -- printing ------------------------------------------------------------------
    def _make_printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.file_name.removesuffix(".pdf"))
        if self._sizes:
            width, height = self._sizes[0]
            size = QPageSize(QSizeF(width, height), QPageSize.Unit.Point, "",
                             QPageSize.SizeMatchPolicy.FuzzyMatch)
            printer.setPageSize(size)
            printer.setPageOrientation(QPageLayout.Orientation.Portrait)
            printer.setPageMargins(QMarginsF(2, 2, 2, 2), QPageLayout.Unit.Millimeter)
        return printer

    def _ask_printer(self, printer: QPrinter) -> bool:
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("Print"))
        return dialog.exec() == QDialog.DialogCode.Accepted

    def print_document(self) -> None:
        """Choose a printer (Qt's print dialog), then print every page in a worker."""
        if self._busy:
            return
        self.notice.hide()
        if self.printer is None:
            self.printer = self._make_printer()  # kept: a retry keeps the user's choices
        printer = self.printer
        to_file = printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and bool(printer.outputFileName())
        if not to_file and not QPrinterInfo.availablePrinterNames():
            self.notice.show_message(_("No printer is installed on this computer. Use \"Save as PDF…\", "
                                       "or ask for a printer to be installed."), "error")
            return
        if not self._ask_printer(printer):
            return
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and not printer.outputFileName():
            self.notice.show_message(_("No printer was chosen. Choose a printer, or use \"Save as PDF…\"."), "error")
            return
        pdf = self.pdf
        self._set_busy(True)

        def done(_result) -> None:
            self.notice.show_message(_("Sent to the printer."), "ok")
            self.printed.emit()

        Op(lambda: paint_pdf(printer, pdf), parent=self, resource="print") \
            .success(done).failure(self._failed).finally_(lambda: self._set_busy(False)).run()

    # -- saving --------------------------------------------------------------------
    def _default_folder(self) -> Path:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return Path(folder) if folder and Path(folder).is_dir() else Path.home()

    def save_pdf(self) -> None:
        """Ask where, then write the PDF atomically with mode 0600 (in a worker)."""
        if self._busy:
            return
        self.notice.hide()
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save as PDF"), str(self._default_folder() / self.file_name), _("PDF files (*.pdf)"))
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        pdf = self.pdf

        def work() -> Path:
            return write_pdf(target, pdf)

        def done(written: Path) -> None:
            self.notice.show_message(_("Saved to {path}.").format(path=written), "ok")
            self.saved.emit(str(written))

        self._set_busy(True)
        Op(work, parent=self, resource="export").success(done).failure(self._failed) \
            .finally_(lambda: self._set_busy(False)).run()


def show_preview(parent: QWidget | None, pdf: bytes, title: str, *, images: list[QImage] | None = None,
                 file_name: str = "document.pdf", info: str = "", marks: tuple[str, ...] = (),
                 title_msgid: str | None = None) -> SlipPreviewDialog:
    """``title_msgid`` (instead of a translated ``title``) keeps the title in the language shown."""
    dialog = SlipPreviewDialog(pdf, title, parent, images=images, file_name=file_name, info=info, marks=marks,
                               title_msgid=title_msgid)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


# ---------------------------------------------------------------------------- slips

def slip_options(settings=None, profile=None) -> tuple[str, tuple[str, ...]]:
    """(paper size, languages) from the post's settings."""
    if settings is None and profile is not None:
        settings = Settings(profile.settings if profile.settings.exists() else None)
    size = settings.slip_size if settings is not None else "80mm"
    language = settings.slip_language if settings is not None else "fr+en"
    return size, tuple(language.split("+"))


def print_slip(parent: QWidget, db, actor, crossing_id: str, kind: str, *, settings=None, profile=None,
               demo: bool = False, reprint: bool | None = False,
               on_failure: Callable[[BaseException], None] | None = None,
               on_shown: Callable[[SlipPreviewDialog], None] | None = None) -> Op:
    """Issue the slip in the register (``SlipService.issue``, or ``.reprint`` for a
    DUPLICATA), sign and render it in a worker, then open the preview dialog.

    ``reprint=None`` decides from the register (the use case's policy,
    :func:`border_app.usecases.issue_slip.decide_reprint`): a first print if the slip was
    never printed, else a DUPLICATA, which only roles with ``REPRINT_SLIP`` may print.

    Errors (no key slot, no right to reprint, voided registration…) go to ``on_failure``,
    or to an error box."""
    if profile is None:
        profile = getattr(db, "profile", None)
    size, languages = slip_options(settings, profile)
    demo = bool(demo or getattr(actor, "demo", False))
    photos = profile.photos if profile is not None else None
    dpi = preview_dpi(parent)

    def work() -> tuple[Any, list[QImage]]:
        slip = issue_slip(db, actor, crossing_id, kind=kind, size=size, languages=languages, reprint=reprint,
                          photos_dir=photos, demo=demo)
        return slip, render_pages(slip.pdf, dpi)

    def done(result) -> None:
        slip, images = result
        marks = tuple(m for m, on in ((_("DUPLICATA"), slip.duplicate), (_("DÉMO"), demo)) if on)
        info = _("{name} — serial {serial} — {size}").format(name=slip.name, serial=slip.serial, size=size)
        dialog = show_preview(parent, slip.pdf, _(KIND_TITLES[kind]), title_msgid=KIND_TITLES[kind], images=images,
                              file_name="attestation-{serial}.pdf".format(serial=slip.serial), info=info, marks=marks)
        dialog.slip = slip
        if on_shown is not None:
            on_shown(dialog)

    def failed(exc: BaseException) -> None:
        if on_failure is not None:
            on_failure(exc)
        else:
            show_error(parent, exc)

    return Op(work, parent=parent).success(done).failure(failed).run()
