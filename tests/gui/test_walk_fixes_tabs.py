"""Issue #18, the screenshot walk: the tab labels' descenders (g, j, y) are not cut on the
main window's tab bar nor on the coordinator screen's inner tabs."""

from __future__ import annotations

import pytest

from .conftest import login

pytestmark = pytest.mark.gui

PADDING = 8  # px at least above and below the text of every tab, selected or not


def _check(bar):
    from PySide6.QtGui import QFontMetrics

    assert bar.count() >= 2
    height = QFontMetrics(bar.font()).height()
    for i in range(bar.count()):
        assert bar.tabRect(i).height() >= height + 2 * PADDING, (bar.tabText(i), bar.tabRect(i).height(), height)


@pytest.mark.parametrize("user", ["superviseur", "coordination"])
def test_every_tab_is_tall_enough_for_its_text(qtbot, app_controller, user):
    from PySide6.QtWidgets import QTabWidget

    app_controller.start()
    main = login(qtbot, app_controller, user)
    main.resize(1366, 740)
    bars = [w.tabBar() for w in main.findChildren(QTabWidget)]
    assert bars
    for bar in bars:
        _check(bar)
