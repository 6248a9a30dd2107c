"""The demo post screens for yellow fever out of the box (issue #18, defect 8), and the
outbreak list names diseases, not protocol titles (defect 13)."""

from __future__ import annotations

import pytest

from .conftest import login

pytestmark = pytest.mark.gui


def test_the_demo_screener_sees_the_yellow_fever_questions(qtbot, app_controller):
    from .test_screening_screen import _open_screen, _register, _wait_row

    app_controller.start()
    main = login(qtbot, app_controller, "sante")
    screen = _open_screen(qtbot, main)
    reg = _register(screen.db)
    _wait_row(qtbot, screen, reg.crossing_id)
    assert screen.select_crossing(reg.crossing_id)
    qtbot.waitUntil(lambda: screen.form is not None, timeout=5000)
    assert "q_yf_card" in {w.objectName() for w in screen.form.findChildren(object)}
    assert {p.id for p in screen.active_protocols()} == {"general", "yellow_fever"}


def test_outbreaks_are_named_by_disease(qtbot):
    from border_app import i18n
    from border_app.settings import Settings
    from ui.settings_screening import ScreeningSettingsSection

    section = ScreeningSettingsSection(None, None, settings=Settings(None))
    qtbot.addWidget(section)
    assert section.protocol_checks["yellow_fever"].isChecked() and section.protocol_checks["general"].isChecked()
    assert not section.protocol_checks["cholera"].isChecked()
    assert section.outbreak_checks["yellow_fever"].text() == "Épidémie : Fièvre jaune"
    i18n.set_language("en")
    try:
        section.on_retranslate()
        assert section.outbreak_checks["yellow_fever"].text() == "Outbreak: Yellow fever"
    finally:
        i18n.set_language("fr")
