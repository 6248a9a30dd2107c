"""The registration screen: scan (or type) an MRZ, check, complete the crossing, save.

Keyboard-first: the scan field has the focus (when the screen opens, after sign-in, when
the tab comes back); a passport reader's burst fills the form and moves the focus to the
crossing; a burst that arrives while a button, a list or nothing has the focus goes to the
scan field all the same (:class:`~ui.registration_wedge.WedgeRouter`). Ctrl+S saves;
Escape starts a new registration. A document whose check digits fail or that has expired
is saved only once the official confirmed it (Enter: "Save anyway", Esc: back). Travellers
without documents: tick "No document" and type the declared identity; a birth date may be
a year or an age ("40": about 40 years old). Dates are typed and shown DD/MM/YYYY (ISO
accepted).

The screen is built from its parts: the scan panel (``registration_scan``), the field
groups (``registration_groups``), the confirmation question (``registration_confirm``),
the drafts kept while the session is locked (``registration_draft``) and the wedge router
(``registration_wedge``). It fits a maximised window on a 1366x768 screen, buttons and
message included (tests/gui/test_registration_fit.py).
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QGridLayout, QHBoxLayout, QMessageBox, QPushButton, QVBoxLayout, QWidget

from border_app.clock import utcnow
from border_app.dates import format_datetime
from border_app.errors import UserFacingError
from border_app.i18n import N_, _, ngettext
from border_app.model import DocumentData, Registration, RegistrationDraft
from border_app.mrz import MrzResult
from border_app.mrz import parse as parse_mrz
from border_app.roles import Permission, allowed
from border_app.usecases.read_scanned_code import read_scanned_code
from db.services import RegistrationService
from db.validation import ConfirmationRequired, document_problems

from .errors import report_failure
from .i18n import Retranslatable
from .ops import Op
from .print_dialogs import print_slip
from .registration_confirm import confirm_document_box, confirmed_mark_text
from .registration_draft import DraftKeeping, FormDraft
from .registration_groups import CrossingGroup, DocumentGroup, TravellerGroup
from .registration_scan import CHECK_NAMES, ScanPanel, mrz_looks_complete
from .registration_wedge import WedgeRouter, is_text_input
from .widgets import Notice

__all__ = ["CHECK_NAMES", "FormDraft", "RegistrationScreen", "WedgeRouter", "confirmed_mark_text",
           "mrz_looks_complete"]


def _name_key(*parts: str) -> str:
    """A name compared as the MRZ writes it: no accents, upper case, letters only."""
    text = unicodedata.normalize("NFKD", " ".join(p for p in parts if p))
    text = "".join(c for c in text if not unicodedata.combining(c)).upper()
    return " ".join("".join(c if c.isalpha() else " " for c in text).split())


def other_names(earlier, surname: str, given_names: str) -> list[str]:
    """The names, other than this one, that these earlier crossings were registered under
    (an MRZ cuts long names: a stored name that starts with the one read is the same)."""
    now = _name_key(surname, given_names)
    if not now:
        return []
    found: list[str] = []
    for e in earlier:
        then = _name_key(e.surname, e.given_names)
        if not then or then == now or then.startswith(now) or now.startswith(then):
            continue
        shown = " ".join(x for x in (e.surname, e.given_names) if x)
        if shown not in found:
            found.append(shown)
    return found


class RegistrationScreen(DraftKeeping, QWidget, Retranslatable):
    saved = Signal(object)  # Registration

    def __init__(self, db, actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("registrationScreen")
        self._editing: Registration | None = None
        self.last_saved: Registration | None = None  # what Ctrl+P prints
        # the MRZ the document fields come from: the reading just scanned, or the stored
        # document being edited (its MRZ facts are kept when it is saved again)
        self._mrz: MrzResult | DocumentData | None = None
        self._confirmed = (False, False)  # (invalid, expired) confirmed by the official for this form
        self._confirm_box: QMessageBox | None = None
        self._last_focus: QWidget | None = None
        self._mrz_error_text: str | None = None  # the scanned text that failed to read (shown again)
        self._seen: tuple | None = None          # (earlier crossings, name scanned) of the "already seen" notice
        self._code_shown: tuple | None = None    # (scanned code's result, its text) of the code notice
        self._build()
        self.router = WedgeRouter(self, self.scan)
        for widget in self.findChildren(QWidget):
            if widget.focusPolicy() != Qt.FocusPolicy.NoFocus:
                self.router.watch(widget)
        self.router.watch(self)
        app = QApplication.instance()
        if app is not None:
            app.focusChanged.connect(self._focus_changed)
        self.new_registration()

    # -- layout -------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 4, 6, 4)
        outer.setSpacing(4)
        self.mode_notice = Notice(self)
        self.mode_notice.setObjectName("modeNotice")
        outer.addWidget(self.mode_notice)

        self.scan_panel = panel = ScanPanel(self)
        self.scan, self.badges = panel.scan, panel.badges
        self.mrz_notice, self.code_notice = panel.mrz_notice, panel.code_notice
        self.expired_notice, self.seen_notice = panel.expired_notice, panel.seen_notice
        self.scan.scanned.connect(self.apply_mrz_text)
        self.scan.barcodeScanned.connect(self.apply_barcode_text)
        outer.addWidget(panel)

        self.document_group = d = DocumentGroup(self)
        self.no_document, self.doc_type, self.doc_number = d.no_document, d.doc_type, d.doc_number
        self.issuing_state, self.issuing_hint, self.expiry, self.mrz_view = (
            d.issuing_state, d.issuing_hint, d.expiry, d.mrz_view)
        self.no_document.toggled.connect(self._no_document_toggled)
        self.doc_number.editingFinished.connect(self._check_seen_manual)
        self.traveller_group = p = TravellerGroup(self)
        self.surname, self.given_names, self.sex = p.surname, p.given_names, p.sex
        self.birth_date, self.birth_approx = p.birth_date, p.birth_approx
        self.nationality, self.nationality_hint = p.nationality, p.nationality_hint
        self.crossing_group = c = CrossingGroup(self)
        self.direction, self.transport, self.origin = c.direction, c.transport, c.origin
        self.destination, self.reason, self.group_size = c.destination, c.reason, c.group_size
        grid = QGridLayout()
        grid.setSpacing(4)
        grid.addWidget(d, 0, 0)
        grid.addWidget(p, 0, 1)
        grid.addWidget(c, 1, 0, 1, 2)
        outer.addLayout(grid)

        self.form_notice = Notice(self)
        self.form_notice.setObjectName("formNotice")
        outer.addWidget(self.form_notice)
        outer.addLayout(self._buttons())
        outer.addStretch(1)

        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self.print_last)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.new_registration)
        for line in (self.doc_number, self.expiry, self.surname, self.given_names, self.birth_date,
                     self.origin, self.destination):
            line.returnPressed.connect(self.focusNextChild)
            line.textEdited.connect(self._form_touched)
        self.scan.textChanged.connect(self._form_touched)
        self.no_document.toggled.connect(self._form_touched)
        for box in (self.issuing_state, self.nationality):
            box.lineEdit().textEdited.connect(self._form_touched)
        self.setTabOrder(self.scan, self.no_document)

    def _buttons(self) -> QHBoxLayout:
        self.new_button = QPushButton(self)
        self.new_button.setObjectName("newButton")
        self.bind(self.new_button.setText, N_("New (Esc)"))
        self.new_button.clicked.connect(self.new_registration)
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        self.bind(self.save_button.setText, N_("Save (Ctrl+S)"))
        self.save_button.clicked.connect(self.save)
        self.print_button = QPushButton(self)
        self.print_button.setObjectName("printSlipButton")
        self.print_button.clicked.connect(self.print_last)
        self.print_button.setVisible(allowed(self.actor.role, Permission.PRINT_SLIP))
        self.print_button.setEnabled(False)
        self._update_print_button()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.save_button)
        return buttons

    def _form_touched(self, *_args) -> None:
        """The next traveller is being typed or scanned: the last "Saved: ..." goes."""
        if self.form_notice.property("kind") == "ok":
            self.form_notice.hide()
            self.form_notice.setProperty("kind", None)

    # -- focus ---------------------------------------------------------------------
    def _focus_changed(self, _old, new) -> None:
        if new is None or not isinstance(new, QWidget):
            return
        try:
            if new.window() is not self.window():
                return
        except RuntimeError:
            return
        self.router.watch(new)
        if self.isAncestorOf(new):
            self._last_focus = new

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.router.watch(self.window())
        QTimer.singleShot(0, self._focus_on_show)

    def _focus_on_show(self) -> None:
        """The screen opens (after sign-in, or when its tab comes back): the scan field takes
        the focus, unless a form in progress had it elsewhere."""
        try:
            if not self.isVisible():
                return
        except RuntimeError:
            return
        focus = QApplication.focusWidget()
        if focus is not None and self.isAncestorOf(focus) and focus is not self.scan and is_text_input(focus):
            return
        last = self._last_focus
        if self.form_in_progress() and last is not None and last is not self.scan and is_text_input(last):
            try:
                last.setFocus(Qt.FocusReason.OtherFocusReason)
                return
            except RuntimeError:
                pass
        self.scan.setFocus(Qt.FocusReason.OtherFocusReason)

    def on_retranslate(self) -> None:
        if self._editing is not None:
            self._show_edit_notice()
        self._update_print_button()
        self._retranslate_scan_messages()

    def _retranslate_scan_messages(self) -> None:
        """The scan's messages are shown again in the new language (the screen keeps what they
        say: the MRZ's reading, the text that failed to read, the earlier crossings, the code)."""
        if not self.mrz_notice.isHidden():
            if self._mrz_error_text is not None:
                try:
                    parse_mrz(self._mrz_error_text)
                except UserFacingError as exc:
                    self.mrz_notice.show_message(exc.message, "error")
            elif isinstance(self._mrz, MrzResult):
                self._show_mrz(self._mrz)
        if not self.seen_notice.isHidden() and self._seen is not None:
            self._show_seen(*self._seen)
        if not self.code_notice.isHidden() and self._code_shown is not None:
            self._show_code(*self._code_shown)

    PRINT_NAME_WIDTH = 220  # px: a longer name is cut with "…" on the button, in full in its tooltip

    def _update_print_button(self) -> None:
        """The button says whose attestation it prints (the last saved traveller, not the
        one in the form), so it is never ambiguous while the next traveller is typed."""
        reg = self.last_saved
        if reg is None:
            self.print_button.setText(_("Print the attestation (Ctrl+P)"))
            self.print_button.setToolTip("")
            return
        name = " ".join(x for x in (reg.person.surname, reg.person.given_names) if x) or "—"
        short = self.print_button.fontMetrics().elidedText(name, Qt.TextElideMode.ElideRight,
                                                           self.PRINT_NAME_WIDTH)
        text = _("Print the attestation of {name} (Ctrl+P)")
        self.print_button.setText(text.format(name=short).replace("&", "&&"))
        self.print_button.setToolTip(text.format(name=name))

    # -- state ---------------------------------------------------------------------
    def new_registration(self) -> None:
        self._editing = None
        self._mrz = None
        self._confirmed = (False, False)
        self.mode_notice.hide()
        self.scan_panel.clear()
        self.document_group.clear()
        self.traveller_group.clear()
        self.crossing_group.clear()
        self.form_notice.hide()
        self.save_button.setEnabled(True)
        self.scan.setFocus()

    def _no_document_toggled(self, on: bool) -> None:
        if on:
            self._mrz = None

    # -- MRZ -----------------------------------------------------------------------
    def apply_mrz_text(self, text: str) -> None:
        self.scan.reset()
        self.code_notice.hide()
        self._mrz_error_text = None
        try:
            result = parse_mrz(text)
        except UserFacingError as exc:
            self._mrz_error_text = text
            self.mrz_notice.show_message(exc.message, "error")
            self.scan.setFocus()
            return
        self.apply_mrz(result)

    def apply_mrz(self, result: MrzResult) -> None:
        self._mrz = result
        self._mrz_error_text = None
        self._confirmed = (False, False)  # a new document: ask again
        self.form_notice.hide()
        self.document_group.fill(result)
        self.traveller_group.fill(result)
        self._show_mrz(result)
        self._check_seen(result.document_number, result.issuing_state)
        self.direction.setFocus()

    def _show_mrz(self, result: MrzResult) -> None:
        """The MRZ's lines, check badges and messages (not the fields)."""
        self.mrz_view.setText(result.raw)
        self.scan_panel.show_mrz(result)

    # -- barcodes (certificates, other posts' slips, ID-card codes) ------------------
    def apply_barcode_text(self, text: str) -> None:
        """Interpret a scanned code off the GUI thread and show what it says, and whether its
        signature is genuine (slips of other posts, health certificates)."""
        self.scan.reset()
        profile = getattr(self.db, "profile", None)

        def work():
            return read_scanned_code(self.db, profile, text)

        def show(result) -> None:
            self._show_code(result, text)
            self.scan.setFocus()

        Op(work, parent=self, resource="scan").success(show).run()

    def _show_code(self, result, text: str) -> None:
        self._code_shown = (result, text)
        lines = result.summary_lines()
        if result.kind == "unknown":
            kind = "info"
        elif result.genuine_and_valid:
            kind = "ok"
        elif result.signature == "unknown_key" and not result.malformed:
            kind = "warning"
        else:
            kind = "error"
        self.code_notice.show_message("\n".join(lines) or text[:200], kind)

    # -- already seen --------------------------------------------------------------
    def _check_seen_manual(self) -> None:
        if self._mrz is None and self.doc_number.text().strip():
            self._check_seen(self.doc_number.text().strip().upper(), self.issuing_state.value())

    def _check_seen(self, number: str | None, state: str | None) -> None:
        self.seen_notice.hide()
        self._seen = None
        if not number:
            return
        editing = self._editing.crossing_id if self._editing else None
        name = (self.surname.text(), self.given_names.text())  # the name read from the document (or typed)

        def show(earlier):
            earlier = [e for e in earlier if e.crossing_id != editing]
            if earlier:
                self._show_seen(earlier, name)

        Op(lambda: RegistrationService(self.db, self.actor).find_document(number, state), parent=self) \
            .success(show).failure(lambda exc: None).run()

    def _show_seen(self, earlier: list, name: tuple[str, str]) -> None:
        """"Already seen", and, when the document was registered before under another name than
        the one it reads now, says so first (a document used by someone else?)."""
        self._seen = (earlier, name)
        lines = [ngettext("Document already seen: {n} earlier crossing.",
                          "Document already seen: {n} earlier crossings.", len(earlier)).format(n=len(earlier))]
        others = other_names(earlier, *name)
        if others:
            lines.insert(0, _("Registered before under another name: {names}. Check that the document "
                              "belongs to this traveller.").format(names=", ".join(others[:3])))
        for e in earlier[:5]:
            line = "  • {when} — {direction} — {post}".format(
                when=format_datetime(e.crossed_at), direction=e.direction.label, post=e.post_name)
            if e.voided:
                line += " (" + _("voided") + ")"
            lines.append(line)
        self.seen_notice.show_message("\n".join(lines), "error" if others else "warning")

    # -- edit ----------------------------------------------------------------------
    def load_registration(self, reg: Registration) -> None:
        self.new_registration()
        self._editing = reg
        self.document_group.load(reg.document)
        if reg.document is not None and reg.document.mrz_raw:
            self._mrz = reg.document
        self._confirmed = (reg.confirmed_invalid, reg.confirmed_expired)
        self._show_confirmed_marks(reg)
        self.traveller_group.load(reg.person)
        self.crossing_group.load(reg.crossing)
        self._show_edit_notice()
        self.surname.setFocus()

    def _show_edit_notice(self) -> None:
        reg = self._editing
        self.mode_notice.show_message(
            _("Editing the registration of {when}. Save to keep the changes, Esc to cancel.").format(
                when=format_datetime(reg.crossing.crossed_at)), "info")
        self._show_confirmed_marks(reg)

    def _show_confirmed_marks(self, reg: Registration) -> None:
        """A stored record saved with an invalid or expired document says so."""
        if reg.confirmed_invalid:
            self.mrz_notice.show_message(confirmed_mark_text(True, False), "warning")
        if reg.confirmed_expired:
            self.expired_notice.show_message(confirmed_mark_text(False, True), "warning")

    # -- save ----------------------------------------------------------------------
    def draft(self) -> RegistrationDraft:
        """The form as a draft; raises a translated error naming the faulty field."""
        editing = self._editing
        declared = self.no_document.isChecked()
        person = self.traveller_group.person(declared=declared, person_id=editing.person.id if editing else None)
        document = None
        if not declared:
            document = self.document_group.document(
                self._mrz, editing.document.id if editing and editing.document else None)
        crossing = self.crossing_group.crossing(editing.crossing.crossed_at if editing else utcnow(),
                                                editing.crossing_id if editing else None)
        return RegistrationDraft(person=person, crossing=crossing, document=document,
                                 confirmed_invalid=self._confirmed[0], confirmed_expired=self._confirmed[1])

    def save(self) -> None:
        if not self.save_button.isEnabled() or self._confirm_box is not None:
            return
        try:
            draft = self.draft()
        except UserFacingError as exc:
            self.form_notice.show_message(exc.message, "error")
            return
        problems = document_problems(draft.document, draft.crossing.crossed_at)
        invalid = problems.invalid and not draft.confirmed_invalid
        expired = problems.expired and not draft.confirmed_expired
        if invalid or expired:
            self.ask_confirmation(draft, invalid=invalid, expired=expired)
            return
        self._submit(draft)

    def ask_confirmation(self, draft: RegistrationDraft, *, invalid: bool, expired: bool) -> None:
        """Ask the official to confirm a document whose check digits fail or that has
        expired: Enter saves anyway (the default button), Escape goes back to the form."""
        box, save = confirm_document_box(self, invalid=invalid, expired=expired,
                                         expiry=draft.document.expiry_date if draft.document else None)
        self._confirm_box = box

        def done(_result: int) -> None:
            self._confirm_box = None
            confirmed = box.clickedButton() is save
            box.deleteLater()
            if not confirmed:
                self.form_notice.show_message(_("Not saved: the document was not confirmed."), "warning")
                return
            self._confirmed = (self._confirmed[0] or invalid, self._confirmed[1] or expired)
            self._submit(replace(draft, confirmed_invalid=draft.confirmed_invalid or invalid,
                                 confirmed_expired=draft.confirmed_expired or expired))

        box.finished.connect(done)
        box.open()

    def _submit(self, draft: RegistrationDraft) -> None:
        service = RegistrationService(self.db, self.actor)
        editing = self._editing
        body = (lambda: service.update(editing.crossing_id, draft)) if editing else (lambda: service.register(draft))
        self.save_button.setEnabled(False)

        def failed(exc):
            self.save_button.setEnabled(True)
            if isinstance(exc, ConfirmationRequired):
                self.ask_confirmation(draft, invalid=exc.invalid, expired=exc.expired)
            else:
                report_failure(self, exc, self.form_notice)

        Op(body, parent=self).success(self._saved).failure(failed).run()

    def _saved(self, reg: Registration) -> None:
        name = " ".join(x for x in (reg.person.surname, reg.person.given_names) if x)
        self.new_registration()
        self.last_saved = reg
        self.print_button.setEnabled(True)
        self._update_print_button()
        self.form_notice.show_message(_("Saved: {name}.").format(name=name), "ok")
        self.saved.emit(reg)

    # -- print ---------------------------------------------------------------------
    def print_last(self) -> None:
        """Print the registration attestation of the last saved traveller (preview first)."""
        reg = self.last_saved
        if reg is None or not allowed(self.actor.role, Permission.PRINT_SLIP):
            return
        self.print_button.setEnabled(False)
        print_slip(self, self.db, self.actor, reg.crossing_id, "registration", reprint=None,
                   on_failure=lambda exc: report_failure(self, exc, self.form_notice)) \
            .finally_(lambda: self.print_button.setEnabled(self.last_saved is not None))
