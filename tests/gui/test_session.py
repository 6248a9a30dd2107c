"""The session: idle sign-out warns with a countdown and keeps the work for the same user;
a plain sign-out asks before dropping it; the main window opens maximised and the login
window centred; a user changes their own password from the main window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from .conftest import login, wait_for_window

pytestmark = pytest.mark.gui


@pytest.fixture
def draft_screen(monkeypatch):
    """The registration screen keeps its surname as a draft (a stand-in when the screen
    does not implement save_draft/restore_draft itself)."""
    from ui.registration import RegistrationScreen

    if not hasattr(RegistrationScreen, "save_draft"):
        monkeypatch.setattr(RegistrationScreen, "save_draft",
                            lambda self: {"surname": self.surname.text()} if self.surname.text() else None,
                            raising=False)
        monkeypatch.setattr(RegistrationScreen, "restore_draft",
                            lambda self, d: self.surname.setText(d["surname"]), raising=False)
    return RegistrationScreen


def test_idle_sign_out_warns_and_keeps_the_work_for_the_same_user_only(qtbot, controller_factory, draft_screen):
    controller = controller_factory(demo=True)
    controller.idle_seconds = 4  # warning over the last 2 s
    controller.start()
    main = login(qtbot, controller, "agent")
    qtbot.keyClicks(main.registration.surname, "BROUILLON")

    # the countdown shows, activity cancels it
    qtbot.waitUntil(main.countdown.isVisible, timeout=10_000)
    assert main.countdown.seconds in (1, 2)
    text = main.countdown.label.text()
    assert "Déconnexion dans" in text and "souris" in text
    qtbot.keyClick(main.registration.surname, Qt.Key.Key_Shift)
    assert not main.countdown.isVisible() and controller.shown[-1] is main

    # then nobody moves: signed out, the work kept in memory for this user
    qtbot.waitUntil(main.countdown.isVisible, timeout=10_000)
    wait_for_window(qtbot, controller, "loginWindow", timeout=10_000)
    assert list(controller.drafts) == [main.actor.user_id]

    # the same user gets it back, with a message
    controller.idle_seconds = None
    main = login(qtbot, controller, "agent")
    assert main.registration.surname.text() == "BROUILLON"
    assert "restauré" in main.session_notice.text()
    assert controller.drafts == {}

    # idle again; another user signs in: nothing for them, and the agent's draft is dropped
    main.idle_sign_out()
    wait_for_window(qtbot, controller, "loginWindow")
    assert controller.drafts
    other = login(qtbot, controller, "superviseur")
    assert controller.drafts == {}
    assert not other.session_notice.text()
    assert other.registration is None or other.registration.surname.text() == ""
    other.sign_out()
    main = login(qtbot, controller, "agent")
    assert main.registration.surname.text() == "" and not main.session_notice.text()


def test_plain_sign_out_asks_before_dropping_unsaved_work(qtbot, app_controller, draft_screen, monkeypatch):
    from ui.main_window import MainWindow

    app_controller.start()
    main = login(qtbot, app_controller, "agent")
    asked = []
    monkeypatch.setattr(MainWindow, "confirm_discard", lambda self, drafts: asked.append(drafts) or False)
    qtbot.keyClicks(main.registration.surname, "GARBA")
    qtbot.mouseClick(main.logout_button, Qt.MouseButton.LeftButton)
    assert asked and "registration" in asked[0]
    assert app_controller.shown[-1] is main  # refused: still signed in
    monkeypatch.setattr(MainWindow, "confirm_discard", lambda self, drafts: True)
    qtbot.mouseClick(main.logout_button, Qt.MouseButton.LeftButton)
    wait_for_window(qtbot, app_controller, "loginWindow")
    assert app_controller.drafts == {}  # a deliberate sign-out keeps nothing
    main = login(qtbot, app_controller, "agent")
    assert main.registration.surname.text() == ""


def test_main_window_maximised_and_login_centred(qtbot, app_controller):
    app_controller.start()
    window = wait_for_window(qtbot, app_controller, "loginWindow")
    area = window.screen().availableGeometry()
    centre = window.frameGeometry().center()
    assert abs(centre.x() - area.center().x()) <= 2 and abs(centre.y() - area.center().y()) <= 2
    main = login(qtbot, app_controller, "agent")
    assert main.windowState() & Qt.WindowState.WindowMaximized
    assert main.minimumSizeHint().height() <= 600 and main.minimumSizeHint().width() <= 1000


def test_change_own_password_from_the_main_window(qtbot, app_controller):
    from border_app.errors import AuthenticationError
    from db.services import AuthService

    app_controller.start()
    main = login(qtbot, app_controller, "sante")
    qtbot.mouseClick(main.password_button, Qt.MouseButton.LeftButton)
    from ui.password_dialog import PasswordDialog

    qtbot.waitUntil(lambda: any(d.isVisible() for d in main.findChildren(PasswordDialog)), timeout=5000)
    dialog = [d for d in main.findChildren(PasswordDialog) if d.isVisible()][-1]

    # the two new passwords differ
    qtbot.keyClicks(dialog.old, "demo1234")
    qtbot.keyClicks(dialog.new, "nouveau-mot-1")
    qtbot.keyClicks(dialog.again, "nouveau-mot-2")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "diffèrent" in dialog.notice.text() and dialog.isVisible()
    # the current password is wrong
    dialog.old.setText("pas-le-bon")
    dialog.again.setText("nouveau-mot-1")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.notice.property("kind") == "error", timeout=30_000)
    assert "actuel" in dialog.notice.text() and dialog.old.text() == ""
    # too short
    dialog.old.setText("demo1234")
    dialog.new.setText("court")
    dialog.again.setText("court")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.notice.property("kind") == "error" and "caractères" in dialog.notice.text(),
                    timeout=30_000)
    # right
    dialog.old.setText("demo1234")
    dialog.new.setText("nouveau-mot-1")
    dialog.again.setText("nouveau-mot-1")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=30_000)
    assert AuthService(app_controller.db).login("sante", "nouveau-mot-1").username == "sante"
    with pytest.raises(AuthenticationError):
        AuthService(app_controller.db).login("sante", "demo1234")
