"""The registration screen's field groups: "2. Document", "3. Traveller", "4. Crossing".

Each group fills itself from an MRZ reading or a stored record, empties itself, and reads
its fields back as the domain's record (``document()``, ``person()``, ``crossing()``),
raising a translated :class:`~border_app.errors.InvalidInput` that names the faulty field."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QSpinBox, QWidget,
)

from border_app.clock import post_today
from border_app.dates import DATE_PLACEHOLDER, PARTIAL_DATE_PLACEHOLDER, format_date, parse_date, parse_partial_date
from border_app.errors import InvalidInput
from border_app.i18n import N_, _
from border_app.model import (
    DOCUMENT_TYPE_LABELS, REASON_LABELS, TRANSPORT_LABELS, CrossingData, Direction, DocumentData, DocumentType,
    PersonData, birth_year_from_age, check_partial_date, parse_age,
)
from border_app.mrz import MrzResult

from .fields import ChoiceBox, CountryBox, monospace_font
from .i18n import Retranslatable

MARGINS = (6, 4, 6, 4)  # compact groups: the whole form fits 1366x768 (issue #18, defect 2)
BIRTH_DATE_HELP = N_("Birth date: write DD/MM/YYYY, MM/YYYY or YYYY (for example 12/03/1985 or "
                     "1985), or the age in years (for example 40).")


class FieldGroup(QGroupBox, Retranslatable):
    """A titled group of labelled fields."""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.bind(self.setTitle, title)

    def label(self, msgid: str) -> QLabel:
        label = QLabel(self)
        self.bind(label.setText, msgid)
        return label

    def form(self) -> QFormLayout:
        form = QFormLayout(self)
        form.setContentsMargins(*MARGINS)
        form.setVerticalSpacing(4)
        return form

    def country(self, field: str, name: str) -> tuple[CountryBox, QLabel]:
        """A country field and the short message under it when its text names no one country."""
        box = CountryBox(self, field=field)
        box.setObjectName(name)
        hint = QLabel(self)
        hint.setObjectName(name + "Hint")
        hint.setWordWrap(True)
        hint.setStyleSheet("color:#b71c1c;")
        hint.hide()

        def check() -> None:
            problem = box.problem()
            hint.setText(problem or "")
            hint.setToolTip(problem or "")
            hint.setVisible(bool(problem))

        box.checked.connect(check)
        return box, hint


class DocumentGroup(FieldGroup):
    """"2. Document": no document (identity as declared), type, number, issuing state,
    expiry date, and the MRZ's lines as read."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(N_("2. Document"), parent)
        form = self.form()
        self.no_document = QCheckBox(self)
        self.no_document.setObjectName("noDocument")
        self.bind(self.no_document.setText, N_("No document: identity as declared"))
        self.no_document.toggled.connect(self._no_document_toggled)
        form.addRow(self.no_document)
        self.doc_type = ChoiceBox(list(DOCUMENT_TYPE_LABELS.items()), self)
        self.doc_type.setObjectName("docType")
        self.doc_number = QLineEdit(self)
        self.doc_number.setObjectName("docNumber")
        self.issuing_state, self.issuing_hint = self.country(N_("Issuing state"), "issuingState")
        self.expiry = QLineEdit(self)
        self.expiry.setObjectName("expiryDate")
        self.bind(self.expiry.setPlaceholderText, DATE_PLACEHOLDER)
        form.addRow(self.label(N_("Type")), self.doc_type)
        form.addRow(self.label(N_("Number")), self.doc_number)
        form.addRow(self.label(N_("Issuing state")), self.issuing_state)
        form.addRow(self.issuing_hint)
        form.addRow(self.label(N_("Expiry date")), self.expiry)
        self.mrz_view = QLabel(self)
        self.mrz_view.setObjectName("mrzView")
        self.mrz_view.setFont(monospace_font())
        self.mrz_view.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.mrz_view)

    def _no_document_toggled(self, on: bool) -> None:
        for widget in (self.doc_type, self.doc_number, self.issuing_state, self.expiry):
            widget.setEnabled(not on)
        if on:
            self.mrz_view.clear()

    def clear(self) -> None:
        self.doc_number.clear()
        self.expiry.clear()
        self.no_document.setChecked(False)
        self.doc_type.set_value(DocumentType.PASSPORT)
        self.issuing_state.set_value(None)
        self.mrz_view.clear()
        self.issuing_hint.hide()

    def fill(self, result: MrzResult) -> None:
        self.no_document.setChecked(False)
        self.doc_type.set_value(result.document_type)
        self.doc_number.setText(result.document_number or "")
        self.issuing_state.set_value(result.issuing_state)
        self.expiry.setText(format_date(result.expiry_date))

    def load(self, d: DocumentData | None) -> None:
        self.no_document.setChecked(d is None)
        if d is not None:
            self.doc_type.set_value(d.doc_type)
            self.doc_number.setText(d.number)
            self.issuing_state.set_value(d.issuing_state)
            self.expiry.setText(format_date(d.expiry_date))
            self.mrz_view.setText(d.mrz_raw or "")

    def document(self, mrz: MrzResult | DocumentData | None, document_id) -> DocumentData:
        """The document typed or read; ``mrz``: the reading or stored document it comes from."""
        problem = self.issuing_state.problem()
        if problem:
            raise InvalidInput(problem)
        expiry_text = self.expiry.text().strip()
        expiry = parse_date(expiry_text) if expiry_text else None
        if expiry_text and expiry is None:
            raise InvalidInput(_("Expiry date: write DD/MM/YYYY (for example 30/06/2031)."))
        number = self.doc_number.text().strip().upper().replace(" ", "")
        if not number:
            raise InvalidInput(_("Document number: required (or tick \"No document\")."))
        code, fmt, raw, valid = mrz_facts(mrz)
        return DocumentData(
            doc_type=self.doc_type.value(), number=number, issuing_state=self.issuing_state.value(),
            expiry_date=expiry, document_code=code, mrz_format=fmt, mrz_raw=raw, mrz_valid=valid, id=document_id,
        )


