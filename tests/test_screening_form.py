"""The screener's screen (pytest-qt, offscreen): keyboard entry, live outcome, referral."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from itertools import pairwise
from pathlib import Path

import pytest

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLabel, QLineEdit  # noqa: E402

from border_app.screening import (  # noqa: E402
    Outcome, Referral, ScreeningRecord, ScreeningSettings, Traveller, build_form, load_protocols,
)

pytestmark = pytest.mark.gui


AT = datetime(2025, 6, 10, 9, 0, tzinfo=timezone.utc)
ALL = ["general", "ebola_marburg", "cholera", "mpox", "meningitis", "covid19", "yellow_fever"]


@pytest.fixture
def form(qtbot):
    from PySide6.QtCore import QLocale

    from ui.screening_form import ScreeningForm

    previous = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.Niger))  # as the app does

    spec = build_form(load_protocols().select(ALL), Traveller("1990-04-02", "F"), AT,
                      ScreeningSettings(affected_areas={"ebola_marburg": ["COD"]}))
    w = ScreeningForm(spec, facilities=["CSI Gaya", "Hôpital de district de Dosso"])
    qtbot.addWidget(w)
    w.resize(1280, 860)
    w.show()
    qtbot.waitExposed(w)
    yield w
    QLocale.setDefault(previous)


def _focus(qtbot, widget):
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() in (widget, widget.findChild(QLineEdit)))
    return QApplication.focusWidget()


def _type_temperature(qtbot, form, text):
    spin = form.findChild(object, "q_temperature")
    target = _focus(qtbot, spin)
    QTest.keyClick(target, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(target, text)
    QTest.keyClick(target, Qt.Key.Key_Return)


def _shown_outcome(form) -> str:
    """The outcome shown, and while answers are missing what they already call for."""
    provisional = form.findChild(QLabel, "provisionalLabel")
    extra = provisional.text() if provisional is not None and provisional.isVisibleTo(form) else ""
    return (form.findChild(QLabel, "outcomeLabel").text() + " " + extra).strip()


def _answer_the_rest(form, given: set[str]) -> None:
    from screening_helpers import complete_answers

    for qid, value in complete_answers(form.spec.protocols, {q: None for q in given}).items():
        if qid not in given and qid in form._fields:
            form.set_answer(qid, "aucun" if form._fields[qid].ff.widget == "areas" else value)


def _visible_reasons(form) -> list[str]:
    return [lbl.text() for lbl in form.findChildren(QLabel, "reasonItem") if lbl.isVisibleTo(form)]


def test_keyboard_screening_to_referral_and_submit(qtbot, form):
    decisions = []
    form.decisionChanged.connect(decisions.append)
    # a fresh form has no outcome: never the green "cleared" (the safety defect)
    assert _shown_outcome(form) == "INCOMPLET"
    assert "AUTORISÉ" not in _shown_outcome(form)

    _type_temperature(qtbot, form, "39,1")
    # Enter moved on to the measurement method
    method = form.findChild(QComboBox, "q_temperature_method")
    assert QApplication.focusWidget() is method
    QTest.keyClicks(method, "B")              # "Buccale"
    assert method.currentData() == "oral"
    assert form.answers()["temperature"] == 39.1
    assert decisions and decisions[-1].outcome is Outcome.SECONDARY
    assert "DÉPISTAGE SECONDAIRE" in _shown_outcome(form)

    neck = form.findChild(QCheckBox, "q_symptoms_stiff_neck")
    QTest.keyClick(_focus(qtbot, neck), Qt.Key.Key_Space)
    assert neck.isChecked()
    d = form.decision()
    assert d.outcome is Outcome.REFERRAL and d.needs_referral
    assert "ORIENTATION VERS UNE FORMATION SANITAIRE" in _shown_outcome(form)
    reasons = _visible_reasons(form)
    assert any("méningite" in r for r in reasons) and any("Fièvre mesurée" in r for r in reasons)
    assert any("Évacuation urgente" in r for r in reasons)   # the actions are listed too

    referral = form.findChild(object, "referralBox")
    assert referral.isVisibleTo(form)
    # the referral must name a destination before the screening can be recorded
    with qtbot.assertNotEmitted(form.submitted):
        QTest.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    assert form.referral_error.isVisibleTo(form) and "formation sanitaire" in form.referral_error.text()

    dest = form.findChild(QComboBox, "referralDestination")
    target = _focus(qtbot, dest)
    QTest.keyClicks(target, "CSI Gaya")
    QTest.keyClick(target, Qt.Key.Key_Return)            # Enter moves on to the notes
    assert QApplication.focusWidget() is form.findChild(object, "referralNotes")
    QTest.keyClicks(QApplication.focusWidget(), "Raideur de la nuque")  # QTest types ASCII only
    form.notes.insertPlainText(", fièvre 39,1")
    # the other required questions are still unanswered: nothing is submitted
    with qtbot.assertNotEmitted(form.submitted):
        QTest.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    _answer_the_rest(form, {"temperature", "temperature_method", "symptoms"})
    assert form.decision().complete and "ORIENTATION VERS UNE FORMATION SANITAIRE" == _shown_outcome(form)
    with qtbot.waitSignal(form.submitted, timeout=2000) as blocker:
        QTest.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
    record = blocker.args[0]
    assert isinstance(record, ScreeningRecord)         # one typed record, built by the domain
    assert record.outcome == "referral"
    assert record.referral == Referral("CSI Gaya", "Raideur de la nuque, fièvre 39,1")
    assert record.temperature == 39.1 and record.temperature_method == "oral"
    assert record.answers["symptoms"] == ["stiff_neck"]
    assert record.protocol_versions["meningitis"] == 1
    rules = {(f.protocol_id, f.rule_id) for f in record.decision.fired}
    assert ("meningitis", "suspect") in rules and ("general", "fever") in rules
    assert record.decision.outcome is Outcome.REFERRAL and record.at == AT

    if os.environ.get("SCREENING_SCREENSHOT"):
        QApplication.processEvents()          # the pending re-layout of the outcome
        form.grab().save(str(Path(__file__).resolve().parents[1] / "docs" / "screening-referral.png"))


@pytest.mark.parametrize("size", [(1014, 640), (965, 483)])   # the form in the app at 1366x900 and 1280x720
def test_referral_outcome_is_laid_out_without_clipping(qtbot, form, size):
    from PySide6.QtWidgets import QScrollArea

    form.resize(*size)
    form.set_answer("temperature", 39.2)
    form.set_answer("symptoms", ["stiff_neck", "headache"])
    assert form.decision().outcome is Outcome.REFERRAL
    qtbot.waitUntil(lambda: form.referral_box.isVisible())
    QApplication.processEvents()

    # every wrapped label of the outcome gets at least the height its text needs at its width
    wrapped = [lbl for lbl in form.outcome_box.findChildren(QLabel) if lbl.isVisibleTo(form) and lbl.wordWrap()]
    reasons = [lbl for lbl in wrapped if lbl.objectName() == "reasonItem"]
    assert len(reasons) >= 6 and any("méningite" in lbl.text() for lbl in reasons)
    for lbl in wrapped:
        assert lbl.height() >= lbl.heightForWidth(lbl.width()), lbl.text()
    # ... and none overlaps the next one
    boxes = sorted((lbl.mapTo(form.outcome_box, lbl.rect().topLeft()).y(), lbl.height()) for lbl in wrapped)
    for (y0, h0), (y1, _h1) in pairwise(boxes):
        assert y1 >= y0 + h0
    # the outcome box, the referral and the button are stacked, not drawn over one another
    outcome_area = form.findChild(QScrollArea, "outcomeScroll")
    stack = [outcome_area, form.referral_box, form.submit_button]
    tops = [(w.mapTo(form, w.rect().topLeft()).y(), w.height()) for w in stack]
    for (y0, h0), (y1, _h1) in pairwise(tops):
        assert y1 >= y0 + h0
    assert form.destination.isVisibleTo(form) and form.destination.visibleRegion().boundingRect().height() \
        == form.destination.height()      # the referral fields are entirely in view

    # the questions scroll vertically only: nothing wider than the visible area
    questions = form.findChild(QScrollArea, "questionsScroll")
    assert not questions.horizontalScrollBar().isVisible()
    assert questions.widget().width() <= questions.viewport().width()
    body = questions.widget()
    for cb in body.findChildren(QCheckBox):
        if cb.isVisibleTo(form):
            right = cb.mapTo(body, cb.rect().topRight()).x()
            assert right < questions.viewport().width(), cb.text()
            assert cb.width() >= cb.sizeHint().width(), cb.text()     # its text is not cut


def test_impossible_temperature_is_refused_inline(qtbot, form):
    _type_temperature(qtbot, form, "46")
    err = form.findChild(QLabel, "error_temperature")
    assert err.isVisibleTo(form)
    assert "46" in err.text() and "30" in err.text() and "45" in err.text()
    assert "temperature" not in form.answers()
    with qtbot.assertNotEmitted(form.submitted):
        assert form.submit() is False
    _type_temperature(qtbot, form, "29.5")
    assert "29" in err.text() and err.isVisibleTo(form)
    _type_temperature(qtbot, form, "37.2")
    assert not err.isVisibleTo(form) and form.answers()["temperature"] == 37.2
    # "385" typed without the decimal point is not silently taken as 38.5 or 38
    _type_temperature(qtbot, form, "385")
    assert err.isVisibleTo(form) and "temperature" not in form.answers()


def test_questions_follow_the_answers(qtbot, form):
    date_edit = form.findChild(QLineEdit, "q_ebola_contact_date")
    assert not date_edit.isVisibleTo(form)
    contact = form.findChild(QComboBox, "q_ebola_contact")
    QTest.keyClicks(_focus(qtbot, contact), "O")           # Oui
    assert contact.currentData() is True and date_edit.isVisibleTo(form)
    assert form.decision().outcome is Outcome.REFERRAL   # Ebola contact without a date: follow-up, no travel
    target = _focus(qtbot, date_edit)
    QTest.keyClicks(target, "01/01/2031")
    QTest.keyClick(target, Qt.Key.Key_Return)
    assert "futur" in form.field_error("ebola_contact_date")
    date_edit.clear()
    QTest.keyClicks(target, "19/05/2025")                  # day 22: outside the window
    QTest.keyClick(target, Qt.Key.Key_Return)
    assert form.field_error("ebola_contact_date") == ""
    assert form.decision().outcome is Outcome.CLEARED
    # the pregnancy question appears only for a woman without a yellow card
    pregnant = form.findChild(QComboBox, "q_pregnant")
    assert not pregnant.isVisibleTo(form)
    form.set_answer("yf_card", False)
    assert pregnant.isVisibleTo(form)
    assert any("fièvre jaune" in r for r in _visible_reasons(form))


def test_infant_form_has_no_yellow_fever_questions(qtbot):
    from ui.screening_form import ScreeningForm

    spec = build_form(load_protocols().select(ALL), Traveller("2025-01-02", "M"), AT)
    w = ScreeningForm(spec)
    qtbot.addWidget(w)
    assert w.findChild(QComboBox, "q_yf_card") is None
    assert w.findChild(QComboBox, "q_bulging_fontanelle") is not None
    assert w.findChild(QComboBox, "q_pregnant") is None


def test_english_labels_follow_the_language(qtbot, form):
    from border_app import i18n

    i18n.set_language("en")
    assert _shown_outcome(form) == "INCOMPLETE"
    assert form.submit_button.text() == "Record the screening"
    method = form.findChild(QComboBox, "q_temperature_method")
    assert method.itemText(1).startswith("Infrared")
