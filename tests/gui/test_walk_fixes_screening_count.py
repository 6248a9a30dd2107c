"""Issue #18, the screenshot walk: the screening screen's count uses plural forms."""

from __future__ import annotations

import pytest

from .conftest import login

pytestmark = pytest.mark.gui


def test_the_count_reads_as_words(qtbot, app_controller):
    app_controller.start()
    main = login(qtbot, app_controller, "sante")
    screen = main.screens["screening"]
    main.tabs.setCurrentWidget(screen)
    qtbot.waitUntil(lambda: bool(screen.count_label.text()), timeout=30_000)
    qtbot.wait(200)
    n = len(screen.rows)
    text = screen.count_label.text()
    assert "(s)" not in text
    assert text == "{} enregistrement{}".format(n, "s" if n > 1 else "")
