"""Screenshots of printing for docs/: the print preview of a registration slip (80 mm) and
the reports screen with its preview, from the real application on a (virtual) X screen.

    xvfb-run -a -s "-screen 0 1366x900x24" .venv/bin/python tools/screenshots_printing.py

Runs the demo post in a temporary BORDER_APP_HOME (like tools/screenshots.py).
"""

from __future__ import annotations

from shots import scan_demo_passport, shot, sign_in, start_demo, wait  # noqa: E402 - tools/ is the script folder


def main() -> None:
    from PySide6.QtCore import QDate, Qt
    from PySide6.QtTest import QTest

    from ui.print_dialogs import SlipPreviewDialog

    app, controller, shown = start_demo(300)

    def preview_of(widget):
        found = [d for d in widget.findChildren(SlipPreviewDialog) if d.isVisible()]
        return found[-1] if found else None

    def signed_in(username: str):
        window = sign_in(shown, username)
        window.setGeometry(20, 30, 1300, 820)
        return window

    # 1. a border official registers a traveller and prints the attestation (Ctrl+P)
    main_window = signed_in("agent")
    reg = main_window.registration
    scan_demo_passport(reg)
    reg.transport.set_value(reg.transport.itemData(3))
    QTest.keyClick(reg, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait(lambda: reg.last_saved is not None)
    QTest.keyClick(reg, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    wait(lambda: preview_of(reg) is not None)
    dialog = preview_of(reg)
    dialog.move(400, 40)
    shot("screenshot-print-preview.png", dialog)
    dialog.close()
    main_window.logout()

    # 2. a supervisor builds the report of the last four weeks
    main_window = signed_in("superviseur")
    screen = main_window.screens["reports"]
    main_window.tabs.setCurrentWidget(screen)
    screen.date_from.setDate(QDate.currentDate().addDays(-27))
    QTest.mouseClick(screen.build_button, Qt.MouseButton.LeftButton)
    wait(lambda: preview_of(screen) is not None)
    dialog = preview_of(screen)
    dialog.setGeometry(600, 60, 740, 800)
    shot("screenshot-reports.png", main_window, dialog)
    dialog.close()
    controller.close()
    app.quit()


if __name__ == "__main__":
    main()