def mrz_facts(m: MrzResult | DocumentData | None) -> tuple[str | None, str | None, str | None, bool | None]:
    """(document code, format, lines, valid) of the MRZ the document was read from."""
    if isinstance(m, MrzResult):
        return m.document_code, m.format, m.raw, m.valid
    if m is not None:
        return m.document_code, m.mrz_format, m.mrz_raw or None, m.mrz_valid
    return None, None, None, None


class TravellerGroup(FieldGroup):
    """"3. Traveller": names, sex, birth date (or an age: "40" is about 40 years old),
    nationality."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(N_("3. Traveller"), parent)
        form = self.form()
        self.surname = QLineEdit(self)
        self.surname.setObjectName("surname")
        self.given_names = QLineEdit(self)
        self.given_names.setObjectName("givenNames")
        self.sex = ChoiceBox([("F", N_("Female")), ("M", N_("Male")), ("X", N_("Unspecified (X)"))], self,
                             blank=N_("Unknown"))
        self.sex.setObjectName("sex")
        self.birth_date = QLineEdit(self)
        self.birth_date.setObjectName("birthDate")
        self.bind(self.birth_date.setPlaceholderText, PARTIAL_DATE_PLACEHOLDER)
        self.bind(self.birth_date.setToolTip, N_("The date of birth (DD/MM/YYYY, MM/YYYY or YYYY), or only "
                                                 "the age in years (for example 40): it is kept as an "
                                                 "approximate year of birth."))
        self.birth_date.editingFinished.connect(self._birth_typed)
        self.birth_approx = QCheckBox(self)
        self.birth_approx.setObjectName("birthApprox")
        self.bind(self.birth_approx.setText, N_("approximate (\"about 1985\")"))
        birth_row = QHBoxLayout()
        birth_row.addWidget(self.birth_date, 1)
        birth_row.addWidget(self.birth_approx)
        self.nationality, self.nationality_hint = self.country(N_("Nationality"), "nationality")
        form.addRow(self.label(N_("Surname")), self.surname)
        form.addRow(self.label(N_("Given names")), self.given_names)
        form.addRow(self.label(N_("Sex")), self.sex)
        form.addRow(self.label(N_("Birth date")), birth_row)
        form.addRow(self.label(N_("Nationality")), self.nationality)
        form.addRow(self.nationality_hint)

    def _birth_typed(self) -> None:
        """An age typed where the birth date goes ("40") becomes an approximate year."""
        age = parse_age(self.birth_date.text())
        if age is not None:
            self.birth_date.setText(birth_year_from_age(age, post_today()))
            self.birth_approx.setChecked(True)

    def clear(self) -> None:
        for line in (self.surname, self.given_names, self.birth_date):
            line.clear()
        self.nationality.set_value(None)
        self.sex.set_value(None)
        self.birth_approx.setChecked(False)
        self.nationality_hint.hide()

    def fill(self, result: MrzResult) -> None:
        self.surname.setText(result.surname or "")
        self.given_names.setText(result.given_names or "")
        self.sex.set_value(result.sex if result.sex in ("M", "F", "X") else None)
        self.birth_date.setText(format_date(result.birth_date))
        self.birth_approx.setChecked(False)
        self.nationality.set_value(result.nationality)

    def load(self, p: PersonData) -> None:
        self.surname.setText(p.surname)
        self.given_names.setText(p.given_names)
        self.sex.set_value(p.sex)
        self.birth_date.setText(format_date(p.birth_date))
        self.birth_approx.setChecked(p.birth_date_approximate)
        self.nationality.set_value(p.nationality)

    def birth(self) -> tuple[str | None, bool]:
        """(birth date as stored, approximate) from what was typed: a date, a partial date or an age."""
        birth_text = self.birth_date.text().strip()
        age = parse_age(birth_text)
        if age is not None:
            return birth_year_from_age(age, post_today()), True
        birth = parse_partial_date(birth_text) if birth_text else None
        if birth_text and birth is None:
            raise InvalidInput(_(BIRTH_DATE_HELP))
        try:
            return check_partial_date(birth), self.birth_approx.isChecked()
        except ValueError:
            raise InvalidInput(_(BIRTH_DATE_HELP)) from None

    def person(self, *, declared: bool, person_id) -> PersonData:
        """The traveller; ``declared``: an identity as declared (no document)."""
        birth, approximate = self.birth()
        problem = self.nationality.problem()
        if problem:
            raise InvalidInput(problem)
        return PersonData(
            surname=self.surname.text().strip().upper(), given_names=self.given_names.text().strip().upper(),
            sex=self.sex.value(), birth_date=birth, birth_date_approximate=approximate,
            nationality=self.nationality.value(), identity_declared=declared, id=person_id,
        )


class CrossingGroup(FieldGroup):
    """"4. Crossing", in two columns (three rows, not six): direction and transport, where
    from and where to, reason of travel and group size."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(N_("4. Crossing"), parent)
        self.direction = ChoiceBox([(Direction.ENTRY, N_("Entry")), (Direction.EXIT, N_("Exit"))], self)
        self.direction.setObjectName("direction")
        self.transport = ChoiceBox(list(TRANSPORT_LABELS.items()), self, blank=N_("— not given —"))
        self.transport.setObjectName("transport")
        self.origin = QLineEdit(self)
        self.origin.setObjectName("origin")
        self.destination = QLineEdit(self)
        self.destination.setObjectName("destination")
        self.reason = ChoiceBox(list(REASON_LABELS.items()), self, blank=N_("— not given —"))
        self.reason.setObjectName("reason")
        self.group_size = QSpinBox(self)
        self.group_size.setObjectName("groupSize")
        self.group_size.setRange(1, 500)
        grid = QGridLayout(self)
        grid.setContentsMargins(*MARGINS)
        grid.setVerticalSpacing(4)
        rows = ((N_("Direction"), self.direction), (N_("Transport"), self.transport),
                (N_("Coming from"), self.origin), (N_("Going to"), self.destination),
                (N_("Reason for travel"), self.reason), (N_("Group size (with the traveller)"), self.group_size))
        for i, (msgid, widget) in enumerate(rows):  # row by row: the tab order reads left to right
            label = self.label(msgid)
            label.setBuddy(widget)
            grid.addWidget(label, i // 2, (i % 2) * 2)
            grid.addWidget(widget, i // 2, (i % 2) * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

    def clear(self) -> None:
        self.origin.clear()
        self.destination.clear()
        self.transport.set_value(None)
        self.reason.set_value(None)
        self.group_size.setValue(1)

    def load(self, c: CrossingData) -> None:
        self.direction.set_value(c.direction)
        self.transport.set_value(c.transport_mode)
        self.origin.setText(c.origin or "")
        self.destination.setText(c.destination or "")
        self.reason.set_value(c.reason)
        self.group_size.setValue(c.group_size)

    def crossing(self, crossed_at: datetime, crossing_id) -> CrossingData:
        return CrossingData(
            direction=self.direction.value(), crossed_at=crossed_at, transport_mode=self.transport.value(),
            origin=self.origin.text().strip() or None, destination=self.destination.text().strip() or None,
            reason=self.reason.value(), group_size=self.group_size.value(), id=crossing_id,
        )
