"""What the screenshot scripts share: the demo post in a temporary BORDER_APP_HOME, on the
(virtual) X screen that ``xvfb-run`` gives, waiting for screens, and grabbing windows."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def start_demo(travellers: int):
    """Start the real application on a fresh demo post; returns ``(app, controller, shown)``
    where ``shown`` lists the windows in the order they appeared."""
    os.environ["BORDER_APP_HOME"] = tempfile.mkdtemp(prefix="border-shots-")
    from ui.app import Controller, make_application

    app = make_application()
    controller = Controller(demo=True, demo_travellers=travellers)
    shown: list = []
    controller.windowShown.connect(shown.append)
    controller.start()
    return app, controller, shown


def wait(pred, timeout: int = 120_000) -> None:
    from PySide6.QtTest import QTest

    waited = 0
    while not pred() and waited < timeout:
        QTest.qWait(50)
        waited += 50
    if not pred():
        raise SystemExit("timed out waiting for the screen")


def shot(name: str, *windows) -> Path:
    """Grab the X screen (window frames included), cropped to ``windows`` if given."""
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtTest import QTest

    QTest.qWait(500)
    pixmap = QGuiApplication.primaryScreen().grabWindow(0)
    if windows:
        rect = windows[0].frameGeometry()
        for window in windows[1:]:
            rect = rect.united(window.frameGeometry())
        pixmap = pixmap.copy(rect.adjusted(-2, -2, 2, 2))
    path = DOCS / name
    pixmap.save(str(path))
    print("wrote", path)
    return path


def sign_in(shown: list, username: str, password: str = "demo1234"):
    """Type a demo account's credentials into the login screen; returns the main window."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    wait(lambda: shown and shown[-1].objectName() == "loginWindow")
    login = shown[-1]
    QTest.keyClicks(login.username, username)
    QTest.keyClicks(login.password, password)
    QTest.keyClick(login.password, Qt.Key.Key_Return)
    wait(lambda: shown[-1].objectName() == "mainWindow")
    return shown[-1]


def scan_demo_passport(registration_screen) -> None:
    """Type a fictitious Nigerien passport's MRZ into the scan field as a reader does."""
    from datetime import date

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from border_app.mrz import build_td3

    today = date.today()
    lines = build_td3(document_code="P", issuing_state="NER", surname="ISSOUFOU", given_names="MARIAMA",
                      document_number="10AB23456", nationality="NER", birth_date=date(1992, 4, 17), sex="F",
                      expiry_date=today.replace(year=today.year + 6))
    for line in lines:
        QTest.keyClicks(registration_screen.scan, line)
        QTest.keyClick(registration_screen.scan, Qt.Key.Key_Return)
    wait(lambda: registration_screen.surname.text() == "ISSOUFOU")
