"""GUI fixtures: a demo post in a private BORDER_APP_HOME, fast key derivation."""

from __future__ import annotations

import pytest


@pytest.fixture
def controller_factory(qtbot, home):
    """Builds the real application controller (demo or real post) in the test's private
    BORDER_APP_HOME, with fast key derivation; closes everything afterwards."""
    from border_app.keys import KdfParams
    from ui.app import Controller, make_application

    make_application()
    made = []

    def make(*, demo: bool = True, demo_travellers: int = 3):
        controller = Controller(demo=demo, demo_travellers=demo_travellers, kdf=KdfParams.TEST)
        controller.shown = []
        controller.windowShown.connect(controller.shown.append)
        made.append(controller)
        return controller

    yield make
    for controller in made:
        for window in controller.shown:
            try:
                window.close()
            except RuntimeError:
                pass
        controller.close()


@pytest.fixture
def app_controller(controller_factory):
    """The real application controller on a fresh demo profile (3 fictitious travellers)."""
    return controller_factory(demo=True)


def wait_for_window(qtbot, controller, name: str, timeout: int = 60_000):
    qtbot.waitUntil(lambda: controller.shown and controller.shown[-1].objectName() == name, timeout=timeout)
    return controller.shown[-1]


def login(qtbot, controller, username: str, password: str = "demo1234"):
    from PySide6.QtCore import Qt

    window = wait_for_window(qtbot, controller, "loginWindow")
    qtbot.keyClicks(window.username, username)
    qtbot.keyClick(window.username, Qt.Key.Key_Return)
    qtbot.keyClicks(window.password, password)
    qtbot.keyClick(window.password, Qt.Key.Key_Return)
    return wait_for_window(qtbot, controller, "mainWindow", timeout=30_000)
