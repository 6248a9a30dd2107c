"""Saving a document whose check digits fail or that has expired: the official confirms
it with one key, and the record says so afterwards (issue #18, defect 5)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from border_app.dates import format_date
from border_app.i18n import _


def confirmed_mark_text(invalid: bool, expired: bool) -> str:
    """What a record saved with a confirmed invalid or expired document says about it."""
    parts = []
    if invalid:
        parts.append(_("Saved with an MRZ whose check digits fail, as confirmed by the official."))
    if expired:
        parts.append(_("Saved with an expired document, as confirmed by the official."))
    return " ".join(parts)


def confirm_document_box(parent: QWidget, *, invalid: bool, expired: bool,
                         expiry: date | None) -> tuple[QMessageBox, QPushButton]:
    """The question (not yet shown) and its "Save anyway" button: Enter saves anyway (the
    default button), Escape goes back to the form."""
    lines = []
    if invalid:
        lines.append(_("The check digits of this document's MRZ fail: it may be misread, altered or forged."))
    if expired:
        lines.append(_("This document expired on {date}.").format(date=format_date(expiry)))
    lines.append(_("Save this registration anyway? The record will show that you confirmed it."))
    box = QMessageBox(parent)
    box.setObjectName("confirmDocumentDialog")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("Confirm the document"))
    box.setText("\n\n".join(lines))
    box.setInformativeText(_("Enter: save anyway. Esc: back to the form."))
    save = box.addButton(_("Save anyway"), QMessageBox.ButtonRole.AcceptRole)
    save.setObjectName("saveAnywayButton")
    back = box.addButton(_("Back"), QMessageBox.ButtonRole.RejectRole)
    back.setObjectName("backButton")
    box.setDefaultButton(save)
    box.setEscapeButton(back)
    return box, save
