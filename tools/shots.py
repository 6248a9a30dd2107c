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
