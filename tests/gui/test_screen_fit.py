"""Every top-level screen and dialog fits a 1366x768 screen and a 1280x720 one less a
40 px taskbar, in French and in English, with and without long messages shown: no
minimum size larger than the screen, no button or field outside the window (a widget in
a scroll area counts when the scroll area itself lies inside the window).

``visit_windows`` is shared with test_visible_translations.py: it opens every window
and dialog that can be opened programmatically and calls ``check(name, window)``."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import (
    QAbstractButton, QAbstractItemView, QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox,
    QLineEdit, QMainWindow, QPlainTextEdit, QTextEdit, QWidget,
)

from .conftest import login, wait_for_window

pytestmark = pytest.mark.gui

SIZES = ((1366, 768), (1280, 680))
LANGUAGES = ("fr", "en")
ROLES = ("agent", "sante", "superviseur", "admin", "coordination")
INPUTS = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QTextEdit, QPlainTextEdit, QAbstractItemView)

LONG_MESSAGE = "\n".join([
    "Ce document a expiré le 12/03/2024 : vérifiez l'identité du voyageur avec une autre pièce "
    "avant de poursuivre l'enregistrement, et notez la raison dans les observations.",
    "Déjà vu : ce document a été enregistré le 05/12/2026 à 14:32 au poste de Makalondi, sortie "
    "vers le Burkina Faso, puis le 06/12/2026 à 09:10 au poste de Gaya, entrée depuis le Bénin.",
    "Erreur de MRZ : le chiffre de contrôle du numéro du document ne correspond pas ; le chiffre "
    "de contrôle de la date de naissance ne correspond pas ; le chiffre composite ne correspond pas.",
    "Enregistré : ISSOUFOU MARIAMA ABDOULAYE HAMANI SEYNI MOUSSA OUSMANE, passeport 10AB23456.",
] * 2)


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def switch(lang: str) -> None:
    from ui.i18n import switch_language

    switch_language(lang)
    settle()


def _outermost_anchor(widget: QWidget, window: QWidget) -> QWidget:
    """The widget itself, or the outermost scroll area holding it (reachable by scrolling)."""
    anchor, parent = widget, widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent, QAbstractScrollArea):
            anchor = parent
        parent = parent.parentWidget()
    return anchor


def fit_problems(window: QWidget, width: int, height: int) -> list[str]:
    """Resize ``window`` to the screen (a main window) or to its own size hint bounded by
    the screen (other windows and dialogs); what does not fit."""
    problems: list[str] = []
    if isinstance(window, QMainWindow):
        window.showNormal()
        window.resize(width, height)
    else:
        hint = window.sizeHint()
        window.resize(min(hint.width(), width), min(hint.height(), height))
    settle()
    for what, size in (("minimumSizeHint", window.minimumSizeHint()), ("minimumSize", window.minimumSize())):
        if size.width() > width or size.height() > height:
            problems.append(f"{what} {size.width()}x{size.height()} > {width}x{height}")
    if window.width() > width or window.height() > height:
        problems.append(f"size {window.width()}x{window.height()} > {width}x{height}")
    visible_area = QRect(0, 0, min(window.width(), width), min(window.height(), height))
    for child in window.findChildren(QWidget):
        if not isinstance(child, INPUTS) or child.window() is not window or not child.isVisibleTo(window):
            continue
        anchor = _outermost_anchor(child, window)
        rect = QRect(anchor.mapTo(window, QPoint(0, 0)), anchor.size())
        if not visible_area.contains(rect):
            label = child.objectName() or type(child).__name__
            text = child.text() if hasattr(child, "text") and callable(child.text) else ""
            problems.append(f"{label} {text!r} at {rect.getRect()} outside {visible_area.getRect()}")
    return problems


def show_long_messages(window: QWidget) -> int:
    from ui.widgets import Notice

    notices = [n for n in window.findChildren(Notice) if n.window() is window]
    for notice in notices:
        notice.show_message(LONG_MESSAGE, "warning")
    settle()
    return len(notices)


def visit_windows(qtbot, controller_factory, check, *, messages: bool = True) -> list[str]:
    """Open every window and dialog we can reach; call ``check(name, window)`` on each
    (the main windows once per tab; with ``messages``, once more with a long message in
    every notice). Returns the names visited."""
    from ui.admin import NewUserDialog

    from .test_printing import register_traveller, wait_preview

    visited: list[str] = []

    def run(name: str, window: QWidget) -> None:
        window.show()
        settle()
        visited.append(name)
        check(name, window)

    # the set-up wizard of a real post's first run: its two pages
    real = controller_factory(demo=False)
    real.start()
    qtbot.waitUntil(lambda: real.shown and real.shown[-1].objectName() == "setupWizard", timeout=30_000)
    wizard = real.shown[-1]
    run("setup wizard: post", wizard)
    qtbot.keyClicks(wizard.post_page.name, "Poste de Gaya")
    qtbot.keyClicks(wizard.post_page.pcode, "NE003006")
    wizard.next()
    run("setup wizard: administrator", wizard)
    wizard.close()

    controller = controller_factory(demo=True)
    controller.start()
    run("login", wait_for_window(qtbot, controller, "loginWindow"))
    for role in ROLES:
        main = login(qtbot, controller, role)
        settle()
        tabs = main.tabs
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            run(f"{role}: {type(tabs.widget(index)).__name__}", main)
        tabs.setCurrentIndex(0)
        if messages and show_long_messages(main):
            for index in range(tabs.count()):
                tabs.setCurrentIndex(index)
                run(f"{role}: {type(tabs.widget(index)).__name__} with messages", main)
            tabs.setCurrentIndex(0)
        if hasattr(main, "change_password"):  # (not on the old code)
            dialog = main.change_password()
            if messages:
                dialog.notice.show_message(LONG_MESSAGE, "error")
            run(f"{role}: change password", dialog)
            dialog.close()
        if role == "admin" and main.users is not None:
            new_user = NewUserDialog(main.users)
            run("admin: new account", new_user)
            new_user.close()
        if role == "agent" and main.registration is not None:
            reg = main.registration
            tabs.setCurrentWidget(reg)
            reg.new_registration()
            main.activateWindow()  # the Ctrl+S shortcut needs the active window
            qtbot.waitUntil(main.isActiveWindow, timeout=5000)
            try:
                register_traveller(qtbot, reg)
            except Exception:
                print("registration notices:", [n.text() for n in (reg.form_notice, reg.mrz_notice)])
                raise
            reg.print_last()
            preview = wait_preview(qtbot, reg)
            run("agent: slip preview", preview)
            if messages:
                preview.notice.show_message(LONG_MESSAGE, "error")
                run("agent: slip preview with message", preview)
            preview.close()
        main.logout()
        wait_for_window(qtbot, controller, "loginWindow")
    return visited


def test_every_screen_and_dialog_fits_small_screens(qtbot, controller_factory):
    failures: list[str] = []

    def check(name: str, window: QWidget) -> None:
        for lang in LANGUAGES:
            switch(lang)
            for width, height in SIZES:
                for problem in fit_problems(window, width, height):
                    failures.append(f"[{lang} {width}x{height}] {name}: {problem}")

    try:
        visited = visit_windows(qtbot, controller_factory, check)
    finally:
        switch("fr")
    assert any("with messages" in name for name in visited)
    assert any(name.startswith("agent: Registration") for name in visited)
    assert not failures, "\n".join(failures[:60]) + f"\n({len(failures)} problems)"
