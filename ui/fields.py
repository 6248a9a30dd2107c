"""Form fields shared by the screens (translated choice lists, country pickers, dates)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import QDate, QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QComboBox, QCompleter, QDateEdit, QLineEdit, QPlainTextEdit, QWidget

from border_app import countries
from border_app.clock import post_today
from border_app.i18n import N_, _, current_language, on_language_changed
from border_app.wedge import classify, intervals_from_times
from db.validation import country_problem, match_country


class ChoiceBox(QComboBox):
    """A combo box of (value, label-msgid) pairs whose labels follow the language."""

    def __init__(self, choices: Sequence[tuple[object, str]], parent: QWidget | None = None, *,
                 blank: str | None = None):
        super().__init__(parent)
        self._choices = list(choices)
        self._blank = blank
        self._fill()
        unsubscribe = on_language_changed(lambda _l: self._fill())
        self.destroyed.connect(lambda *_: unsubscribe())

    def _fill(self) -> None:
        try:
            current = self.currentData()
        except RuntimeError:
            return
        self.blockSignals(True)
        self.clear()
        if self._blank is not None:
            self.addItem(_(self._blank), None)
        for value, label in self._choices:
            self.addItem(_(label), value)
        self.set_value(current)
        self.blockSignals(False)

    def value(self):
        return self.currentData()

    def set_value(self, value) -> None:
        index = self.findData(value)
        self.setCurrentIndex(index if index >= 0 else 0)


class CountryBox(QComboBox):
    """Editable ICAO country picker: type the code or the name, neighbours of Niger first.

    What is typed is read by :func:`db.validation.match_country` when the field is left
    (Tab, Enter, a click elsewhere): a code or a name that means one country is taken and
    shown as the list's entry ("niger" -> "NER — Niger"); a text that means several
    countries or none stays as typed, :meth:`value` is ``None`` and :meth:`problem` says
    why. :attr:`checked` is emitted each time the field is left or set."""

    checked = Signal()

    def __init__(self, parent: QWidget | None = None, *, field: str = "Country"):
        super().__init__(parent)
        self.field = field  # msgid of the field's name, for the messages
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self._fill()
        self.lineEdit().editingFinished.connect(self.commit_text)
        self.activated.connect(lambda _i: self.checked.emit())
        # the completer's popup eats the line's focus-out (no editingFinished when Tab leaves
        # a field whose popup is open): watch where the focus goes instead

        QApplication.instance().focusChanged.connect(self._focus_moved)
        unsubscribe = on_language_changed(lambda _l: self._fill())
        self.destroyed.connect(lambda *_: unsubscribe())

    def _fill(self) -> None:
        try:
            current = self.value()
            typed = self.currentText()
        except RuntimeError:
            return
        self.blockSignals(True)
        self.clear()
        self.addItem("", None)
        lang = current_language()
        for code in countries.ordered_codes(lang):
            self.addItem(f"{code} — {countries.name(code, lang)}", code)
        if current is not None or not typed.strip():
            self.set_value(current, notify=False)
        else:
            self.setEditText(typed)  # a text that names no one country stays as typed
        self.blockSignals(False)

    def _focus_moved(self, old, new) -> None:
        mine = (self, self.lineEdit())
        if old in mine and new not in mine and new is not self.completer().popup():
            self.commit_text()

    def _match(self):
        return match_country(self.currentText())

    def value(self) -> str | None:
        text = self.currentText().strip()
        if not text:
            return None
        index = self.findText(text)
        if index > 0:
            return self.itemData(index)
        found = self._match()
        return found.code if found is not None else None

    def problem(self) -> str | None:
        """Why the text names no one country (translated), or ``None`` (empty or one country)."""
        return country_problem(self.currentText(), self.field)

    def commit_text(self) -> None:
        """Take what was typed: show the country's entry when it names one country."""
        popup = self.completer().popup()
        if popup is not None and popup.isVisible():
            popup.hide()
        text = self.currentText().strip()
        if text and self.findText(text) <= 0:
            found = self._match()
            if found is not None and found.code is not None:
                self.set_value(found.code, notify=False)
        self.checked.emit()

    def set_value(self, code: str | None, *, notify: bool = True) -> None:
        if not code:
            self.setCurrentIndex(0)
            self.setEditText("")
        else:
            index = self.findData(code)
            if index < 0:
                self.addItem(code, code)
                index = self.count() - 1
            self.setCurrentIndex(index)
            self.setEditText(self.itemText(index))
        if notify:
            self.checked.emit()


