"""Guards against a Qt binding that corrupts reference counts (PySide6 6.12.0 did: every
QVariant that came back as None or a bool lost a reference, and the interpreter aborted)."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QComboBox, QLabel


def test_qvariant_round_trips_keep_reference_counts(qapp):
    combo = QComboBox()
    combo.addItem("blank", None)
    combo.addItem("yes", True)
    label = QLabel()
    label.setProperty("ok", True)
    before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(200):
        combo.currentData()
        combo.itemData(1)
        label.property("ok")
        label.property("missing")
        label.setObjectName("probe")  # a call that returns None
    assert (sys.getrefcount(None), sys.getrefcount(True)) == before
