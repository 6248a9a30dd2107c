"""The export screen's screenshot at 1366x768 (issue #20), after an export to a folder.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python tools/screenshots_export.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from shots import shot, sign_in, start_demo, wait  # noqa: E402 - tools/ is the script folder


def pin_coordination(folder: Path) -> None:
    """Pin a fresh coordination key at the demo post (as ``keys pin-coordination`` does)."""
    from border_app.keys import KdfParams, Keystore
    from border_app.paths import profile
    from db import open_database
    from db.services import AuthService

    Keystore.create(folder / "coord.json", post_id="coordination", coordination=True, kdf=KdfParams(1, 1024, 1),
                    first_slot=("admin", "pw"))
    prof = profile(True)
    db = open_database(prof.database_url, profile=prof)
    try:
        admin = AuthService(db).login("admin", "demo1234")
        Keystore.load(prof.keystore).pin_coordination(
            Keystore.load(folder / "coord.json").coordination_public_keys(), admin.keys)
    finally:
        db.dispose()


def main() -> None:
    app, controller, shown = start_demo(60)
    wait(lambda: shown and shown[-1].objectName() == "loginWindow")
    work = Path(tempfile.mkdtemp(prefix="border-export-shot-"))
    pin_coordination(work)
    stick = work / "CLE-USB"
    stick.mkdir()
    main_window = sign_in(shown, "superviseur")
    main_window.showNormal()
    main_window.setGeometry(0, 0, 1366, 768)
    screen = main_window.screens["export"]
    main_window.tabs.setCurrentWidget(screen)
    wait(lambda: screen.pending is not None)
    screen.folder.setText(str(stick))
    screen.export_button.click()
    wait(lambda: screen.result is not None and screen.export_button.isEnabled())
    wait(lambda: screen.pending is not None and screen.pending.data_records == 0)
    shot("screenshots/superviseur-5-ExportScreen.png", main_window)
    controller.close()
    app.quit()


if __name__ == "__main__":
    main()
