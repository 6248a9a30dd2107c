"""Take the screenshots in docs/ from the real application on a (virtual) X screen.

    xvfb-run -a -s "-screen 0 1366x900x24" .venv/bin/python tools/screenshots.py

Runs the demo post in a temporary BORDER_APP_HOME, drives the screens as a user would
(keystrokes into the scan field included) and grabs the whole X screen, window frame and all.
"""

from __future__ import annotations

from shots import scan_demo_passport, shot, sign_in, start_demo, wait  # noqa: E402 - tools/ is the script folder


def main() -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest


    app, controller, shown = start_demo(60)

    wait(lambda: shown and shown[-1].objectName() == "loginWindow")
    login = shown[-1]
    login.move(60, 40)
    shot("screenshot-login.png", login)
    main_window = sign_in(shown, "agent")
    main_window.setGeometry(20, 30, 1300, 820)
    reg = main_window.registration
    scan_demo_passport(reg)
    reg.transport.set_value(reg.transport.itemData(3))
    reg.origin.setText("Ouagadougou")
    reg.destination.setText("Niamey")
    shot("screenshot-registration.png", main_window)
    QTest.keyClick(reg, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait(lambda: "ISSOUFOU" in reg.form_notice.text())
    main_window.tabs.setCurrentWidget(main_window.registrations)
    wait(lambda: any(r.person.surname == "ISSOUFOU" for r in main_window.registrations.rows))
    shot("screenshot-crossings-of-the-day.png", main_window)
    main_window.language.setCurrentIndex(1)
    main_window.tabs.setCurrentWidget(reg)
    QTest.qWait(200)
    shot("screenshot-registration-en.png", main_window)
    main_window.language.setCurrentIndex(0)
    controller.close()
    app.quit()


if __name__ == "__main__":
    main()