def monospace_font() -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(max(font.pointSizeF(), 11))
    return font


class ScanField(QPlainTextEdit):
    """Receives a passport reader's or a barcode scanner's keystroke burst, or typing.

    Readers and scanners type fast (a few ms between keys) and end with Enter; people type
    80-300 ms apart. When the keys stop for ``IDLE_MS``, the burst is classified by
    :func:`border_app.wedge.classify` from its text and its key timings: an MRZ goes to
    :attr:`scanned`, a barcode's content to :attr:`barcodeScanned`; typing waits until it
    forms complete MRZ lines, or until Ctrl+Enter.
    """

    scanned = Signal(str)
    barcodeScanned = Signal(str)
    IDLE_MS = 250

    def __init__(self, parent: QWidget | None = None, *, looks_complete: Callable[[str], bool]):
        super().__init__(parent)
        self._looks_complete = looks_complete
        self._times: list[float] = []
        self._clock = QElapsedTimer()
        self._clock.start()
        self.setFont(monospace_font())
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.IDLE_MS)
        self._timer.timeout.connect(self._idle)
        self.textChanged.connect(self._timer.start)

    def recently_typed(self, within_ms: float = 150.0) -> bool:
        """A key reached this field less than ``within_ms`` ago (a reader's burst goes on)."""
        return bool(self._times) and self._clock.elapsed() - self._times[-1] <= within_ms

    def reset(self) -> None:
        self.blockSignals(True)
        self.clear()
        self.blockSignals(False)
        self._timer.stop()
        self._times.clear()

    def keyPressEvent(self, event) -> None:
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and ctrl:
            self._timer.stop()
            text = self.toPlainText()
            if text.strip():
                from border_app.wedge import KNOWN_PREFIXES

                if text.strip().upper().startswith(tuple(p.upper() for p in KNOWN_PREFIXES)):
                    self.barcodeScanned.emit(text.strip())
                else:
                    self.scanned.emit(text)
            return
        if event.text():
            self._times.append(float(self._clock.elapsed()))
        super().keyPressEvent(event)

    def _idle(self) -> None:
        text = self.toPlainText()
        if not text.strip():
            return
        burst = classify(text, intervals_from_times(self._times) or None)
        if burst.kind == "mrz" or (burst.kind == "typing" and self._looks_complete(text)):
            self.scanned.emit(text)
        elif burst.kind == "barcode":
            self.barcodeScanned.emit(burst.text.strip())


def parse_iso_date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    return date.fromisoformat(text)


def day_and_search(owner, parent: QWidget, *, day_name: str, search_name: str):
    """The day picker and the debounced search box that list screens share.

    ``owner`` is a :class:`ui.i18n.Retranslatable` screen with a ``refresh()`` method: it is
    called when the day changes and 250 ms after the last keystroke in the search box.
    Returns ``(day, search)``.
    """

    day = QDateEdit(parent)
    day.setObjectName(day_name)
    day.setCalendarPopup(True)
    day.setDisplayFormat("dd/MM/yyyy")
    day.setDate(QDate(post_today()))
    day.dateChanged.connect(lambda _d: owner.refresh())
    search = QLineEdit(parent)
    search.setObjectName(search_name)
    search.setClearButtonEnabled(True)
    owner.bind(search.setPlaceholderText, N_("Search by name or document number…"))
    debounce = QTimer(search)
    debounce.setSingleShot(True)
    debounce.setInterval(250)
    debounce.timeout.connect(owner.refresh)
    search.textChanged.connect(debounce.start)
    return day, search


def selected_day(day_edit) -> date:
    qd = day_edit.date()
    return date(qd.year(), qd.month(), qd.day())
