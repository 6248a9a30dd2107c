"""Printing from the screens: preview, Save as PDF, printing through Qt, reprints
(DUPLICATA, audited, supervisors only), the printer test slip and the reports screen."""

from __future__ import annotations

import dataclasses
import io
from datetime import date, timedelta

import pypdf
import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog

from border_app.clock import post_today
from border_app.mrz import build_td3

from .conftest import login

pytestmark = pytest.mark.gui


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def register_traveller(qtbot, reg, surname="ISSOUFOU", given="MARIAMA", number="10AB23456"):
    expiry = date.today() + timedelta(days=6 * 365)
    lines = build_td3(document_code="P", issuing_state="NER", surname=surname, given_names=given,
                      document_number=number, nationality="NER", birth_date=date(1992, 4, 17), sex="F",
                      expiry_date=expiry)
    for line in lines:
        qtbot.keyClicks(reg.scan, line)
        qtbot.keyClick(reg.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: reg.surname.text() == surname, timeout=5000)
    qtbot.keyClick(reg, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: reg.last_saved is not None and reg.last_saved.person.surname == surname, timeout=15_000)
    return reg.last_saved


def wait_preview(qtbot, parent, count: int = 1, timeout: int = 30_000):
    from ui.print_dialogs import SlipPreviewDialog

    def dialogs():
        return [d for d in parent.findChildren(SlipPreviewDialog) if d.isVisible()]

    qtbot.waitUntil(lambda: len(dialogs()) >= count, timeout=timeout)
    return dialogs()[-1]


class AcceptingPrintDialog:
    """Stands in for QPrintDialog: the user pressed "Print" without changing anything."""

    def __init__(self, printer, parent=None):
        self.printer = printer

    def setWindowTitle(self, _title):  # noqa: N802 - Qt name
        pass

    def exec(self):
        return QDialog.DialogCode.Accepted


def test_print_after_save_preview_save_print_and_printer_failure(qtbot, app_controller, tmp_path, monkeypatch):
    import ui.print_dialogs as pd
    from db.services import AuditService, AuthService
    from db.slip_services import SlipService

    app_controller.start()
    main = login(qtbot, app_controller, "agent")
    reg = main.registration
    assert not reg.print_button.isEnabled()  # nothing saved yet
    saved = register_traveller(qtbot, reg)
    assert reg.print_button.isEnabled()

    # Ctrl+P prints the last saved traveller: the preview shows the signed slip
    qtbot.keyClick(reg, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = wait_preview(qtbot, reg)
    issues = SlipService(app_controller.db, main.actor).history(saved.crossing_id)
    assert len(issues) == 1 and not issues[0].duplicate
    serial = issues[0].serial
    assert dialog.slip.serial == serial and dialog.slip.crossing_id == saved.crossing_id
    text = pdf_text(dialog.pdf)
    assert "ISSOUFOU MARIAMA" in text and serial in text.replace(" ", "")
    assert "DÉMO" in text and "DUPLICATA" not in text  # the demo post's slips are marked
    assert serial in dialog.info_label.text()
    assert dialog.page_labels and not dialog.page_labels[0].pixmap().isNull()
    admin = AuthService(app_controller.db).login("admin", "demo1234")
    assert any(e.action == "issue_slip" and e.entity_id == issues[0].id
               for e in AuditService(app_controller.db, admin).list(limit=100))

    # Save as PDF: the exact bytes, private, ".pdf" added
    target = tmp_path / "copie"
    monkeypatch.setattr(pd.QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    written = tmp_path / "copie.pdf"
    qtbot.waitUntil(lambda: dialog.notice.property("kind") == "ok" and written.exists(), timeout=10_000)
    assert written.read_bytes() == dialog.pdf
    assert written.stat().st_mode & 0o777 == 0o600
    # a folder that does not exist: said clearly, the dialog stays
    monkeypatch.setattr(pd.QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(tmp_path / "nowhere" / "x.pdf"), "")))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.notice.property("kind") == "error", timeout=10_000)
    assert "n'existe pas" in dialog.notice.text() and dialog.isVisible()

    # printing through Qt to a PDF printer: one page of the slip's size, with the rendered slip
    monkeypatch.setattr(pd, "QPrintDialog", AcceptingPrintDialog)
    dialog.printer = dialog._make_printer()
    dialog.printer.setOutputFormat(pd.QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    dialog.printer.setOutputFileName(str(printed))
    with qtbot.waitSignal(dialog.printed, timeout=30_000):
        qtbot.keyClick(dialog, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert dialog.notice.property("kind") == "ok"
    out = pypdf.PdfReader(str(printed))
    source = pypdf.PdfReader(io.BytesIO(dialog.pdf))
    assert len(out.pages) == len(source.pages) == 1
    width_mm = float(out.pages[0].mediabox.width) / 72 * 25.4
    assert 78 <= width_mm <= 82  # an 80 mm roll
    assert "/XObject" in out.pages[0]["/Resources"]  # the page image was painted

    # a printer that cannot be opened: clear message, dialog kept for a retry
    dialog.printer.setOutputFileName(str(tmp_path / "no-such-folder" / "printed.pdf"))
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.notice.property("kind") == "error", timeout=30_000)
    assert "imprimante" in dialog.notice.text()
    assert dialog.isVisible() and dialog.print_button.isEnabled()

    # Esc closes the preview
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not wait_preview_visible(reg), timeout=5000)

    # once the preview is closed, a second original is refused to a border official (a retry
    # after a printer error happens inside the open preview); nothing new in the register
    reg.print_last()
    qtbot.waitUntil(lambda: "DUPLICATA" in reg.form_notice.text(), timeout=30_000)
    assert serial in reg.form_notice.text()
    assert not wait_preview_visible(reg)
    assert len(SlipService(app_controller.db, main.actor).history(saved.crossing_id)) == 1


