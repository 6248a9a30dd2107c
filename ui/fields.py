"""Form fields shared by the screens (translated choice lists, country pickers, dates)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QComboBox, QCompleter, QPlainTextEdit, QWidget

from border_app import countries
from border_app.clock import post_today
from border_app.i18n import _, current_language, on_language_changed


class ChoiceBox(QComboBox):
    """A combo box of (value, label-msgid) pairs whose labels follow the language."""

    def __init__(self, choices: Sequence[tuple[object, str]], parent: QWidget | None = None, *, blank: str | None = None):
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
    """Editable ICAO country picker: type the code or the name, neighbours of Niger first."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self._fill()
        unsubscribe = on_language_changed(lambda _l: self._fill())
        self.destroyed.connect(lambda *_: unsubscribe())

    def _fill(self) -> None:
        try:
            current = self.value()
        except RuntimeError:
            return
        self.blockSignals(True)
        self.clear()
        self.addItem("", None)
        lang = current_language()
        for code in countries.ordered_codes(lang):
            self.addItem(f"{code} — {countries.name(code, lang)}", code)
        self.set_value(current)
        self.blockSignals(False)

    def value(self) -> str | None:
        text = self.currentText().strip()
        if not text:
            return None
        index = self.findText(text)
        if index >= 0:
            return self.itemData(index)
        code = text.split("—")[0].strip().upper()
        return code if countries.is_valid_code(code) else None

    def set_value(self, code: str | None) -> None:
        if not code:
            self.setCurrentIndex(0)
            self.setEditText("")
            return
        index = self.findData(code)
        if index < 0:
            self.addItem(code, code)
            index = self.count() - 1
        self.setCurrentIndex(index)


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

    def reset(self) -> None:
        self.blockSignals(True)
        self.clear()
        self.blockSignals(False)
        self._timer.stop()
        self._times.clear()

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
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
        from border_app.wedge import classify, intervals_from_times

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
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QDateEdit, QLineEdit

    from border_app.i18n import N_

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
