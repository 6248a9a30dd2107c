"""The day's registrations, edit, void, print or reprint the attestation; the search box
finds earlier travellers on every day by name or document number (newest first, at most
``SEARCH_LIMIT``, with a note when there are more); clearing it goes back to the day."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from border_app import countries
from border_app.clock import post_time
from border_app.dates import format_datetime
from border_app.i18n import N_, _, ngettext
from border_app.model import Registration
from border_app.roles import Permission, allowed
from border_app.screening import Outcome
from db.services import RegistrationService

from .errors import report_failure
from .fields import day_and_search, selected_day
from .i18n import Retranslatable
from .ops import Op
from .print_dialogs import print_slip
from .registration_confirm import confirmed_mark_text
from .widgets import ElidedLabel, Notice


def _outcome_label(code: str | None) -> str:
    """The screening outcome in the user's language (outcome only: never details)."""
    if not code:
        return ""

    try:
        return Outcome(code).label
    except ValueError:
        return code


#: crossings shown for a search of every day (the newest); more: "refine the search"
SEARCH_LIMIT = 200

COLUMNS = (N_("Time"), N_("Name"), N_("Document"), N_("Nationality"), N_("Direction"), N_("Transport"), N_("Status"))


class RegistrationsList(QWidget, Retranslatable):
    editRequested = Signal(object)

    def __init__(self, db, actor, parent: QWidget | None = None, *, settings=None, profile=None, demo: bool = False):
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.settings, self.profile, self.demo = settings, profile, demo
        self.setObjectName("registrationsList")
        self.rows: list[Registration] = []
        self.searched = False   # the rows are a search of every day, not the chosen day
        self.sees_outcomes = allowed(actor.role, Permission.VIEW_SCREENING_OUTCOME)
        self.more = False       # the search found more than SEARCH_LIMIT crossings
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.day, self.search = day_and_search(self, self, day_name="dayEdit", search_name="searchBox")
        day_label = QLabel(self)
        self.bind(day_label.setText, N_("Day"))
        bar.addWidget(day_label)
        bar.addWidget(self.day)
        self.bind(self.search.setPlaceholderText, N_("Search every day by name or document number…"))
        self.bind(self.search.setToolTip, N_("Finds earlier travellers on every day, newest first. "
                                             "Clear the search to go back to the chosen day."))
        bar.addWidget(self.search, 1)
        layout.addLayout(bar)

        self.table = QTableWidget(self)
        self.table.setObjectName("registrationsTable")
        self.table.setColumnCount(len(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        layout.addWidget(self.table, 1)

        self.count_label = ElidedLabel(self)
        self.count_label.setObjectName("countLabel")
        self.count_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.more_label = QLabel(self)  # "more results: refine the search", when a search is capped
        self.more_label.setObjectName("moreResultsLabel")
        self.more_label.setWordWrap(True)
        self.more_label.setStyleSheet("color:#e65100;")
        self.more_label.hide()
        layout.addWidget(self.more_label)
        self.notice = Notice(self)
        layout.addWidget(self.notice)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label, 1)  # elided with a tooltip rather than pushing the buttons out
        self.edit_button = QPushButton(self)
        self.edit_button.setObjectName("editButton")
        self.bind(self.edit_button.setText, N_("Edit"))
        self.edit_button.clicked.connect(self.edit_selected)
        self.edit_button.setVisible(allowed(actor.role, Permission.EDIT_REGISTRATION))
        self.void_button = QPushButton(self)
        self.void_button.setObjectName("voidButton")
        self.bind(self.void_button.setText, N_("Void…"))
        self.void_button.clicked.connect(self.void_selected)
        self.void_button.setVisible(allowed(actor.role, Permission.VOID_REGISTRATION))
        self.print_button = QPushButton(self)
        self.print_button.setObjectName("printSlipButton")
        self.bind(self.print_button.setText, N_("Print / reprint"))
        print_menu = QMenu(self.print_button)
        for kind, msgid in (("registration", N_("Registration attestation")),
                            ("screening", N_("Health screening attestation"))):
            action = print_menu.addAction(_(msgid))
            action.setObjectName(f"print_{kind}")
            action.triggered.connect(lambda _checked=False, k=kind: self.print_selected(k))
            self.bind(action.setText, msgid)
        self.print_button.setMenu(print_menu)
        self.print_button.setVisible(allowed(actor.role, Permission.PRINT_SLIP))
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.void_button)
        layout.addLayout(buttons)
        self.on_retranslate()

    def on_retranslate(self) -> None:
        self._set_headers()
        self._fill()

    def _set_headers(self) -> None:
        """The first column holds the time on a day, the date and time when searching all days."""
        headers = [_(c) for c in COLUMNS]
        if getattr(self, "searched", False):
            headers[0] = _("Date and time")
        self.table.setHorizontalHeaderLabels(headers)

    def refresh(self) -> None:
        """The chosen day's crossings, or — while the search box holds text — the crossings
        of every day that match it (the day picker is then set aside)."""
        day = selected_day(self.day)
        query = self.search.text().strip()
        self.day.setEnabled(not query)
        if query:
            Op(lambda: RegistrationService(self.db, self.actor).search(query, limit=SEARCH_LIMIT + 1), parent=self) \
                .success(lambda rows: self._loaded(rows, searched=True)).run()
        else:
            Op(lambda: RegistrationService(self.db, self.actor).list_day(day), parent=self) \
                .success(self._loaded).run()

    def _loaded(self, rows: list[Registration], *, searched: bool = False) -> None:
        self.searched = searched
        self.more = searched and len(rows) > SEARCH_LIMIT
        self.rows = rows[:SEARCH_LIMIT] if searched else rows
        self._set_headers()
        self._fill()

    def _fill(self) -> None:
        self.table.setRowCount(len(self.rows))
        for r, reg in enumerate(self.rows):
            p, d, c = reg.person, reg.document, reg.crossing
            doc = f"{d.number} ({d.issuing_state or '?'})" if d else _("declared identity")
            status = _("voided") if reg.voided else _outcome_label(reg.screening_outcome)
            if not status and self.sees_outcomes:      # as the screening list says it
                status = _("not screened")
            values = (
                format_datetime(c.crossed_at) if self.searched else post_time(c.crossed_at).strftime("%H:%M"),
                " ".join(x for x in (p.surname, p.given_names) if x),
                doc,
                countries.name(p.nationality) if p.nationality else "",
                c.direction.label,
                c.transport_mode.label if c.transport_mode else "",
                status,
            )
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if reg.voided:
                    font = item.font()
                    font.setStrikeOut(True)
                    item.setFont(font)
                self.table.setItem(r, col, item)
            if reg.confirmed_invalid or reg.confirmed_expired:  # saved with a confirmed invalid/expired document
                doc_item = self.table.item(r, 2)
                doc_item.setText(doc_item.text() + " ⚠")
                doc_item.setToolTip(confirmed_mark_text(reg.confirmed_invalid, reg.confirmed_expired))
        n = len(self.rows)
        if not self.searched:
            self.count_label.setText(ngettext("{n} registration", "{n} registrations", n).format(n=n))
        elif self.more:
            self.count_label.setText(ngettext("The newest {n} crossing found, every day",
                                              "The newest {n} crossings found, every day", n).format(n=n))
        else:
            self.count_label.setText(ngettext("{n} crossing found, every day",
                                              "{n} crossings found, every day", n).format(n=n))
        self.more_label.setText(_("More results: refine the search (add a given name or more of the number)."))
        self.more_label.setVisible(self.more)

    def selected(self) -> Registration | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def edit_selected(self) -> None:
        reg = self.selected()
        if reg is None or not allowed(self.actor.role, Permission.EDIT_REGISTRATION):
            return
        if reg.voided:
            self.notice.show_message(_("A voided registration cannot be edited."), "warning")
            return
        self.editRequested.emit(reg)

    def print_selected(self, kind: str = "registration") -> None:
        """Print the selected traveller's attestation: a first print, or — when it was
        already printed — a DUPLICATA for the roles allowed to reprint (decided from the
        slip register in the worker)."""
        reg = self.selected()
        if reg is None:
            self.notice.show_message(_("Select a registration first."), "warning")
            return
        if reg.voided:
            self.notice.show_message(_("This registration was voided: no slip can be printed for it."), "warning")
            return

        def failed(exc) -> None:
            report_failure(self, exc, self.notice)

        self.notice.hide()
        print_slip(self, self.db, self.actor, reg.crossing_id, kind, settings=self.settings, profile=self.profile,
                   demo=self.demo, reprint=None, on_failure=failed)

    def void_selected(self) -> None:
        reg = self.selected()
        if reg is None:
            self.notice.show_message(_("Select a registration first."), "warning")
            return
        reason, ok = QInputDialog.getText(self, _("Void a registration"),
                                          _("Reason (required, kept in the audit trail):"))
        if not ok:
            return
        if not reason.strip():
            self.notice.show_message(_("A reason is required to void a registration."), "error")
            return

        Op(lambda: RegistrationService(self.db, self.actor).void(reg.crossing_id, reason.strip()), parent=self) \
            .success(lambda _r: (self.notice.show_message(_("Registration voided."), "ok"), self.refresh())).run()
