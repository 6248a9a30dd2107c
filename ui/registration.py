"""The registration screen: scan (or type) an MRZ, check, complete the crossing, save.

Keyboard-first: the scan field has the focus (when the screen opens, after sign-in, when
the tab comes back); a passport reader's burst fills the form and moves the focus to the
crossing; a burst that arrives while a button, a list or nothing has the focus goes to the
scan field all the same (:class:`WedgeRouter`). Ctrl+S saves; Escape starts a new
registration. A document whose check digits fail or that has expired is saved only once
the official confirmed it (Enter: "Save anyway", Esc: back). Travellers without documents:
tick "No document" and type the declared identity; a birth date may be a year or an age
("40": about 40 years old). Dates are typed and shown DD/MM/YYYY (ISO accepted).
"""

from __future__ import annotations


from dataclasses import dataclass, field, replace

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractSpinBox, QApplication, QCheckBox, QComboBox, QFormLayout, QGridLayout, QGroupBox,
    QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QPushButton, QSpinBox, QTextEdit,
    QVBoxLayout, QWidget,
)

from border_app.clock import post_today, utcnow
from border_app.dates import (
    DATE_PLACEHOLDER, PARTIAL_DATE_PLACEHOLDER, format_date, format_datetime, parse_date,
    parse_partial_date,
)
from border_app.errors import UserFacingError
from border_app.i18n import N_, _
from border_app.roles import Permission, allowed
from border_app.model import (
    DOCUMENT_TYPE_LABELS, REASON_LABELS, TRANSPORT_LABELS, CrossingData, Direction, DocumentData,
    DocumentType, PersonData, Registration, RegistrationDraft,
    birth_year_from_age, check_partial_date, parse_age,
)
from border_app.mrz import MrzResult
from border_app.mrz import normalise as normalise_mrz
from border_app.mrz import parse as parse_mrz
from border_app.mrz.layouts import SHAPES

from .fields import ChoiceBox, CountryBox, ScanField, monospace_font
from .i18n import Retranslatable
from .ops import Op
from .widgets import CheckBadge, Notice

CHECK_NAMES = (
    ("document_number", N_("Document no.")),
    ("birth_date", N_("Birth date")),
    ("expiry_date", N_("Expiry date")),
    ("optional_data", N_("Optional data")),
    ("composite", N_("Composite")),
)


def mrz_looks_complete(text: str) -> bool:
    try:
        lines = normalise_mrz(text)
    except Exception:  # noqa: BLE001 - anything unusable is simply "not yet"
        return False
    return bool(lines) and (len(lines), len(lines[0])) in SHAPES and len({len(x) for x in lines}) == 1


def confirmed_mark_text(invalid: bool, expired: bool) -> str:
    """What a record saved with a confirmed invalid or expired document says about it."""
    parts = []
    if invalid:
        parts.append(_("Saved with an MRZ whose check digits fail, as confirmed by the official."))
    if expired:
        parts.append(_("Saved with an expired document, as confirmed by the official."))
    return " ".join(parts)


def _is_text_input(widget) -> bool:
    """A field where typed characters are text (left alone by the wedge router)."""
    if isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)):
        return not widget.isReadOnly()
    if isinstance(widget, QAbstractSpinBox):
        return not widget.isReadOnly()
    return isinstance(widget, QComboBox) and widget.isEditable()


