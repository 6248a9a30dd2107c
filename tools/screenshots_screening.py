"""Screenshots of the health screener's screen, from the real application on a (virtual) X screen.

    xvfb-run -a -s "-screen 0 1366x900x24" .venv/bin/python tools/screenshots_screening.py

Writes docs/screenshot-screening-referral.png (a referral with its reasons, recorded) and
docs/screenshot-screening-certificate.png (a verified vaccination certificate whose yellow
fever vaccination filled the form). Demo post in a temporary BORDER_APP_HOME; the
certificate is signed by a key generated for the occasion and trusted through the
profile's trust/ folder.

On any other screen size the window fills the screen as a maximised window would, and the
files are named after the size, e.g. with ``-s "-screen 0 1280x720x24"``:
docs/screenshot-screening-referral-1280x720.png (and -certificate-1280x720.png).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from shots import shot, sign_in, start_demo, wait  # noqa: E402 - tools/ is the script folder
ALL = ["general", "ebola_marburg", "cholera", "mpox", "meningitis", "covid19", "yellow_fever"]


def _register(db, surname, given, number, birth, sex):
    from border_app import model as dm
    from db.services import AuthService, RegistrationService

    official = AuthService(db).login("agent", "demo1234")
    draft = dm.RegistrationDraft(
        person=dm.PersonData(surname=surname, given_names=given, sex=sex, birth_date=birth, nationality="NER"),
        crossing=dm.CrossingData(direction=dm.Direction.ENTRY,
                                 crossed_at=datetime.now(timezone.utc) - timedelta(minutes=2),
                                 transport_mode=dm.TransportMode.BUS, origin="Ouagadougou", destination="Niamey"),
        document=dm.DocumentData(doc_type=dm.DocumentType.PASSPORT, number=number, issuing_state="NER"),
    )
    return RegistrationService(db, official).register(draft)


def main() -> None:
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QCheckBox, QComboBox

    from tests.gui.test_screening_screen import _ddcc_with_yellow_fever

    app, controller, shown = start_demo(40)

    main_window = sign_in(shown, "sante")
    size = QGuiApplication.primaryScreen().geometry()
    if (size.width(), size.height()) == (1366, 900):
        suffix = ""
        main_window.setGeometry(10, 30, 1340, 850)
    else:                  # as maximised, below a title bar
        suffix = f"-{size.width()}x{size.height()}"
        main_window.setGeometry(size.adjusted(2, 26, -2, -2))
    screen = main_window.screens["screening"]
    screen.settings.active_protocols = ALL
    first = _register(screen.db, "ABDOULAYE", "Moussa", "NE3141592", "1985-11-02", "M")
    second = _register(screen.db, "HAMIDOU", "Zeinabou", "NE2718281", "1988-07-14", "F")
    code = _ddcc_with_yellow_fever(screen.profile.root / "trust")
    main_window.tabs.setCurrentWidget(screen)
    screen.refresh()
    wait(lambda: any(r.crossing_id == second.crossing_id for r in screen.rows))

    # 1. a referral: fever and a stiff neck (suspected meningitis), recorded
    screen.select_crossing(first.crossing_id)
    wait(lambda: screen.form is not None)
    form = screen.form
    spin = form.findChild(object, "q_temperature")
    spin.setFocus()
    spin.setValue(39.2)
    spin.editingFinished.emit()
    method = form.findChild(QComboBox, "q_temperature_method")
    method.setCurrentIndex(method.findData("tympanic") if method.findData("tympanic") >= 0 else 1)
    for cb in form.findChildren(QCheckBox):
        if cb.objectName() in ("q_symptoms_stiff_neck", "q_symptoms_headache"):
            cb.setChecked(True)
    wait(lambda: form.decision() is not None and form.decision().outcome.value == "referral")
    dest = form.findChild(QComboBox, "referralDestination")
    dest.setEditText("CSI de Makalondi")
    form.notes.setPlainText("Raideur de la nuque, céphalées depuis hier.")
    form.submit()
    wait(lambda: "Dépistage enregistré" in screen.notice.text())
    shot(f"screenshot-screening-referral{suffix}.png", main_window)

    # 2. a verified certificate: the yellow fever answer is filled from it
    screen.select_crossing(second.crossing_id)
    wait(lambda: screen.current.crossing_id == second.crossing_id and screen.form is not None)
    screen.verify_code(code)
    wait(lambda: screen.cert_result.isVisible())
    spin = screen.form.findChild(object, "q_temperature")
    spin.setValue(36.8)
    spin.editingFinished.emit()
    shot(f"screenshot-screening-certificate{suffix}.png", main_window)
    controller.close()
    app.quit()


if __name__ == "__main__":
    main()
