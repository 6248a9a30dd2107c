"""Screenshots of printing for docs/: the print preview of a registration slip (80 mm) and
the reports screen with its preview, from the real application on a (virtual) X screen.

    xvfb-run -a -s "-screen 0 1366x900x24" .venv/bin/python tools/screenshots_printing.py

Runs the demo post in a temporary BORDER_APP_HOME (like tools/screenshots.py).
"""

from __future__ import annotations

from datetime import date

from shots import shot, start_demo, wait  # noqa: E402 - tools/ is the script folder


def main() -> None:
    from PySide6.QtCore import QDate, Qt
    from PySide6.QtTest import QTest

    from border_app.mrz import build_td3
    from ui.print_dialogs import SlipPreviewDialog

    app, controller, shown = start_demo(300)

    def preview_of(widget):
        found = [d for d in widget.findChildren(SlipPreviewDialog) if d.isVisible()]
        return found[-1] if found else None

    def sign_in(username: str):
        wait(lambda: shown and shown[-1].objectName() == "loginWindow")
        login = shown[-1]
        QTest.keyClicks(login.username, username)
        QTest.keyClicks(login.password, "demo1234")
        QTest.keyClick(login.password, Qt.Key.Key_Return)
        wait(lambda: shown[-1].objectName() == "mainWindow")
        window = shown[-1]
        window.setGeometry(20, 30, 1300, 820)
        return window

    # 1. a border official registers a traveller and prints the attestation (Ctrl+P)
    main_window = sign_in("agent")
    reg = main_window.registration
    expiry = date.today().replace(year=date.today().year + 6)
    lines = build_td3(document_code="P", issuing_state="NER", surname="ISSOUFOU", given_names="MARIAMA",
                      document_number="10AB23456", nationality="NER", birth_date=date(1992, 4, 17), sex="F",
                      expiry_date=expiry)
    for line in lines:
        QTest.keyClicks(reg.scan, line)
        QTest.keyClick(reg.scan, Qt.Key.Key_Return)
    wait(lambda: reg.surname.text() == "ISSOUFOU")
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
    main_window = sign_in("superviseur")
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
