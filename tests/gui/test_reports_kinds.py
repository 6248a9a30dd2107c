"""The reports screen (issue #18, defects 17 and 20): a choice of kind (for sharing, the
default; internal, exact and confidential, for roles that see identities), and a progress bar
while the report builds off the GUI thread."""

from __future__ import annotations

import io
import re

from PySide6.QtCore import QDate, Qt

from border_app.clock import post_today

from .conftest import login

import pypdf


def pdf_pages(data: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", p.extract_text()) for p in pypdf.PdfReader(io.BytesIO(data)).pages]


def wait_preview(qtbot, parent, seen: set, timeout: int = 60_000):
    from ui.print_dialogs import SlipPreviewDialog

    def new():
        return [d for d in parent.findChildren(SlipPreviewDialog) if id(d) not in seen and d.isVisible()]

    qtbot.waitUntil(lambda: bool(new()), timeout=timeout)
    dialog = new()[0]
    seen.add(id(dialog))
    return dialog


def test_reports_screen_offers_both_kinds_and_shows_progress(qtbot, app_controller):
    app_controller.start()
    main = login(qtbot, app_controller, "superviseur")
    screen = main.screens["reports"]
    assert [screen.kind.itemData(i) for i in range(screen.kind.count())] == ["shared", "internal"]
    assert screen.kind.value() == "shared"                     # the default: for sharing
    today = QDate(post_today())
    screen.date_from.setDate(today.addDays(-13))
    screen.date_to.setDate(today)

    calls = []
    show = screen._show_progress
    screen._show_progress = lambda done, days: (calls.append((done, days)), show(done, days))
    seen: set = set()

    screen.kind.set_value("internal")
    assert not screen.threshold.isEnabled()                    # exact counts: no threshold
    qtbot.mouseClick(screen.build_button, Qt.MouseButton.LeftButton)
    assert not screen.build_button.isEnabled()
    assert not screen.progress.isHidden()                       # shown at once, the screen stays usable
    dialog = wait_preview(qtbot, screen, seen)
    pages = pdf_pages(dialog.pdf)
    assert all("CONFIDENTIEL" in page for page in pages)
    assert "Rapport interne (chiffres exacts)" in pages[0] and "<5" not in " ".join(pages)
    assert "Rapport interne" in dialog.info_label.text()
    qtbot.waitUntil(lambda: screen.build_button.isEnabled(), timeout=10_000)
    assert screen.progress.isHidden()
    assert calls[0] == (0, 14) and (14, 14) in calls            # day by day, then the PDF
    assert [d for d, _n in calls] == sorted(d for d, _n in calls)
    dialog.close()

    screen.kind.set_value("shared")
    assert screen.threshold.isEnabled()
    screen.threshold.setValue(5)
    qtbot.mouseClick(screen.build_button, Qt.MouseButton.LeftButton)
    dialog = wait_preview(qtbot, screen, seen)
    pages = pdf_pages(dialog.pdf)
    assert all("Rapport à diffuser" in page for page in pages)
    assert "CONFIDENTIEL" not in " ".join(pages)
    dialog.close()


def test_internal_kind_is_not_offered_without_identity_permission(qtbot, app_controller, monkeypatch):
    from border_app import roles
    from ui.reports_screen import ReportsScreen

    app_controller.start()
    main = login(qtbot, app_controller, "superviseur")
    matrix = dict(roles.MATRIX)
    matrix[roles.Role.SUPERVISOR] = matrix[roles.Role.SUPERVISOR] - {roles.Permission.VIEW_IDENTITY}
    monkeypatch.setattr(roles, "MATRIX", matrix)
    screen = ReportsScreen(app_controller.db, main.actor, main, settings=app_controller.settings)
    qtbot.addWidget(screen)
    assert [screen.kind.itemData(i) for i in range(screen.kind.count())] == ["shared"]
