"""The screener's screen, generated from a :class:`border_app.screening.FormSpec`.

Keyboard first: every field is reachable with Tab in reading order, Enter moves to the
next field, the temperature is a spin box (``38,5`` or ``38.5``) next to the measurement
method. Every change re-evaluates the active protocols (``evaluate``) and shows the outcome
with its reasons and actions; questions appear and disappear with the answers
(``applicable_questions``). An impossible temperature is refused inline. When the outcome
asks for a referral, a referral section (destination facility, notes) appears and must
be filled before the screening can be recorded.

Signals: ``decisionChanged(Decision)`` after every evaluation; ``submitted(ScreeningRecord)``
with the record built by :func:`border_app.screening.screening_record` (answers, decision,
temperature and method, referral, evaluation time). No database here: the caller stores the
record.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox, QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QFrame, QGroupBox, QHBoxLayout, QLabel,
    QLineEdit, QPlainTextEdit, QPushButton, QScrollArea, QSizePolicy, QSpinBox, QVBoxLayout, QWidget,
)

from border_app.errors import InvalidInput
from border_app.i18n import N_, _, current_language, ngettext
from border_app.screening import (
    INCOMPLETE, Decision, FormField, FormSpec, Outcome, action_label, applicable_questions, evaluate, screening_record,
    validate_answer,
)
from border_app.screening.model import INCOMPLETE_ADVICE, INCOMPLETE_LABEL

from .i18n import Retranslatable
from .screening_fields import ColumnsLayout, DecimalSpin, EnterMovesOn, OutcomeScroll, focus_visibly

OUTCOME_COLOURS = {
    Outcome.CLEARED: ("#e8f5e9", "#1b5e20"),
    Outcome.SECONDARY: ("#fff8e1", "#8d5300"),
    Outcome.REFERRAL: ("#fff3e0", "#bf360c"),
    Outcome.ISOLATION: ("#ffebee", "#b71c1c"),
}
FORM_STYLE = (
    "QGroupBox{font-weight:bold;} QGroupBox QLabel, QGroupBox QCheckBox{font-weight:normal;}"
    "QLabel[role=\"error\"]{color:#b71c1c;font-weight:bold;}"
)
EMPTY = "—"
#: neutral colours of a screening without an outcome yet (never the cleared green)
INCOMPLETE_COLOURS = ("#eceff1", "#37474f")


class _Field:
    """One question's editor: ``value()`` (raw), ``set_value``, ``focus_widgets``."""

    def __init__(self, ff: FormField, container: QWidget, editor: QWidget, getter: Callable[[], Any],
                 setter: Callable[[Any], None], focus: list[QWidget]):
        self.ff, self.editor, self.getter, self.setter, self.focus = ff, editor, getter, setter, focus
        self.container = container
        self.label = QLabel(container.parentWidget())
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.error = QLabel(container)
        self.error.setWordWrap(True)
        self.error.setProperty("role", "error")
        self.error.setObjectName(f"error_{ff.id}")
        self.error.hide()
        box = QVBoxLayout(container)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(editor)
        box.addWidget(self.error)
        self.group: QFormLayout | None = None
        self.rows: list[QWidget] = [self.label]     # one widget of each form row the question uses

    @property
    def id(self) -> str:
        return self.ff.id


