"""The registration screen: scan (or type) an MRZ, check, complete the crossing, save.

Keyboard-first: the scan field has the focus; a passport reader's burst fills the form
and moves the focus to the crossing; Ctrl+S saves; Escape starts a new registration.
Travellers without documents: tick "No document" and type the declared identity.
"""

from __future__ import annotations


from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
    QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from border_app.clock import post_time, utcnow
from border_app.errors import UserFacingError
from border_app.i18n import N_, _
from border_app.roles import Permission, allowed
from border_app.model import (
    DOCUMENT_TYPE_LABELS, REASON_LABELS, TRANSPORT_LABELS, CrossingData, Direction, DocumentData,
    DocumentType, PersonData, Registration, RegistrationDraft,
    check_partial_date,
)

from .fields import ChoiceBox, CountryBox, ScanField, monospace_font, parse_iso_date
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
MRZ_LENGTHS = {(3, 30), (2, 36), (2, 44)}
DOC_TYPE_BY_CODE = {"P": DocumentType.PASSPORT, "I": DocumentType.ID_CARD, "A": DocumentType.ID_CARD,
                    "C": DocumentType.ID_CARD, "V": DocumentType.VISA}


def mrz_looks_complete(text: str) -> bool:
    from border_app.mrz import normalise

    try:
        lines = normalise(text)
    except Exception:  # noqa: BLE001 - anything unusable is simply "not yet"
        return False
    return bool(lines) and (len(lines), len(lines[0])) in MRZ_LENGTHS and len({len(x) for x in lines}) == 1


