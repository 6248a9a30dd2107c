"""The registration screen's first group: the scan field, the MRZ's check badges and the
messages about what was scanned (the MRZ's reading, a scanned code, an expired document,
a document already seen)."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QVBoxLayout, QWidget

from border_app.dates import format_date
from border_app.i18n import N_, _
from border_app.mrz import MrzResult
from border_app.mrz import normalise as normalise_mrz
from border_app.mrz.layouts import SHAPES

from .fields import ScanField
from .i18n import Retranslatable
from .widgets import CheckBadge, Notice

CHECK_NAMES = (
    ("document_number", N_("Document no.")),
    ("birth_date", N_("Birth date")),
    ("expiry_date", N_("Expiry date")),
    ("optional_data", N_("Optional data")),
    ("composite", N_("Composite")),
)
SCAN_LINES = 3  # the longest MRZ (TD1) has three lines


def mrz_looks_complete(text: str) -> bool:
    try:
        lines = normalise_mrz(text)
    except Exception:  # noqa: BLE001 - anything unusable is simply "not yet"
        return False
    return bool(lines) and (len(lines), len(lines[0])) in SHAPES and len({len(x) for x in lines}) == 1


class ScanPanel(QGroupBox, Retranslatable):
    """"1. Scan the document": the scan field (three lines high), a badge per check digit
    and four notices, hidden until they have something to say."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.bind(self.setTitle, N_("1. Scan the document (or type its MRZ, then Ctrl+Enter)"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        self.scan = ScanField(self, looks_complete=mrz_looks_complete)
        self.scan.setObjectName("scanField")
        self.scan.setFixedHeight(self.scan.fontMetrics().lineSpacing() * SCAN_LINES + 10)
        layout.addWidget(self.scan)
        checks = QHBoxLayout()
        self.badges: dict[str, CheckBadge] = {}
        for key, _msgid in CHECK_NAMES:
            badge = CheckBadge(self)
            badge.setObjectName(f"check_{key}")
            self.badges[key] = badge
            checks.addWidget(badge)
        checks.addStretch(1)
        layout.addLayout(checks)
        self.mrz_notice = self._notice("mrzNotice", layout)
        self.code_notice = self._notice("codeNotice", layout)
        self.expired_notice = self._notice("expiredNotice", layout)
        self.seen_notice = self._notice("seenNotice", layout)

    def _notice(self, name: str, layout: QVBoxLayout) -> Notice:
        notice = Notice(self)
        notice.setObjectName(name)
        layout.addWidget(notice)
        return notice

    def clear(self) -> None:
        """Nothing scanned: an empty field, grey badges, no message."""
        self.scan.reset()
        for notice in (self.mrz_notice, self.code_notice, self.expired_notice, self.seen_notice):
            notice.hide()
        self.set_badges({})

    def set_badges(self, checks: dict) -> None:
        for key, msgid in CHECK_NAMES:
            self.badges[key].set_state(checks.get(key), _(msgid))
            self.badges[key].setVisible(key in checks or not checks)

    def on_retranslate(self) -> None:
        for key, msgid in CHECK_NAMES:
            badge = self.badges[key]
            badge.set_state(badge.property("ok"), _(msgid))

    def show_mrz(self, result: MrzResult) -> None:
        """The reading's check badges and messages."""
        self.set_badges(result.checks)
        messages = list(result.errors)
        if result.corrections:
            messages.append(_("{n} OCR confusion(s) corrected, proven by the check digits.").format(
                n=len(result.corrections)))
        if result.valid and not result.errors:
            text = "\n".join(messages) if messages else _("MRZ read: all check digits pass.")
            self.mrz_notice.show_message(text, "info" if result.corrections else "ok")
        else:
            invalid = _("The MRZ is not valid: check the document and correct the fields by hand.")
            self.mrz_notice.show_message("\n".join([invalid] + messages), "error")
        if result.expired:
            self.expired_notice.show_message(
                _("This document expired on {date}.").format(date=format_date(result.expiry_date)), "warning")
        else:
            self.expired_notice.hide()
