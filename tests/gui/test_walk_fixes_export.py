"""Issue #18, the screenshot walk: the export screen's button is the verb ("Exporter") and
its "not yet exported" counts never wrap leaving a "·" at a line's end."""

from __future__ import annotations

import pytest

from .conftest import login

pytestmark = pytest.mark.gui


def test_the_export_button_and_the_counts(qtbot, app_controller, tmp_path):
    from PySide6.QtGui import QTextDocument

    from ui.i18n import switch_language

    app_controller.start()
    main = login(qtbot, app_controller, "superviseur")
    main.resize(1366, 740)
    screen = main.screens["export"]
    main.tabs.setCurrentWidget(screen)
    qtbot.waitUntil(lambda: screen.pending is not None, timeout=30_000)
    assert screen.export_button.text() == "Exporter"
    assert main.tabs.tabText(main.tabs.indexOf(screen)) == "Export"      # the tab: the noun
    label = screen.counts_label
    doc = QTextDocument()
    doc.setHtml(label.text())
    text = doc.toPlainText()
    assert "·" not in text and "Passages" in text
    assert label.sizeHint().width() <= label.width() + 1     # shown whole, nothing wraps inside a count
    assert label.height() >= label.sizeHint().height()       # every row of counts shown
    screen.grab().save(str(tmp_path / "export.png"))
    try:
        switch_language("en")
        assert screen.export_button.text() == "Export now"
    finally:
        switch_language("fr")