class RegistrationScreen(QWidget, Retranslatable):
    saved = Signal(object)  # Registration

    def __init__(self, db, actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("registrationScreen")
        self._editing: Registration | None = None
        self.last_saved: Registration | None = None  # what Ctrl+P prints
        self._mrz: dict | None = None
        self._build()
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
        self.issuing_state = CountryBox(doc_box)
        self.issuing_state.setObjectName("issuingState")
        self.expiry = QLineEdit(doc_box)
        self.expiry.setObjectName("expiryDate")
        self.expiry.setPlaceholderText("AAAA-MM-JJ")
        doc.addRow(self._label(N_("Type")), self.doc_type)
        doc.addRow(self._label(N_("Number")), self.doc_number)
        doc.addRow(self._label(N_("Issuing state")), self.issuing_state)
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
        self.bind(self.birth_date.setPlaceholderText, N_("YYYY-MM-DD, YYYY-MM or YYYY"))
        self.birth_approx = QCheckBox(person_box)
        self.birth_approx.setObjectName("birthApprox")
        self.bind(self.birth_approx.setText, N_("approximate (\"about 1985\")"))
        birth_row = QHBoxLayout()
        birth_row.addWidget(self.birth_date, 1)
        birth_row.addWidget(self.birth_approx)
        self.nationality = CountryBox(person_box)
        self.nationality.setObjectName("nationality")
        person.addRow(self._label(N_("Surname")), self.surname)
        person.addRow(self._label(N_("Given names")), self.given_names)
        person.addRow(self._label(N_("Sex")), self.sex)
        person.addRow(self._label(N_("Birth date")), birth_row)
        person.addRow(self._label(N_("Nationality")), self.nationality)
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
        self.setTabOrder(self.scan, self.no_document)

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
        from border_app.mrz import parse

        self.scan.reset()
        self.code_notice.hide()
        try:
            result = parse(text)
        except UserFacingError as exc:
            self.mrz_notice.show_message(exc.message, "error")
            self.scan.setFocus()
            return
        self.apply_mrz(result.to_json())

    def apply_mrz(self, info: dict) -> None:
        self._mrz = info
        self.form_notice.hide()
        self._set_badges(info.get("checks", {}))
        self.no_document.setChecked(False)
        code = (info.get("document_code") or "P")[:1]
        self.doc_type.set_value(DOC_TYPE_BY_CODE.get(code, DocumentType.OTHER))
        self.doc_number.setText(info.get("document_number") or "")
        self.issuing_state.set_value(info.get("issuing_state"))
        self.expiry.setText(info.get("expiry_date") or "")
        self.surname.setText(info.get("surname") or "")
        self.given_names.setText(info.get("given_names") or "")
        self.sex.set_value(info.get("sex") if info.get("sex") in ("M", "F", "X") else None)
        self.birth_date.setText(info.get("birth_date") or "")
        self.birth_approx.setChecked(False)
        self.nationality.set_value(info.get("nationality"))
        self.mrz_view.setText("\n".join(info.get("lines", [])))

        messages = list(info.get("errors") or [])
        if info.get("corrections"):
            messages.append(_("{n} OCR confusion(s) corrected, proven by the check digits.").format(n=len(info["corrections"])))
        if info.get("valid") and not info.get("errors"):
            kind = "info" if info.get("corrections") else "ok"
            self.mrz_notice.show_message("\n".join(messages) if messages else _("MRZ read: all check digits pass."), kind)
        else:
            self.mrz_notice.show_message(
                "\n".join([_("The MRZ is not valid: check the document and correct the fields by hand.")] + messages), "error")
        if info.get("expired"):
            self.expired_notice.show_message(
                _("This document expired on {date}.").format(date=info.get("expiry_date")), "warning")
        else:
            self.expired_notice.hide()
        self._check_seen(info.get("document_number"), info.get("issuing_state"))
        self.direction.setFocus()

    # -- barcodes (certificates, other posts' slips, ID-card codes) ------------------
    def apply_barcode_text(self, text: str) -> None:
        """Interpret a scanned code off the GUI thread and show what it says, and whether its
        signature is genuine (slips of other posts, health certificates)."""
        from border_app.certificates import interpret
        from border_app.trust import load_post_trust

        self.scan.reset()
        profile = getattr(self.db, "profile", None)

        def work():
            from border_app.trust import TrustList

            trust = load_post_trust(profile) if profile is not None else TrustList()
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
                local = post_time(e.crossed_at)
                line = "  • {when} — {direction} — {post}".format(
                    when=local.strftime("%Y-%m-%d %H:%M"), direction=e.direction.label, post=e.post_name)
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
            self.expiry.setText(d.expiry_date.isoformat() if d.expiry_date else "")
            self.mrz_view.setText(d.mrz_raw or "")
            if d.mrz_raw:
                self._mrz = {"lines": d.mrz_raw.splitlines(), "document_code": d.document_code,
                             "format": d.mrz_format, "valid": d.mrz_valid}
        self.surname.setText(p.surname)
        self.given_names.setText(p.given_names)
        self.sex.set_value(p.sex)
        self.birth_date.setText(p.birth_date or "")
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
        local = post_time(reg.crossing.crossed_at)
        self.mode_notice.show_message(
            _("Editing the registration of {when}. Save to keep the changes, Esc to cancel.").format(
                when=local.strftime("%Y-%m-%d %H:%M")), "info")

    # -- save ----------------------------------------------------------------------
    def draft(self) -> RegistrationDraft:
        """The form as a draft; raises a translated error naming the faulty field."""
        from border_app.errors import InvalidInput

        try:
            birth = check_partial_date(self.birth_date.text().strip() or None)
        except ValueError:
            raise InvalidInput(_("Birth date: write YYYY-MM-DD, YYYY-MM or YYYY (for example 1985-03-12 or 1985)."))
        declared = self.no_document.isChecked()
        person = PersonData(
            surname=self.surname.text().strip().upper(),
            given_names=self.given_names.text().strip().upper(),
            sex=self.sex.value(),
            birth_date=birth,
            birth_date_approximate=self.birth_approx.isChecked(),
            nationality=self.nationality.value(),
            identity_declared=declared,
            id=self._editing.person.id if self._editing else None,
        )
        document = None
        if not declared:
            try:
                expiry = parse_iso_date(self.expiry.text())
            except ValueError:
                raise InvalidInput(_("Expiry date: write YYYY-MM-DD (for example 2031-06-30)."))
            number = self.doc_number.text().strip().upper().replace(" ", "")
            if not number:
                raise InvalidInput(_("Document number: required (or tick \"No document\")."))
            mrz = self._mrz or {}
            document = DocumentData(
                doc_type=self.doc_type.value(), number=number, issuing_state=self.issuing_state.value(),
                expiry_date=expiry, document_code=mrz.get("document_code"), mrz_format=mrz.get("format"),
                mrz_raw="\n".join(mrz["lines"]) if mrz.get("lines") else None,
                mrz_valid=mrz.get("valid"),
                id=self._editing.document.id if self._editing and self._editing.document else None,
            )
        crossed_at = self._editing.crossing.crossed_at if self._editing else utcnow()
        crossing = CrossingData(
            direction=self.direction.value(), crossed_at=crossed_at, transport_mode=self.transport.value(),
            origin=self.origin.text().strip() or None, destination=self.destination.text().strip() or None,
            reason=self.reason.value(), group_size=self.group_size.value(),
            id=self._editing.crossing_id if self._editing else None,
        )
        return RegistrationDraft(person=person, crossing=crossing, document=document)

    def save(self) -> None:
        if not self.save_button.isEnabled():
            return
        try:
            draft = self.draft()
        except UserFacingError as exc:
            self.form_notice.show_message(exc.message, "error")
            return
        from db.services import RegistrationService

        service = RegistrationService(self.db, self.actor)
        editing = self._editing
        body = (lambda: service.update(editing.crossing_id, draft)) if editing else (lambda: service.register(draft))
        self.save_button.setEnabled(False)

        def failed(exc):
            self.save_button.setEnabled(True)
            if isinstance(exc, UserFacingError):
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
