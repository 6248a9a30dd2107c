"""A registration form in progress, kept while the session is locked and put back for the
same user after sign-in (issue #18, defect 6): :class:`FormDraft` and the screen's
``form_in_progress``, ``save_draft`` and ``restore_draft`` (:class:`DraftKeeping`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtWidgets import QPlainTextEdit, QWidget

from border_app.model import DocumentData, Registration
from border_app.mrz import MrzResult


@dataclass
class FormDraft:
    """Everything typed in the registration screen, kept while the session is locked
    (:meth:`RegistrationScreen.save_draft`, :meth:`RegistrationScreen.restore_draft`)."""

    texts: dict = field(default_factory=dict)      # objectName -> text of the line edits and the scan field
    choices: dict = field(default_factory=dict)    # objectName -> value of combos, check boxes, spin box
    mrz: MrzResult | DocumentData | None = None    # the MRZ the form was filled from (see _mrz)
    editing: Registration | None = None            # the stored registration being edited
    confirmed: tuple[bool, bool] = (False, False)  # (invalid, expired) already confirmed
    focus: str | None = None                       # objectName of the field that had the focus


class DraftKeeping:
    """The registration screen's drafts (a mixin: it reads and sets the screen's fields,
    ``_editing``, ``_mrz``, ``_confirmed`` and ``_last_focus``)."""

    _LINES = ("scan", "doc_number", "expiry", "surname", "given_names", "birth_date", "origin", "destination")
    _CHOICES = ("doc_type", "sex", "direction", "transport", "reason")
    _OTHERS = ("issuing_state", "nationality", "no_document", "birth_approx", "group_size")

    def form_in_progress(self) -> bool:
        """Something was typed, scanned or loaded (a draft worth keeping)."""
        if self._editing is not None or self._mrz is not None or self.no_document.isChecked():
            return True
        if any(self._line(name).strip() for name in self._LINES):
            return True
        if self.issuing_state.currentText().strip() or self.nationality.currentText().strip():
            return True
        return (self.sex.value() is not None or self.transport.value() is not None
                or self.reason.value() is not None or self.group_size.value() != 1)

    def _line(self, name: str) -> str:
        widget = getattr(self, name)
        return widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()

    def save_draft(self) -> FormDraft | None:
        """Everything typed, and the document read, or ``None`` when the form is empty."""
        if not self.form_in_progress():
            return None
        texts = {name: self._line(name) for name in self._LINES}
        texts["issuing_state"] = self.issuing_state.currentText()
        texts["nationality"] = self.nationality.currentText()
        choices = {name: getattr(self, name).value() for name in self._CHOICES}
        choices.update(no_document=self.no_document.isChecked(), birth_approx=self.birth_approx.isChecked(),
                       group_size=self.group_size.value())
        focus = self._last_focus
        names = {getattr(self, n): n for n in self._LINES + self._CHOICES + self._OTHERS}
        return FormDraft(texts=texts, choices=choices, mrz=self._mrz,
                         editing=self._editing, confirmed=self._confirmed,
                         focus=names.get(focus) if focus is not None else None)

    def restore_draft(self, draft: FormDraft | None) -> None:
        """Put a :meth:`save_draft` result back, as it was."""
        self.new_registration()
        if draft is None:
            return
        if draft.editing is not None:
            self._editing = draft.editing
            self._show_edit_notice()
        c = draft.choices
        self.no_document.setChecked(bool(c.get("no_document")))
        for name in self._CHOICES:
            if name in c:
                getattr(self, name).set_value(c[name])
        self.birth_approx.setChecked(bool(c.get("birth_approx")))
        self.group_size.setValue(int(c.get("group_size") or 1))
        if draft.mrz is not None:
            self._mrz = draft.mrz
            if isinstance(draft.mrz, MrzResult):
                self._show_mrz(draft.mrz)
            else:
                self.mrz_view.setText(draft.mrz.mrz_raw or "")
        t = draft.texts
        for name in self._LINES:
            if name == "scan":
                self.scan.blockSignals(True)
                self.scan.setPlainText(t.get("scan", ""))
                self.scan.blockSignals(False)
            else:
                getattr(self, name).setText(t.get(name, ""))
        for name in ("issuing_state", "nationality"):
            box = getattr(self, name)
            text = t.get(name, "")
            index = box.findText(text) if text else 0
            if index >= 0:
                box.setCurrentIndex(index)
            box.setEditText(text)
            box.checked.emit()
        self._confirmed = tuple(draft.confirmed)
        target = getattr(self, draft.focus, None) if draft.focus else None
        self._last_focus = target if isinstance(target, QWidget) else None
        (target if isinstance(target, QWidget) else self.scan).setFocus()