def wait_preview_visible(parent) -> bool:
    from ui.print_dialogs import SlipPreviewDialog

    return any(d.isVisible() for d in parent.findChildren(SlipPreviewDialog))


def test_no_printer_installed_is_said_clearly(qtbot, app_controller, monkeypatch):
    import ui.print_dialogs as pd

    app_controller.start()
    main = login(qtbot, app_controller, "agent")
    register_traveller(qtbot, main.registration, surname="ABDOU", given="SANI", number="10CD45678")
    main.registration.print_last()
    dialog = wait_preview(qtbot, main.registration)
    monkeypatch.setattr(pd.QPrinterInfo, "availablePrinterNames", staticmethod(list))
    asked = []
    monkeypatch.setattr(pd, "QPrintDialog", lambda *a: asked.append(a))
    dialog.print_document()
    assert dialog.notice.property("kind") == "error" and "Enregistrer en PDF" in dialog.notice.text()
    assert not asked and dialog.isVisible()
    dialog.close()


def test_reprint_is_a_duplicata_for_supervisors_only(qtbot, app_controller):
    from db.services import AuditService, AuthService
    from db.slip_services import SlipService

    app_controller.start()
    main = login(qtbot, app_controller, "agent")
    saved = register_traveller(qtbot, main.registration, surname="MOUSSA", given="HAWA", number="10EF56789")
    listing = main.registrations
    main.tabs.setCurrentWidget(listing)
    qtbot.waitUntil(lambda: any(r.crossing_id == saved.crossing_id for r in listing.rows), timeout=10_000)
    row = next(i for i, r in enumerate(listing.rows) if r.crossing_id == saved.crossing_id)
    listing.table.selectRow(row)
    assert listing.print_button.isVisible()

    # first print from the list
    listing.print_selected("registration")
    first = wait_preview(qtbot, listing)
    serial = first.slip.serial
    assert not first.slip.duplicate
    first.close()
    # a border official may not print it again
    listing.print_selected("registration")
    qtbot.waitUntil(lambda: listing.notice.property("kind") == "error", timeout=15_000)
    assert "superviseur" in listing.notice.text() and serial in listing.notice.text()
    assert len(SlipService(app_controller.db, main.actor).history(saved.crossing_id)) == 1
    # and there is no screening attestation to print yet
    listing.print_selected("screening")
    qtbot.waitUntil(lambda: "dépistage" in listing.notice.text(), timeout=15_000)

    # the supervisor's reprint: DUPLICATA, same serial, audited
    main.logout()
    main = login(qtbot, app_controller, "superviseur")
    listing = main.registrations
    main.tabs.setCurrentWidget(listing)
    qtbot.waitUntil(lambda: any(r.crossing_id == saved.crossing_id for r in listing.rows), timeout=10_000)
    listing.table.selectRow(next(i for i, r in enumerate(listing.rows) if r.crossing_id == saved.crossing_id))
    listing.print_selected("registration")
    dup = wait_preview(qtbot, listing)
    assert dup.slip.duplicate and dup.slip.serial == serial
    text = pdf_text(dup.pdf)
    assert "DUPLICATA" in text and serial in text.replace(" ", "") and "MOUSSA HAWA" in text
    history = SlipService(app_controller.db, main.actor).history(saved.crossing_id)
    assert [h.duplicate for h in history] == [False, True] and {h.serial for h in history} == {serial}
    admin = AuthService(app_controller.db).login("admin", "demo1234")
    entries = AuditService(app_controller.db, admin).list(limit=100)
    assert any(e.action == "reprint_slip" and e.entity_id == history[1].id for e in entries)
    dup.close()