class WedgeRouter(QObject):
    """Sends to the scan field the keys a passport reader or a barcode scanner types while
    the focus is on no text field of the registration screen's window (a button, a check
    box, a list, the tab bar, nothing): the reader's burst is never lost.

    Printable keys move the focus to the scan field and go there; Enter and Space too while
    a burst is going on (a key reached the scan field less than 150 ms before). On a
    non-editable combo box a lone key still selects an entry as usual ("S" for "Sortie"):
    the key is held for ``HOLD_MS`` and goes to the scan field only if another follows
    that fast (no person types two keys 40 ms apart on a combo box)."""

    HOLD_MS = 40

    def __init__(self, screen: "RegistrationScreen"):
        super().__init__(screen)
        self.screen = screen
        self._held: tuple[QObject, QKeyEvent] | None = None
        self._replaying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.HOLD_MS)
        self._timer.timeout.connect(self._release)

    def watch(self, widget: QObject | None) -> None:
        if widget is not None and not _is_text_input(widget):
            widget.installEventFilter(self)

    def _applies(self, obj) -> bool:
        screen = self.screen
        if not isinstance(obj, QWidget) or obj is screen.scan or _is_text_input(obj):
            return False
        if not screen.isVisible() or obj.window() is not screen.window():
            return False
        return QApplication.activePopupWidget() is None and QApplication.activeModalWidget() is None

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if self._replaying or event.type() != QEvent.Type.KeyPress or not self._applies(obj):
            return False
        if event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                                | Qt.KeyboardModifier.MetaModifier):
            return False
        scan = self.screen.scan
        burst = scan.recently_typed() or self._held is not None
        text = event.text()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) or text == " ":
            if not burst:
                return False
        elif not text or not text.isprintable():
            return False
        key = QKeyEvent(QEvent.Type.KeyPress, event.key(), event.modifiers(), text, event.isAutoRepeat(),
                        event.count())
        if isinstance(obj, QComboBox) and not burst:
            self._held = (obj, key)
            self._timer.start()
            return True
        self._timer.stop()
        held, self._held = self._held, None
        scan.setFocus(Qt.FocusReason.OtherFocusReason)
        if held is not None:
            QApplication.sendEvent(scan, held[1])
        QApplication.sendEvent(scan, key)
        return True

    def _release(self) -> None:
        """A lone key on a combo box: it was the person's, give it back."""
        held, self._held = self._held, None
        if held is None:
            return
        target, key = held
        self._replaying = True
        try:
            QApplication.sendEvent(target, key)
        except RuntimeError:  # the combo box is gone
            pass
        finally:
            self._replaying = False


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


