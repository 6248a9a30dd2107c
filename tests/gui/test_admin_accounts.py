"""The administration screens (issue #18): unlock and reset a password from the accounts
screen (defect 9), a readable audit trail (defect 10), the accounts table not clipped at
1366x768 and 1280x720, in French and in English (defect 14)."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QApplication, QStyle

from .conftest import login

pytestmark = pytest.mark.gui

SIZES = ((1366, 768), (1280, 720 - 40))  # the second: 1280x720 with a taskbar


def _open(qtbot, main, key: str):
    screen = main.screens[key]
    main.tabs.setCurrentWidget(screen)
    return screen


def _wait_rows(qtbot, table, n: int = 1):
    qtbot.waitUntil(lambda: table.rowCount() >= n, timeout=20_000)


def _clipped(table, columns) -> list[str]:
    """The header texts and cell texts of ``columns`` that do not fit their column."""
    header = table.horizontalHeader()
    style = header.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    cell_margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
    problems = []
    for c in columns:
        width = header.sectionSize(c)
        text = table.horizontalHeaderItem(c).text()
        needed = header.fontMetrics().horizontalAdvance(text) + 2 * margin
        if needed > width:
            problems.append(f"header {text!r}: {needed} > {width}")
        for r in range(table.rowCount()):
            item = table.item(r, c)
            needed = table.fontMetrics().horizontalAdvance(item.text()) + 2 * cell_margin
            if needed > width:
                problems.append(f"cell {item.text()!r}: {needed} > {width}")
    return problems


def test_accounts_table_is_not_clipped_in_french_and_english(qtbot, app_controller):
    from ui.i18n import switch_language

    app_controller.start()
    main = login(qtbot, app_controller, "admin")
    users = _open(qtbot, main, "users")
    _wait_rows(qtbot, users.table, 5)
    try:
        for lang in ("fr", "en"):
            switch_language(lang)
            for width, height in SIZES:
                main.showNormal()
                main.resize(width, height)
                QApplication.processEvents()
                assert main.width() <= width and main.height() <= height
                # user name, role, state: never cut; the full name (the stretching column) may
                # elide when long, with the whole name as tooltip
                problems = _clipped(users.table, (0, 2, 3))
                assert not problems, (lang, width, problems)
                header = users.table.horizontalHeader()
                text = users.table.horizontalHeaderItem(1).text()
                assert header.sectionSize(1) >= header.fontMetrics().horizontalAdvance(text)
                for r in range(users.table.rowCount()):
                    assert users.table.item(r, 1).toolTip() == users.table.item(r, 1).text()
                for button in (users.add_button, users.toggle_button, users.unlock_button, users.reset_button):
                    assert button.isVisible()
                    assert button.width() >= button.sizeHint().width()
                    right = button.mapTo(main, button.rect().topRight()).x()
                    assert right <= main.width(), (lang, width, button.text())
    finally:
        switch_language("fr")


def _lock(db, name: str) -> None:
    from border_app.errors import AuthenticationError
    from db.services import MAX_FAILED_LOGINS, AuthService

    for _i in range(MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationError):
            AuthService(db).login(name, "wrong wrong")


def _select(users, username: str) -> None:
    row = next(r for r, u in enumerate(users.users) if u.username == username)
    users.table.selectRow(row)


def test_administrator_unlocks_and_resets_from_the_accounts_screen(qtbot, app_controller):
    from border_app.errors import AuthenticationError
    from db.services import AuditService, AuthService

    app_controller.start()
    main = login(qtbot, app_controller, "admin")
    db = app_controller.db
    _lock(db, "agent")
    users = _open(qtbot, main, "users")
    _wait_rows(qtbot, users.table, 5)
    users.refresh()
    qtbot.waitUntil(lambda: any(u.username == "agent" and u.locked for u in users.users), timeout=10_000)
    row = next(r for r, u in enumerate(users.users) if u.username == "agent")
    assert users.table.item(row, 3).text() == "verrouillé"

    users.unlock_user()  # nothing selected
    assert "Sélectionnez" in users.notice.text()
    _select(users, "agent")
    users.unlock_button.click()
    qtbot.waitUntil(lambda: "agent" in users.notice.text() and "déverrouillé" in users.notice.text(), timeout=10_000)
    assert AuthService(db).login("agent", "demo1234").username == "agent"

    _lock(db, "sante")
    users.refresh()
    qtbot.waitUntil(lambda: any(u.username == "sante" and u.locked for u in users.users), timeout=10_000)
    _select(users, "sante")
    users.reset_button.click()
    dialog = users.reset_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)
    qtbot.keyClicks(dialog.password, "nouveau secret")
    qtbot.keyClicks(dialog.confirm, "autre secret")
    dialog.ok_button.click()
    assert dialog.isVisible() and "différents" in dialog.notice.text()
    dialog.confirm.clear()
    qtbot.keyClicks(dialog.confirm, "nouveau secret")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: "sante" in users.notice.text() and "mot de passe" in users.notice.text(),
                    timeout=10_000)
    assert not dialog.isVisible()
    assert AuthService(db).login("sante", "nouveau secret").keys is not None
    with pytest.raises(AuthenticationError):
        AuthService(db).login("sante", "demo1234")
    actions = {e.action for e in AuditService(db, main.actor).list(limit=200)}
    assert {"unlock", "reset_password"} <= actions


def test_audit_trail_is_readable_and_filtered(qtbot, app_controller):
    from ui.i18n import switch_language

    app_controller.start()
    main = login(qtbot, app_controller, "admin")
    audit = _open(qtbot, main, "audit")
    _wait_rows(qtbot, audit.table)
    table = audit.table
    stamp = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}$")
    texts = {c: [table.item(r, c).text() for r in range(table.rowCount())] for c in range(table.columnCount())}
    assert all(stamp.match(t) for t in texts[0]), texts[0][:3]
    assert "admin" in texts[1]
    assert not any(re.fullmatch(r"[0-9a-f]{8}", t) for t in texts[1])  # names, not hex ids
    assert "Connexion" in texts[2] and "login" not in texts[2]
    for width, height in SIZES:
        main.showNormal()
        main.resize(width, height)
        QApplication.processEvents()
        assert not _clipped(table, (0, 1, 2)), (width, _clipped(table, (0, 1, 2)))

    # filter: one action, then one user, then a period without entries
    audit.action_filter.setCurrentIndex(audit.action_filter.findData("login"))
    audit.show_button.click()
    qtbot.waitUntil(lambda: table.rowCount() and {e.action for e in audit.entries} == {"login"}, timeout=10_000)
    audit.action_filter.setCurrentIndex(0)
    qtbot.waitUntil(lambda: audit.user_filter.findText("agent") >= 0, timeout=10_000)
    audit.user_filter.setCurrentIndex(audit.user_filter.findText("agent"))
    audit.show_button.click()
    qtbot.waitUntil(lambda: all(e.username == "agent" for e in audit.entries), timeout=10_000)
    audit.user_filter.setCurrentIndex(0)
    audit.since.setText("01/01/2001")
    audit.until.setText("02/01/2001")
    audit.show_button.click()
    qtbot.waitUntil(lambda: table.rowCount() == 0, timeout=10_000)
    audit.since.setText("31/02/2001")
    audit.show_button.click()
    assert "JJ/MM/AAAA" in audit.notice.text()
    try:
        switch_language("en")
        assert audit.action_filter.itemText(0) == "All actions"
    finally:
        switch_language("fr")


def test_new_account_dialog_roles_follow_the_language(qtbot):
    from border_app.roles import Role
    from ui.admin import NewUserDialog
    from ui.i18n import switch_language

    dialog = NewUserDialog()
    qtbot.addWidget(dialog)
    try:
        switch_language("fr")
        assert dialog.role.itemText(0) == "Agent de frontière"
        switch_language("en")
        assert [dialog.role.itemText(i) for i in range(dialog.role.count())] == [r.label for r in Role]
        assert dialog.role.itemText(0) == "Border official"
    finally:
        switch_language("fr")