def test_an_account_without_key_slot_cannot_sign(qtbot, app_controller):
    from ui.print_dialogs import print_slip

    app_controller.start()
    main = login(qtbot, app_controller, "agent")
    saved = register_traveller(qtbot, main.registration, surname="GARBA", given="ALI", number="10GH67890")
    errors = []
    op = print_slip(main.registration, app_controller.db, dataclasses.replace(main.actor, keys=None),
                    saved.crossing_id, "registration", on_failure=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=15_000)
    assert op.future.done() and "clé" in errors[0].message
    from db.slip_services import SlipService

    assert SlipService(app_controller.db, main.actor).history(saved.crossing_id) == []  # nothing issued


def test_reports_screen_builds_the_demo_report(qtbot, app_controller, tmp_path):
    app_controller.start()
    main = login(qtbot, app_controller, "superviseur")
    screen = main.screens["reports"]
    today = QDate(post_today())
    assert screen.date_to.date() == today and screen.date_from.date() == today.addDays(-6)  # last 7 days
    assert screen.threshold.value() == app_controller.settings.report_small_count_threshold
    # a reversed period is refused before any work
    screen.date_from.setDate(today.addDays(3))
    screen.date_to.setDate(today)
    screen.build()
    assert screen.notice.property("kind") == "error" and "antérieure" in screen.notice.text()
    screen.date_from.setDate(today.addDays(-120))
    screen.threshold.setValue(0)
    qtbot.mouseClick(screen.build_button, Qt.MouseButton.LeftButton)
    dialog = wait_preview(qtbot, screen, timeout=60_000)
    text = pdf_text(dialog.pdf)
    assert "Rapport des passages" in text and "DÉMO" in text
    assert len(dialog.page_labels) >= 1
    from db.report_services import ReportService

    rows = ReportService(app_controller.db, main.actor).registrations(
        _to_date(today.addDays(-120)), _to_date(today))
    assert rows  # the demo post has crossings in the period
    for reg in rows:
        assert reg.person.surname not in text  # no names in a report
    dialog.close()


def _to_date(qd: QDate) -> date:
    return date(qd.year(), qd.month(), qd.day())


def test_printer_test_slip_from_the_post_settings(qtbot, app_controller):
    app_controller.start()
    main = login(qtbot, app_controller, "admin")
    settings_screen = main.screens["post_settings"]
    section = settings_screen.sections["ui.settings_printing"]
    section.size.set_value("a6")
    assert app_controller.settings.slip_size == "a6"
    section.language.set_value("fr")
    assert app_controller.settings.slip_language == "fr"
    qtbot.mouseClick(section.test_button, Qt.MouseButton.LeftButton)
    dialog = wait_preview(qtbot, section)
    text = pdf_text(dialog.pdf)
    assert "EXEMPLE-DÉMO" in text and "DÉMO" in text
    assert "REGISTRATION ATTESTATION" not in text  # French only
    page = pypdf.PdfReader(io.BytesIO(dialog.pdf)).pages[0]
    assert abs(float(page.mediabox.width) / 72 * 25.4 - 105) < 1  # A6
    assert "démonstration" in dialog.info_label.text()  # signed with the demo post's key
    dialog.close()