class RegistrationScreen(QWidget, Retranslatable):
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
        self.router = WedgeRouter(self)
        self._build()
        for widget in self.findChildren(QWidget):
            if widget.focusPolicy() != Qt.FocusPolicy.NoFocus:
                self.router.watch(widget)
        self.router.watch(self)
        app = QApplication.instance()
        if app is not None:
            app.focusChanged.connect(self._focus_changed)
        self.new_registration()

    # -- layout -------------------------------------------------------------------
    def _label(self, msgid: str) -> QLabel:
        label = QLabel(self)
        self.bind(label.setText, msgid)
        return label

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.mode_notice = Notice(self)
        self.mode_notice.setObjectName("modeNotice")
        outer.addWidget(self.mode_notice)

        scan_box = QGroupBox(self)
        self.bind(scan_box.setTitle, N_("1. Scan the document (or type its MRZ, then Ctrl+Enter)"))
        scan_layout = QVBoxLayout(scan_box)
        self.scan = ScanField(scan_box, looks_complete=mrz_looks_complete)
        self.scan.setObjectName("scanField")
        self.scan.scanned.connect(self.apply_mrz_text)
        self.scan.barcodeScanned.connect(self.apply_barcode_text)
        scan_layout.addWidget(self.scan)
        checks = QHBoxLayout()
        self.badges: dict[str, CheckBadge] = {}
        for key, _msgid in CHECK_NAMES:
            badge = CheckBadge(scan_box)
            badge.setObjectName(f"check_{key}")
            self.badges[key] = badge
            checks.addWidget(badge)
        checks.addStretch(1)
        scan_layout.addLayout(checks)
        self.mrz_notice = Notice(scan_box)
        self.mrz_notice.setObjectName("mrzNotice")
        scan_layout.addWidget(self.mrz_notice)
        self.code_notice = Notice(scan_box)
        self.code_notice.setObjectName("codeNotice")
        scan_layout.addWidget(self.code_notice)
        self.expired_notice = Notice(scan_box)
        self.expired_notice.setObjectName("expiredNotice")
        scan_layout.addWidget(self.expired_notice)
        self.seen_notice = Notice(scan_box)
        self.seen_notice.setObjectName("seenNotice")
        scan_layout.addWidget(self.seen_notice)
        outer.addWidget(scan_box)

        grid = QGridLayout()
        outer.addLayout(grid)

        # document
        doc_box = QGroupBox(self)
        self.bind(doc_box.setTitle, N_("2. Document"))
        doc = QFormLayout(doc_box)
        self.no_document = QCheckBox(doc_box)
        self.no_document.setObjectName("noDocument")
        self.bind(self.no_document.setText, N_("No document: identity as declared"))
        self.no_document.toggled.connect(self._no_document_toggled)
        doc.addRow(self.no_document)
        self.doc_type = ChoiceBox(list(DOCUMENT_TYPE_LABELS.items()), doc_box)
        self.doc_type.setObjectName("docType")
        self.doc_number = QLineEdit(doc_box)
        self.doc_number.setObjectName("docNumber")
        self.doc_number.editingFinished.connect(self._check_seen_manual)
        self.issuing_state = CountryBox(doc_box, field=N_("Issuing state"))
        self.issuing_state.setObjectName("issuingState")
        self.issuing_hint = self._country_hint(doc_box, "issuingStateHint")
        self.issuing_state.checked.connect(lambda: self._check_country(self.issuing_state, self.issuing_hint))
        self.expiry = QLineEdit(doc_box)
        self.expiry.setObjectName("expiryDate")
        self.bind(self.expiry.setPlaceholderText, DATE_PLACEHOLDER)
        doc.addRow(self._label(N_("Type")), self.doc_type)
        doc.addRow(self._label(N_("Number")), self.doc_number)
        doc.addRow(self._label(N_("Issuing state")), self.issuing_state)
        doc.addRow(self.issuing_hint)
        doc.addRow(self._label(N_("Expiry date")), self.expiry)
        self.mrz_view = QLabel(doc_box)
        self.mrz_view.setObjectName("mrzView")
        self.mrz_view.setFont(monospace_font())
        self.mrz_view.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        doc.addRow(self.mrz_view)
        grid.addWidget(doc_box, 0, 0)

        # person
        person_box = QGroupBox(self)
        self.bind(person_box.setTitle, N_("3. Traveller"))
        person = QFormLayout(person_box)
        self.surname = QLineEdit(person_box)
        self.surname.setObjectName("surname")
        self.given_names = QLineEdit(person_box)
        self.given_names.setObjectName("givenNames")
        self.sex = ChoiceBox([("F", N_("Female")), ("M", N_("Male")), ("X", N_("Unspecified (X)"))], person_box, blank=N_("Unknown"))
        self.sex.setObjectName("sex")
        self.birth_date = QLineEdit(person_box)
        self.birth_date.setObjectName("birthDate")
        self.bind(self.birth_date.setPlaceholderText, PARTIAL_DATE_PLACEHOLDER)
        self.bind(self.birth_date.setToolTip, N_("The date of birth (DD/MM/YYYY, MM/YYYY or YYYY), or only "
                                                 "the age in years (for example 40): it is kept as an "
                                                 "approximate year of birth."))
        self.birth_date.editingFinished.connect(self._birth_typed)
        self.birth_approx = QCheckBox(person_box)
        self.birth_approx.setObjectName("birthApprox")
        self.bind(self.birth_approx.setText, N_("approximate (\"about 1985\")"))
        birth_row = QHBoxLayout()
        birth_row.addWidget(self.birth_date, 1)
        birth_row.addWidget(self.birth_approx)
        self.nationality = CountryBox(person_box, field=N_("Nationality"))
        self.nationality.setObjectName("nationality")
        self.nationality_hint = self._country_hint(person_box, "nationalityHint")
        self.nationality.checked.connect(lambda: self._check_country(self.nationality, self.nationality_hint))
        person.addRow(self._label(N_("Surname")), self.surname)
        person.addRow(self._label(N_("Given names")), self.given_names)
        person.addRow(self._label(N_("Sex")), self.sex)
        person.addRow(self._label(N_("Birth date")), birth_row)
        person.addRow(self._label(N_("Nationality")), self.nationality)
        person.addRow(self.nationality_hint)
        grid.addWidget(person_box, 0, 1)

        # crossing
        crossing_box = QGroupBox(self)
        self.bind(crossing_box.setTitle, N_("4. Crossing"))
        crossing = QFormLayout(crossing_box)
        self.direction = ChoiceBox([(Direction.ENTRY, N_("Entry")), (Direction.EXIT, N_("Exit"))], crossing_box)
        self.direction.setObjectName("direction")
        self.transport = ChoiceBox(list(TRANSPORT_LABELS.items()), crossing_box, blank=N_("— not given —"))
        self.transport.setObjectName("transport")
        self.origin = QLineEdit(crossing_box)
        self.origin.setObjectName("origin")
        self.destination = QLineEdit(crossing_box)
        self.destination.setObjectName("destination")
        self.reason = ChoiceBox(list(REASON_LABELS.items()), crossing_box, blank=N_("— not given —"))
        self.reason.setObjectName("reason")
        self.group_size = QSpinBox(crossing_box)
        self.group_size.setObjectName("groupSize")
        self.group_size.setRange(1, 500)
        crossing.addRow(self._label(N_("Direction")), self.direction)
        crossing.addRow(self._label(N_("Transport")), self.transport)
        crossing.addRow(self._label(N_("Coming from")), self.origin)
        crossing.addRow(self._label(N_("Going to")), self.destination)
        crossing.addRow(self._label(N_("Reason of travel")), self.reason)
        crossing.addRow(self._label(N_("Group size (with the traveller)")), self.group_size)
        grid.addWidget(crossing_box, 1, 0, 1, 2)

        self.form_notice = Notice(self)
        self.form_notice.setObjectName("formNotice")
        outer.addWidget(self.form_notice)
        buttons = QHBoxLayout()
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
        self.bind(self.print_button.setText, N_("Print the attestation (Ctrl+P)"))
        self.print_button.clicked.connect(self.print_last)
        self.print_button.setVisible(allowed(self.actor.role, Permission.PRINT_SLIP))
        self.print_button.setEnabled(False)
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)
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

    def _country_hint(self, parent: QWidget, name: str) -> QLabel:
        """A short message under a country field when the text names no one country."""
        hint = QLabel(parent)
        hint.setObjectName(name)
        hint.setWordWrap(True)
        hint.setStyleSheet("color:#b71c1c;")
        hint.hide()
        return hint

    def _check_country(self, box: CountryBox, hint: QLabel) -> None:
        problem = box.problem()
        hint.setText(problem or "")
        hint.setToolTip(problem or "")
        hint.setVisible(bool(problem))

    def _form_touched(self, *_args) -> None:
        """The next traveller is being typed or scanned: the last "Saved: ..." goes."""
        if self.form_notice.property("kind") == "ok":
            self.form_notice.hide()
            self.form_notice.setProperty("kind", None)

    def _birth_typed(self) -> None:
        """An age typed where the birth date goes ("40") becomes an approximate year."""
        age = parse_age(self.birth_date.text())
        if age is not None:
            self.birth_date.setText(birth_year_from_age(age, post_today()))
            self.birth_approx.setChecked(True)

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
        if focus is not None and self.isAncestorOf(focus) and focus is not self.scan and _is_text_input(focus):
            return
        last = self._last_focus
        if self.form_in_progress() and last is not None and last is not self.scan and _is_text_input(last):
            try:
                last.setFocus(Qt.FocusReason.OtherFocusReason)
                return
            except RuntimeError:
                pass
        self.scan.setFocus(Qt.FocusReason.OtherFocusReason)

    def on_retranslate(self) -> None:
        for key, msgid in CHECK_NAMES:
            badge = self.badges[key]
            badge.set_state(badge.property("ok"), _(msgid))
        if self._editing is not None:
            self._show_edit_notice()

    # -- state ---------------------------------------------------------------------
    def new_registration(self) -> None:
        self._editing = None
        self._mrz = None
        self._confirmed = (False, False)
        self.mode_notice.hide()
        self.scan.reset()
        for line in (self.doc_number, self.expiry, self.surname, self.given_names, self.birth_date,
                     self.origin, self.destination):
            line.clear()
        self.no_document.setChecked(False)
        self.doc_type.set_value(DocumentType.PASSPORT)
        self.issuing_state.set_value(None)
        self.nationality.set_value(None)
        self.sex.set_value(None)
        self.birth_approx.setChecked(False)
        self.transport.set_value(None)
        self.reason.set_value(None)
        self.group_size.setValue(1)
        self.mrz_view.clear()
        for notice in (self.mrz_notice, self.code_notice, self.expired_notice, self.seen_notice, self.form_notice):
            notice.hide()
        for hint in (self.issuing_hint, self.nationality_hint):
            hint.hide()
        self._set_badges({})
        self.save_button.setEnabled(True)
        self.scan.setFocus()

    def _set_badges(self, checks: dict) -> None:
        for key, msgid in CHECK_NAMES:
            self.badges[key].set_state(checks.get(key), _(msgid))
            self.badges[key].setVisible(key in checks or not checks)

    def _no_document_toggled(self, on: bool) -> None:
        for widget in (self.doc_type, self.doc_number, self.issuing_state, self.expiry):
            widget.setEnabled(not on)
        if on:
            self.birth_approx.setEnabled(True)
            self._mrz = None
            self.mrz_view.clear()

    # -- MRZ -----------------------------------------------------------------------
    def apply_mrz_text(self, text: str) -> None:
        self.scan.reset()
        self.code_notice.hide()
        try:
            result = parse_mrz(text)
        except UserFacingError as exc:
            self.mrz_notice.show_message(exc.message, "error")
            self.scan.setFocus()
            return
        self.apply_mrz(result)

    def apply_mrz(self, result: MrzResult) -> None:
        self._mrz = result
        self._confirmed = (False, False)  # a new document: ask again
        self.form_notice.hide()
        self.no_document.setChecked(False)
        self.doc_type.set_value(result.document_type)
        self.doc_number.setText(result.document_number or "")
        self.issuing_state.set_value(result.issuing_state)
        self.expiry.setText(format_date(result.expiry_date))
        self.surname.setText(result.surname or "")
        self.given_names.setText(result.given_names or "")
        self.sex.set_value(result.sex if result.sex in ("M", "F", "X") else None)
        self.birth_date.setText(format_date(result.birth_date))
        self.birth_approx.setChecked(False)
        self.nationality.set_value(result.nationality)
        self._show_mrz(result)
        self._check_seen(result.document_number, result.issuing_state)
        self.direction.setFocus()

    def _show_mrz(self, result: MrzResult) -> None:
        """The MRZ's lines, check badges and messages (not the fields)."""
        self._set_badges(result.checks)
        self.mrz_view.setText(result.raw)
        errors = result.errors
        messages = list(errors)
        if result.corrections:
            messages.append(_("{n} OCR confusion(s) corrected, proven by the check digits.").format(n=len(result.corrections)))
        if result.valid and not errors:
            kind = "info" if result.corrections else "ok"
            self.mrz_notice.show_message("\n".join(messages) if messages else _("MRZ read: all check digits pass."), kind)
        else:
            self.mrz_notice.show_message(
                "\n".join([_("The MRZ is not valid: check the document and correct the fields by hand.")] + messages), "error")
        if result.expired:
            self.expired_notice.show_message(
                _("This document expired on {date}.").format(date=format_date(result.expiry_date)), "warning")
        else:
            self.expired_notice.hide()

    # -- barcodes (certificates, other posts' slips, ID-card codes) ------------------
    def apply_barcode_text(self, text: str) -> None:
        """Interpret a scanned code off the GUI thread and show what it says, and whether its
        signature is genuine (slips of other posts, health certificates)."""
        from border_app.scanned_codes import interpret
        from border_app.trust import load_post_trust

        self.scan.reset()
        profile = getattr(self.db, "profile", None)

        def work():
            from border_app.trust import TrustList

            from .screening_screen import _local_post_name

            trust = load_post_trust(profile, post_name=_local_post_name(self.db)) if profile is not None else TrustList()
            return interpret(text, trust=trust, at=None)

        def show(result) -> None:
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
            self.scan.setFocus()

        Op(work, parent=self, resource="scan").success(show).run()

    # -- already seen --------------------------------------------------------------
    def _check_seen_manual(self) -> None:
        if self._mrz is None and self.doc_number.text().strip():
            self._check_seen(self.doc_number.text().strip().upper(), self.issuing_state.value())

    def _check_seen(self, number: str | None, state: str | None) -> None:
        self.seen_notice.hide()
        if not number:
            return
        from db.services import RegistrationService

        editing = self._editing.crossing_id if self._editing else None

        def show(earlier):
            earlier = [e for e in earlier if e.crossing_id != editing]
            if not earlier:
                return
            lines = [_("Document already seen: {n} earlier crossing(s).").format(n=len(earlier))]
            for e in earlier[:5]:
                line = "  • {when} — {direction} — {post}".format(
                    when=format_datetime(e.crossed_at), direction=e.direction.label, post=e.post_name)
                if e.voided:
                    line += " (" + _("voided") + ")"
                lines.append(line)
            self.seen_notice.show_message("\n".join(lines), "warning")

        Op(lambda: RegistrationService(self.db, self.actor).find_document(number, state), parent=self) \
            .success(show).failure(lambda exc: None).run()

    # -- edit ----------------------------------------------------------------------
    def load_registration(self, reg: Registration) -> None:
        self.new_registration()
        self._editing = reg
        p, d, c = reg.person, reg.document, reg.crossing
        self.no_document.setChecked(d is None)
        if d is not None:
            self.doc_type.set_value(d.doc_type)
            self.doc_number.setText(d.number)
            self.issuing_state.set_value(d.issuing_state)
            self.expiry.setText(format_date(d.expiry_date))
            self.mrz_view.setText(d.mrz_raw or "")
            if d.mrz_raw:
                self._mrz = d
        self._confirmed = (reg.confirmed_invalid, reg.confirmed_expired)
        self._show_confirmed_marks(reg)
        self.surname.setText(p.surname)
        self.given_names.setText(p.given_names)
        self.sex.set_value(p.sex)
        self.birth_date.setText(format_date(p.birth_date))
        self.birth_approx.setChecked(p.birth_date_approximate)
        self.nationality.set_value(p.nationality)
        self.direction.set_value(c.direction)
        self.transport.set_value(c.transport_mode)
        self.origin.setText(c.origin or "")
        self.destination.setText(c.destination or "")
        self.reason.set_value(c.reason)
        self.group_size.setValue(c.group_size)
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
        from border_app.errors import InvalidInput

        birth_text = self.birth_date.text().strip()
        approximate = self.birth_approx.isChecked()
        age = parse_age(birth_text)
        if age is not None:
            birth, approximate = birth_year_from_age(age, post_today()), True
        else:
            birth = parse_partial_date(birth_text) if birth_text else None
            if birth_text and birth is None:
                raise InvalidInput(_("Birth date: write DD/MM/YYYY, MM/YYYY or YYYY (for example 12/03/1985 or "
                                     "1985), or the age in years (for example 40)."))
            try:
                birth = check_partial_date(birth)
            except ValueError:
                raise InvalidInput(_("Birth date: write DD/MM/YYYY, MM/YYYY or YYYY (for example 12/03/1985 or "
                                     "1985), or the age in years (for example 40).")) from None
        declared = self.no_document.isChecked()
        boxes = [self.nationality] + ([] if declared else [self.issuing_state])
        for box in boxes:
            problem = box.problem()
            if problem:
                raise InvalidInput(problem)
        person = PersonData(
            surname=self.surname.text().strip().upper(),
            given_names=self.given_names.text().strip().upper(),
            sex=self.sex.value(),
            birth_date=birth,
            birth_date_approximate=approximate,
            nationality=self.nationality.value(),
            identity_declared=declared,
            id=self._editing.person.id if self._editing else None,
        )
        document = None
        if not declared:
            expiry_text = self.expiry.text().strip()
            expiry = parse_date(expiry_text) if expiry_text else None
            if expiry_text and expiry is None:
                raise InvalidInput(_("Expiry date: write DD/MM/YYYY (for example 30/06/2031)."))
            number = self.doc_number.text().strip().upper().replace(" ", "")
            if not number:
                raise InvalidInput(_("Document number: required (or tick \"No document\")."))
            code, fmt, raw, valid = self._mrz_facts()
            document = DocumentData(
                doc_type=self.doc_type.value(), number=number, issuing_state=self.issuing_state.value(),
                expiry_date=expiry, document_code=code, mrz_format=fmt, mrz_raw=raw, mrz_valid=valid,
                id=self._editing.document.id if self._editing and self._editing.document else None,
            )
        crossed_at = self._editing.crossing.crossed_at if self._editing else utcnow()
        crossing = CrossingData(
            direction=self.direction.value(), crossed_at=crossed_at, transport_mode=self.transport.value(),
            origin=self.origin.text().strip() or None, destination=self.destination.text().strip() or None,
            reason=self.reason.value(), group_size=self.group_size.value(),
            id=self._editing.crossing_id if self._editing else None,
        )
        return RegistrationDraft(person=person, crossing=crossing, document=document,
                                 confirmed_invalid=self._confirmed[0], confirmed_expired=self._confirmed[1])

    def _mrz_facts(self) -> tuple[str | None, str | None, str | None, bool | None]:
        """(document code, format, lines, valid) of the MRZ the document was read from."""
        m = self._mrz
        if isinstance(m, MrzResult):
            return m.document_code, m.format, m.raw, m.valid
        if m is not None:
            return m.document_code, m.mrz_format, m.mrz_raw or None, m.mrz_valid
        return None, None, None, None

    def save(self) -> None:
        if not self.save_button.isEnabled() or self._confirm_box is not None:
            return
        try:
            draft = self.draft()
        except UserFacingError as exc:
            self.form_notice.show_message(exc.message, "error")
            return
        from db.validation import document_problems

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
        lines = []
        if invalid:
            lines.append(_("The check digits of this document's MRZ fail: it may be misread, altered or forged."))
        if expired:
            expiry = draft.document.expiry_date if draft.document else None
            lines.append(_("This document expired on {date}.").format(date=format_date(expiry)))
        lines.append(_("Save this registration anyway? The record will show that you confirmed it."))
        box = QMessageBox(self)
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
        from db.services import RegistrationService
        from db.validation import ConfirmationRequired

        service = RegistrationService(self.db, self.actor)
        editing = self._editing
        body = (lambda: service.update(editing.crossing_id, draft)) if editing else (lambda: service.register(draft))
        self.save_button.setEnabled(False)

        def failed(exc):
            self.save_button.setEnabled(True)
            if isinstance(exc, ConfirmationRequired):
                self.ask_confirmation(draft, invalid=exc.invalid, expired=exc.expired)
            elif isinstance(exc, UserFacingError):
                self.form_notice.show_message(exc.message, "error")
            else:
                from .errors import show_error

                show_error(self, exc)

        Op(body, parent=self).success(self._saved).failure(failed).run()

    def _saved(self, reg: Registration) -> None:
        name = " ".join(x for x in (reg.person.surname, reg.person.given_names) if x)
        self.new_registration()
        self.last_saved = reg
        self.print_button.setEnabled(True)
        self.form_notice.show_message(_("Saved: {name}.").format(name=name), "ok")
        self.saved.emit(reg)

    # -- drafts (kept while the session is locked) ------------------------------------
    _LINES = ("scan", "doc_number", "expiry", "surname", "given_names", "birth_date", "origin", "destination")
    _CHOICES = ("doc_type", "sex", "direction", "transport", "reason")

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
        names = {getattr(self, n): n for n in self._LINES + self._CHOICES +
                 ("issuing_state", "nationality", "no_document", "birth_approx", "group_size")}
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

    # -- print ---------------------------------------------------------------------
    def print_last(self) -> None:
        """Print the registration attestation of the last saved traveller (preview first)."""
        reg = self.last_saved
        if reg is None or not allowed(self.actor.role, Permission.PRINT_SLIP):
            return
        from .print_dialogs import print_slip

        self.print_button.setEnabled(False)

        def failed(exc) -> None:
            if isinstance(exc, UserFacingError):
                self.form_notice.show_message(exc.message, "error")
            else:
                from .errors import show_error

                show_error(self, exc)

        print_slip(self, self.db, self.actor, reg.crossing_id, "registration", reprint=None, on_failure=failed) \
            .finally_(lambda: self.print_button.setEnabled(self.last_saved is not None))