class ScreeningForm(QWidget, Retranslatable):
    decisionChanged = Signal(object)
    submitted = Signal(object)

    def __init__(self, spec: FormSpec, parent: QWidget | None = None, *, facilities: Sequence[str] = ()):
        super().__init__(parent)
        self.setObjectName("screeningForm")
        self.spec = spec
        self._fields: dict[str, _Field] = {}
        self._errors: dict[str, str] = {}
        self._decision: Decision | None = None
        self._enter = EnterMovesOn(self)
        self._groups: list[tuple[QGroupBox, Any]] = []
        self._updating = False

        outer = QHBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.setSpacing(10)

        # left: the questions
        scroll = QScrollArea(self)
        scroll.setObjectName("questionsScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)   # everything reflows
        self.questions_scroll = scroll
        body = QWidget()
        body.setObjectName("questionsBody")
        self._body = QVBoxLayout(body)
        self._body.setContentsMargins(2, 4, 6, 4)
        self._body.setSpacing(8)
        for section in spec.sections:
            group = QGroupBox(body)
            group.setObjectName(f"section_{section.section.value}")
            form = QFormLayout(group)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            self._groups.append((group, section))
            for ff in section.fields:
                field = self._make_field(ff, QWidget(group))
                field.group = form
                if ff.widget == "checklist":
                    # a checklist takes the whole width of its section, under its question, so
                    # that its boxes can spread over several columns
                    form.addRow(field.label)
                    form.addRow(field.container)
                    field.rows = [field.label, field.container]
                else:
                    field.label.setMinimumWidth(170)    # leaves the answers room for their longest text
                    field.label.setMaximumWidth(300)
                    form.addRow(field.label, field.container)
                self._fields[ff.id] = field
            self._body.addWidget(group)
        self._body.addStretch(1)
        self.setStyleSheet(FORM_STYLE)
        scroll.setWidget(body)
        outer.addWidget(scroll, 3)

        # right: the live outcome (its reasons and actions scroll vertically when the screen is too
        # short for all of them at their full wrapped height), then the referral and the submit
        # button, always in view
        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(8)
        self.outcome_box = QFrame(self)
        self.outcome_box.setObjectName("outcomeBox")
        ob = QVBoxLayout(self.outcome_box)
        ob.setContentsMargins(10, 8, 10, 8)
        ob.setSpacing(4)
        self.outcome_title = QLabel()
        self.outcome_label = QLabel()
        self.outcome_label.setObjectName("outcomeLabel")
        self.outcome_label.setWordWrap(True)
        self.advice_label = QLabel()
        self.advice_label.setWordWrap(True)
        self.reasons_title, self.actions_title = QLabel(), QLabel()
        for t in (self.reasons_title, self.actions_title):
            t.setStyleSheet("font-weight:bold;margin-top:4px;")
        self.reasons_list = QVBoxLayout()
        self.reasons_list.setSpacing(2)
        self.actions_list = QVBoxLayout()
        self.actions_list.setSpacing(2)
        self.missing_label = QLabel()
        self.missing_label.setObjectName("missingLabel")
        self.missing_label.setWordWrap(True)
        self.missing_label.setStyleSheet("color:#37474f;font-weight:bold;")
        self.provisional_label = QLabel()
        self.provisional_label.setObjectName("provisionalLabel")
        self.provisional_label.setWordWrap(True)
        self.provisional_label.hide()
        for w in (self.outcome_title, self.outcome_label, self.missing_label, self.provisional_label,
                  self.advice_label, self.reasons_title):
            ob.addWidget(w)
        ob.addLayout(self.reasons_list)
        ob.addWidget(self.actions_title)
        ob.addLayout(self.actions_list)
        side.addWidget(self.outcome_box)

        self.referral_box = QGroupBox(self)
        self.referral_box.setObjectName("referralBox")
        rf = QFormLayout(self.referral_box)
        rf.setContentsMargins(8, 6, 8, 6)
        rf.setVerticalSpacing(3)
        rf.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.destination = QComboBox(self.referral_box)
        self.destination.setObjectName("referralDestination")
        self.destination.setEditable(True)
        self.destination.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.destination.addItem("")
        self.destination.addItems(list(facilities))
        self.destination.lineEdit().textChanged.connect(lambda _t: self._clear_referral_error())
        self.notes = QPlainTextEdit(self.referral_box)
        self.notes.setObjectName("referralNotes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.notes.fontMetrics().lineSpacing() * 3 + 12)   # three lines
        self.referral_error = QLabel(self.referral_box)
        self.referral_error.setProperty("role", "error")
        self.referral_error.setWordWrap(True)
        self.referral_error.hide()
        self.destination_label, self.notes_label = QLabel(), QLabel()
        rf.addRow(self.destination_label, self.destination)
        rf.addRow(self.notes_label, self.notes)
        rf.addRow(self.referral_error)
        side.addStretch(1)
        side_body = QWidget()
        side_body.setObjectName("outcomeBody")
        side_body.setLayout(side)
        self.outcome_scroll = OutcomeScroll(self)
        self.outcome_scroll.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.outcome_scroll.setObjectName("outcomeScroll")
        self.outcome_scroll.setWidgetResizable(True)
        self.outcome_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.outcome_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.outcome_scroll.setWidget(side_body)
        self.outcome_scroll.viewport().setObjectName("outcomeViewport")
        self.outcome_scroll.setStyleSheet(
            "QScrollArea#outcomeScroll, QWidget#outcomeViewport, QWidget#outcomeBody{background:transparent;}")
        self.submit_button = QPushButton(self)
        self.submit_button.setObjectName("submitScreening")
        self.submit_button.setAutoDefault(True)
        self.submit_button.setMinimumHeight(36)
        self.submit_button.clicked.connect(self.submit)
        side_widget = QWidget(self)
        side_column = QVBoxLayout(side_widget)
        side_column.setContentsMargins(0, 0, 0, 0)
        side_column.setSpacing(8)
        side_column.addWidget(self.outcome_scroll)
        side_column.addWidget(self.referral_box)
        side_column.addStretch(1)
        side_column.addWidget(self.submit_button)
        side_widget.setMinimumWidth(300)
        side_widget.setMaximumWidth(350)     # the questions keep room for two columns of symptoms
        outer.addWidget(side_widget, 2)

        self.bind(self.outcome_title.setText, N_("Outcome of the screening"))
        self.bind(self.reasons_title.setText, N_("Reasons"))
        self.bind(self.actions_title.setText, N_("What to do"))
        self.bind(self.referral_box.setTitle, N_("Referral"))
        self.bind(self.destination_label.setText, N_("Destination facility"))
        self.bind(self.notes_label.setText, N_("Notes"))
        self.bind(self.submit_button.setText, N_("Record the screening"))
        self.bind(self.destination.lineEdit().setPlaceholderText, N_("Health centre or hospital"))
        self._set_tab_order()
        self.on_retranslate()
        self._refresh()

    # -- building -----------------------------------------------------------------------------

    def _make_field(self, ff: FormField, container: QWidget) -> _Field:
        q = ff.question
        w = ff.widget
        if w in ("temperature", "number"):
            spin: QAbstractSpinBox
            if w == "temperature" or q.decimals:
                spin = DecimalSpin(container)
                spin.setDecimals(max(1, q.decimals))
                spin.setSingleStep(0.1 if q.decimals else 1)
                spin.setRange(0.0, 999.9)
                spin.setSpecialValueText(EMPTY)
                if q.unit:
                    spin.setSuffix(" " + q.unit)
            else:
                spin = QSpinBox(container)
                spin.setRange(-1, 9999)
                spin.setSpecialValueText(EMPTY)
                spin.setValue(-1)
                if q.unit:
                    spin.setSuffix(" " + q.unit)
            spin.setKeyboardTracking(False)
            spin.setAccelerated(True)
            spin.setMaximumWidth(140)
            spin.setObjectName(f"q_{q.id}")
            if w == "temperature":
                font = spin.font()
                font.setPointSize(font.pointSize() + 3)
                font.setBold(True)
                spin.setFont(font)
                spin.setMinimumHeight(32)

            def get(spin=spin):
                v = spin.value()
                return None if v == spin.minimum() else v

            def put(v, spin=spin):
                spin.setValue(spin.minimum() if v is None else float(v) if isinstance(spin, QDoubleSpinBox) else int(v))
            spin.valueChanged.connect(lambda _v, qid=q.id: self._changed(qid))
            return _Field(ff, container, spin, get, put, [spin])
        if w in ("yes_no", "choice"):
            combo = QComboBox(container)
            combo.setObjectName(f"q_{q.id}")
            # narrow minimum, so that the questions reflow instead of needing a horizontal scroll
            # bar on a small screen; the field grows to its longest answer when there is room
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(14)
            combo.setMaximumWidth(420)
            combo.currentIndexChanged.connect(lambda _i, qid=q.id: self._changed(qid))
            # the whole answer stays readable where the field is narrower than its text
            if q.help is None:
                combo.currentTextChanged.connect(
                    lambda text, combo=combo: combo.setToolTip(text if text != EMPTY else ""))

            def put(v, combo=combo):
                i = combo.findData(v)
                combo.setCurrentIndex(i if i >= 0 else 0)
            return _Field(ff, container, combo, combo.currentData, put, [combo])
        if w == "checklist":
            box = QWidget(container)
            box.setObjectName(f"q_{q.id}")
            grid = ColumnsLayout(box, hspacing=14, vspacing=2, max_columns=3)
            grid.setContentsMargins(0, 0, 0, 0)
            checks: list[tuple[str, QCheckBox]] = []
            for choice in q.choices:
                cb = QCheckBox(box)
                cb.setObjectName(f"q_{q.id}_{choice.value}")
                cb.toggled.connect(lambda _c, qid=q.id: self._changed(qid))
                grid.addWidget(cb)
                checks.append((choice.value, cb))
            box._checks = checks  # type: ignore[attr-defined]

            def get(checks=checks):
                return [v for v, cb in checks if cb.isChecked()]

            def put(v, checks=checks):
                chosen = set(v or ())
                for value, cb in checks:
                    cb.setChecked(value in chosen)
            return _Field(ff, container, box, get, put, [cb for _v, cb in checks])
        # date, areas: line edits validated when the field is left
        edit = QLineEdit(container)
        edit.setObjectName(f"q_{q.id}")
        edit.setMaximumWidth(200 if w == "date" else 320)
        edit.setMaxLength(20 if w == "date" else 300)
        edit.editingFinished.connect(lambda qid=q.id: self._changed(qid))

        def get_text(edit=edit, w=w):
            text = edit.text().strip()
            if w == "areas":
                return text          # empty: no area declared
            return text or None

        def put_text(v, edit=edit):
            if isinstance(v, date):
                v = v.strftime("%d/%m/%Y")
            elif isinstance(v, (list, tuple)):
                v = ", ".join(v)
            edit.setText("" if v is None else str(v))
        return _Field(ff, container, edit, get_text, put_text, [edit])

    def _set_tab_order(self) -> None:
        chain: list[QWidget] = []
        for field in self._fields.values():
            chain.extend(field.focus)
        chain += [self.destination, self.notes, self.submit_button]
        for a, b in zip(chain, chain[1:], strict=False):  # consecutive pairs
            QWidget.setTabOrder(a, b)
        # installed last, so that building the form does not run the filter on every child event
        for w in chain[:-2]:
            w.installEventFilter(self._enter)
            if isinstance(w, QAbstractSpinBox):
                w.findChild(QLineEdit).installEventFilter(self._enter)

    def on_retranslate(self) -> None:
        lang = current_language()
        self._updating = True
        try:
            for group, section in self._groups:
                group.setTitle(section.title)
            for field in self._fields.values():
                q = field.ff.question
                label = q.label.get(lang)
                field.label.setText(label + (" *" if q.required else ""))
                if q.help is not None:
                    field.label.setToolTip(q.help.get(lang))
                    field.editor.setToolTip(q.help.get(lang))
                if isinstance(field.editor, QComboBox):
                    combo = field.editor
                    current = combo.currentData()
                    combo.blockSignals(True)
                    combo.clear()
                    combo.addItem(EMPTY, None)
                    if field.ff.widget == "yes_no":
                        combo.addItem(_("Yes"), True)
                        combo.addItem(_("No"), False)
                    else:
                        for c in q.choices:
                            combo.addItem(c.label.get(lang), c.value)
                    i = combo.findData(current)
                    combo.setCurrentIndex(i if i >= 0 else 0)
                    combo.blockSignals(False)
                elif field.ff.widget == "checklist":
                    for value, cb in field.editor._checks:  # type: ignore[attr-defined]
                        cb.setText(q.choice_label(value, lang))
                elif field.ff.widget == "date":
                    field.editor.setPlaceholderText(_("DD/MM/YYYY"))
                elif field.ff.widget == "areas":
                    field.editor.setPlaceholderText(_("e.g. NGA, MLI, or: none"))
                    field.editor.setToolTip(_("Country or area codes separated by commas (e.g. NGA, MLI); "
                                              "type \"none\" when the traveller visited none."))
        finally:
            self._updating = False
        self._refresh()

    # -- state ---------------------------------------------------------------------------------

    def _changed(self, qid: str) -> None:
        if self._updating:
            return
        self._refresh()

    def raw_answers(self) -> dict[str, Any]:
        return {qid: f.getter() for qid, f in self._fields.items()}

    def answers(self) -> dict[str, Any]:
        """The valid answers to the questions shown (normal form: floats, dates, tuples)."""
        return dict(self._answers)

    def decision(self) -> Decision | None:
        return self._decision

    def field_error(self, qid: str) -> str:
        return self._errors.get(qid, "")

    def set_answer(self, qid: str, value: Any) -> None:
        """Fill a field from outside (e.g. a scanned vaccination certificate)."""
        self._fields[qid].setter(value)
        self._refresh()

    def _refresh(self) -> None:
        spec = self.spec
        answers: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for qid, field in self._fields.items():
            raw = field.getter()
            try:
                v = validate_answer(field.ff.question, raw, at=spec.at)
            except InvalidInput as exc:
                errors[qid] = exc.message
                continue
            if v is not None:
                answers[qid] = v
        shown = {q.id for q in applicable_questions(spec.protocols, spec.traveller, spec.at, answers, spec.settings)}
        for qid, field in self._fields.items():
            visible = qid in shown
            if field.group is not None:
                for row in field.rows:
                    field.group.setRowVisible(row, visible)
            if not visible:
                answers.pop(qid, None)
                errors.pop(qid, None)
            if qid in errors:
                field.error.setText(errors[qid])
                field.error.show()
            else:
                field.error.hide()
        for group, section in self._groups:
            group.setVisible(any(f.id in shown for f in section.fields))
        self._answers = answers
        self._errors = errors
        self._decision = evaluate(spec.protocols, spec.traveller, spec.at, answers, spec.settings, strict=False)
        self._show_decision(self._decision)
        self.decisionChanged.emit(self._decision)

    def _show_decision(self, d: Decision) -> None:
        """The outcome, or "incomplete" (neutral grey, never the cleared green) while a
        required answer is missing; what the answers given already call for is shown too."""
        lang = current_language()
        complete = d.complete and not self._errors
        bg, fg = OUTCOME_COLOURS[d.outcome] if complete else INCOMPLETE_COLOURS
        self.outcome_box.setStyleSheet(
            f"QFrame#outcomeBox{{background:{bg};border:2px solid {fg};border-radius:6px;}}"
            f"QFrame#outcomeBox QLabel{{color:#212121;border:none;background:transparent;}}")
        self.outcome_label.setText((d.outcome.label if complete else _(INCOMPLETE_LABEL)).upper())
        self.outcome_label.setStyleSheet(f"color:{fg};font-size:20px;font-weight:bold;border:none;")
        self.outcome_label.setProperty("outcome", d.outcome.value if complete else INCOMPLETE)
        self.advice_label.setText(d.outcome.advice if complete else _(INCOMPLETE_ADVICE))
        already = not complete and d.outcome is not Outcome.CLEARED
        if already:
            colour = OUTCOME_COLOURS[d.outcome][1]
            self.provisional_label.setText(_("The answers given already call for: {outcome}").format(
                outcome=d.outcome.label.upper()))
            self.provisional_label.setStyleSheet(f"color:{colour};font-weight:bold;border:none;")
        self.provisional_label.setVisible(already)
        _fill(self.reasons_list, [(f.reason_text(lang), f.outcome) for f in d.fired])
        self.reasons_title.setVisible(bool(d.fired))
        actions = d.actions if complete or already else ()
        _fill(self.actions_list, [(action_label(a, self.spec.protocols, lang), None) for a in actions])
        self.actions_title.setVisible(bool(actions))
        pending = len(d.missing) + len(self._errors)
        if pending:
            self.missing_label.setText(ngettext("{n} question still without a valid answer",
                                                "{n} questions still without a valid answer",
                                                pending).format(n=pending))
            self.missing_label.show()
        else:
            self.missing_label.hide()
        self.referral_box.setVisible(d.needs_referral)
        self.outcome_scroll.updateGeometry()      # its content changed height

    def _clear_referral_error(self) -> None:
        self.referral_error.hide()

    def referral(self) -> dict[str, str] | None:
        if not (self._decision and self._decision.needs_referral):
            return None
        return {"destination": self.destination.currentText().strip(), "notes": self.notes.toPlainText().strip()}

    def submit(self) -> bool:
        """Emit ``submitted`` with the record, or show what is missing and return False."""
        self._refresh()
        if self._errors:
            qid = next(iter(self._errors))
            focus_visibly(self._fields[qid].focus[0])
            return False
        d = self._decision
        referral = self.referral()
        if referral is not None and not referral["destination"]:
            self.referral_error.setText(_("Give the destination facility of the referral."))
            self.referral_error.show()
            focus_visibly(self.destination)
            return False
        if not d.complete:
            # no outcome yet: nothing can be recorded (the service refuses it too)
            qid = next((q for q in d.missing if q in self._fields), None)
            if qid is not None:
                self._fields[qid].error.setText(_("Answer this question before recording the screening."))
                self._fields[qid].error.show()
                focus_visibly(self._fields[qid].focus[0])
            return False
        spec = self.spec
        try:
            record = screening_record(spec.protocols, spec.traveller, spec.at, self._answers, spec.settings, referral)
        except InvalidInput as exc:    # not expected: the checks above are the builder's
            self.missing_label.setText(exc.message)
            self.missing_label.show()
            return False
        self.submitted.emit(record)
        return True


def _fill(layout: QVBoxLayout, items: list[tuple[str, Outcome | None]]) -> None:
    """Show ``items`` as word-wrapped bullet labels (reused, so no flicker or leak)."""
    while layout.count() > len(items):
        w = layout.takeAt(layout.count() - 1).widget()
        if w is not None:
            w.deleteLater()
    for i, (text, outcome) in enumerate(items):
        if i < layout.count():
            label = layout.itemAt(i).widget()
        else:
            label = QLabel(layout.parentWidget())
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setObjectName("reasonItem")
            layout.addWidget(label)
            label.show()
        label.setText("• " + text)
        colour = OUTCOME_COLOURS[outcome][1] if outcome is not None and outcome is not Outcome.CLEARED else "#212121"
        label.setStyleSheet(f"color:{colour};border:none;background:transparent;")
        label.setProperty("outcome", outcome.value if outcome is not None else "")
