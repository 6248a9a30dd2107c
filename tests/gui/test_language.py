"""The language is each user's own preference: choosing English in the main window does
not switch the post (nor the next user); the login screen's choice lasts until sign-in;
Qt's own dialogs speak the chosen language."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, Qt

from .conftest import login, wait_for_window

pytestmark = pytest.mark.gui


def test_language_is_per_user_and_the_post_keeps_its_default(qtbot, app_controller):
    from border_app.i18n import current_language
    from border_app.settings import Settings

    app_controller.start()
    main = login(qtbot, app_controller, "agent")
    assert current_language() == "fr"
    main.language.setCurrentIndex(main.language.findData("en"))
    assert current_language() == "en" and main.logout_button.text() == "Sign out"
    qtbot.mouseClick(main.logout_button, Qt.MouseButton.LeftButton)

    # the next user, and the login screen, in the post's default language
    window = wait_for_window(qtbot, app_controller, "loginWindow")
    assert current_language() == "fr" and window.button.text() == "Se connecter"
    assert Settings(app_controller.profile.settings).language == "fr"
    other = login(qtbot, app_controller, "sante")
    assert current_language() == "fr" and other.logout_button.text() == "Se déconnecter"
    qtbot.mouseClick(other.logout_button, Qt.MouseButton.LeftButton)

    # a language chosen on the login screen is the signing-in user's choice: it applies
    # to the session and is kept as that user's preference (the post's default stays)
    window = wait_for_window(qtbot, app_controller, "loginWindow")
    window.language.setCurrentIndex(window.language.findData("en"))
    assert window.button.text() == "Sign in"
    other = login(qtbot, app_controller, "sante")
    assert current_language() == "en" and other.logout_button.text() == "Sign out"
    assert Settings(app_controller.profile.settings).language == "fr"
    qtbot.mouseClick(other.logout_button, Qt.MouseButton.LeftButton)
    window = wait_for_window(qtbot, app_controller, "loginWindow")
    assert current_language() == "fr"              # the login screen: the post's default again
    other = login(qtbot, app_controller, "sante")
    assert current_language() == "en"
    other.language.setCurrentIndex(other.language.findData("fr"))
    qtbot.mouseClick(other.logout_button, Qt.MouseButton.LeftButton)

    # the first user gets English back
    main = login(qtbot, app_controller, "agent")
    assert current_language() == "en" and main.logout_button.text() == "Sign out"
    assert main.language.currentData() == "en"
    qtbot.mouseClick(main.logout_button, Qt.MouseButton.LeftButton)
    wait_for_window(qtbot, app_controller, "loginWindow")
    assert current_language() == "fr"


def test_qt_own_dialogs_follow_the_language(qtbot):
    from PySide6.QtWidgets import QMessageBox

    from ui.app import make_application
    from ui.i18n import switch_language

    make_application()
    try:
        switch_language("fr")
        box = QMessageBox(QMessageBox.Icon.Question, "t", "t",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        qtbot.addWidget(box)
        texts = {b.text().replace("&", "") for b in box.buttons()}
        assert texts == {"Oui", "Annuler"}
        assert QCoreApplication.translate("QFileDialog", "Look in:") .replace("\xa0", " ") == "Voir dans :"
        assert QCoreApplication.translate("QFileDialog", "Files of type:") != "Files of type:"
        switch_language("en")
        assert QCoreApplication.translate("QFileDialog", "Look in:") == "Look in:"
        box = QMessageBox(QMessageBox.Icon.Question, "t", "t", QMessageBox.StandardButton.Cancel)
        qtbot.addWidget(box)
        assert box.buttons()[0].text().replace("&", "") == "Cancel"
    finally:
        switch_language("fr")
