"""The layout helpers and field widgets of the screener's form (:mod:`ui.screening_form`).

* :class:`DecimalSpin`: a spin box that takes both decimal separators (``38,5``, ``38.5``).
* :class:`EnterMovesOn`: Enter / Return moves to the next field, like Tab;
  :func:`focus_visibly` gives a field the focus and scrolls it into view.
* :class:`OutcomeScroll`: the outcome's scroll area, as tall as its content allows.
* :class:`ColumnsLayout`: check boxes in as many columns as the width allows.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox, QComboBox, QDoubleSpinBox, QLayout, QLayoutItem, QLineEdit, QScrollArea, QWidget,
)


class DecimalSpin(QDoubleSpinBox):
    """A spin box that takes both decimal separators (``38,5`` and ``38.5``)."""

    def _norm(self, text: str) -> str:
        point = self.locale().decimalPoint()
        return text.replace(".", point).replace(",", point)

    def validate(self, text, pos):  # noqa: D401 - Qt override
        return super().validate(self._norm(text), pos)

    def valueFromText(self, text):  # noqa: N802 - Qt override
        return super().valueFromText(self._norm(text))


class EnterMovesOn(QObject):
    """Enter / Return in a field moves the focus to the next field (like Tab)."""

    def eventFilter(self, obj, event):  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if isinstance(obj, QComboBox) and obj.view().isVisible():
                return False
            if isinstance(obj, QAbstractSpinBox):
                obj.interpretText()
            if isinstance(obj, QLineEdit):
                obj.editingFinished.emit()
            _focus_next(obj)
            return True
        return False


def _focus_next(widget: QWidget) -> None:
    owner = widget.parentWidget() if isinstance(widget.parentWidget(), QAbstractSpinBox) else widget
    nxt = owner.nextInFocusChain()
    tab = Qt.FocusPolicy.TabFocus.value
    for _i in range(500):
        if nxt is None or nxt is owner:
            return
        if (nxt.isVisible() and nxt.isEnabled() and not owner.isAncestorOf(nxt)
                and (nxt.focusPolicy().value & tab) and not isinstance(nxt.focusProxy(), QWidget)):
            focus_visibly(nxt)
            return
        nxt = nxt.nextInFocusChain()


def focus_visibly(widget: QWidget) -> None:
    """Give ``widget`` the focus and scroll every enclosing scroll area so that it is in view
    (Tab does this by itself; Enter and a refused submission come through here)."""
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    ancestor = widget.parentWidget()
    while ancestor is not None:
        if isinstance(ancestor, QScrollArea):
            ancestor.ensureWidgetVisible(widget, 8, 16)
        ancestor = ancestor.parentWidget()


class OutcomeScroll(QScrollArea):
    """A vertical scroll area that asks for the full height of its content at its width, and
    gives way (scrolling) when the column is shorter than that."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().sizeHint()
        body = self.widget()
        if body is None:
            return hint
        width = max(1, self.width() - 2 * self.frameWidth())     # as without a scroll bar: no see-saw
        height = body.heightForWidth(width) if body.hasHeightForWidth() else body.sizeHint().height()
        return QSize(hint.width(), height + 2 * self.frameWidth())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        lines = self.fontMetrics().lineSpacing() * 5
        return QSize(super().minimumSizeHint().width(), min(lines, self.sizeHint().height()))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()


class ColumnsLayout(QLayout):
    """Check boxes in as many columns as the width allows (at most ``max_columns``), filled
    column by column, each column as wide as its widest box: a checklist reflows instead of
    needing a horizontal scroll bar. Height-for-width aware, so scroll areas size it right."""

    def __init__(self, parent: QWidget | None = None, *, hspacing: int = 16, vspacing: int = 2,
                 max_columns: int = 3):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._hspacing, self._vspacing, self._max_columns = hspacing, vspacing, max_columns
        self._cache: dict[int, tuple[int, list[tuple[QLayoutItem, QRect]]]] = {}

    # QLayout's item interface
    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt override
        self._items.append(item)
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):  # noqa: N802 - Qt override
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):  # noqa: N802 - Qt override
        if 0 <= index < len(self._items):
            item = self._items.pop(index)
            self.invalidate()
            return item
        return None

    def invalidate(self) -> None:
        self._cache.clear()
        super().invalidate()

    def expandingDirections(self):  # noqa: N802 - Qt override
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return self._arrange(width)[0]

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt override
        m = self.contentsMargins()
        widest = max((i.sizeHint().width() for i in self._visible()), default=0)
        return QSize(widest + m.left() + m.right(), self._arrange(widest + m.left() + m.right())[0])

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        m = self.contentsMargins()
        visible = self._visible()
        cols = min(2, self._max_columns, max(1, len(visible)))
        rows = -(-len(visible) // cols) if visible else 0
        widths = [max((i.sizeHint().width() for i in visible[c * rows:(c + 1) * rows]), default=0)
                  for c in range(cols)]
        width = sum(widths) + self._hspacing * (cols - 1) + m.left() + m.right()
        return QSize(width, self._arrange(width)[0])

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt override
        super().setGeometry(rect)
        _height, places = self._arrange(rect.width())
        for item, r in places:
            item.setGeometry(r.translated(rect.topLeft()))

    # the arrangement
    def _visible(self) -> list[QLayoutItem]:
        return [i for i in self._items if not i.isEmpty()]

    def _arrange(self, width: int) -> tuple[int, list[tuple[QLayoutItem, QRect]]]:
        if width in self._cache:
            return self._cache[width]
        m = self.contentsMargins()
        inner = max(0, width - m.left() - m.right())
        items = self._visible()
        hints = [i.sizeHint() for i in items]
        n = len(items)
        cols, rows, widths = 1, n, [max((h.width() for h in hints), default=0)]
        for c in range(min(self._max_columns, n), 1, -1):
            r = -(-n // c)
            ws = [max(h.width() for h in hints[k * r:(k + 1) * r]) for k in range(c) if hints[k * r:(k + 1) * r]]
            if sum(ws) + self._hspacing * (len(ws) - 1) <= inner:
                cols, rows, widths = len(ws), r, ws
                break
        if cols > 1:      # share what is left between the columns, so that they spread evenly
            spare = (inner - sum(widths) - self._hspacing * (cols - 1)) // cols
            widths = [w + spare for w in widths]
        else:
            widths = [inner]
        row_heights = [max((hints[c * rows + r].height() for c in range(cols) if c * rows + r < n), default=0)
                       for r in range(rows)]
        places = []
        for k, item in enumerate(items):
            c, r = divmod(k, rows) if rows else (0, 0)
            x = m.left() + sum(widths[:c]) + self._hspacing * c
            y = m.top() + sum(row_heights[:r]) + self._vspacing * r
            places.append((item, QRect(x, y, widths[c], row_heights[r])))
        height = m.top() + m.bottom() + sum(row_heights) + self._vspacing * max(0, rows - 1)
        self._cache[width] = (height, places)
        return height, places
