"""The day's registrations: search by name or document number, edit, void, print or reprint
the attestation."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QInputDialog, QLabel, QMenu,
    QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from border_app import countries
from border_app.clock import post_time
from border_app.i18n import N_, _
from border_app.model import Registration
from border_app.roles import Permission, allowed

from .fields import day_and_search, selected_day
from .i18n import Retranslatable
from .ops import Op
from .widgets import Notice

def _outcome_label(code: str | None) -> str:
    """The screening outcome in the user's language (outcome only: never details)."""
    if not code:
        return ""
    from border_app.screening import Outcome

    try:
        return Outcome(code).label
    except ValueError:
        return code


COLUMNS = (N_("Time"), N_("Name"), N_("Document"), N_("Nationality"), N_("Direction"), N_("Transport"), N_("Status"))


class RegistrationsList(QWidget, Retranslatable):
    editRequested = Signal(object)

    def __init__(self, db, actor, parent: QWidget | None = None, *, settings=None, profile=None, demo: bool = False):
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.settings, self.profile, self.demo = settings, profile, demo
        self.setObjectName("registrationsList")
        self.rows: list[Registration] = []
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.day, self.search = day_and_search(self, self, day_name="dayEdit", search_name="searchBox")
        day_label = QLabel(self)
        self.bind(day_label.setText, N_("Day"))
        bar.addWidget(day_label)
        bar.addWidget(self.day)
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

        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")
        self.notice = Notice(self)
        layout.addWidget(self.notice)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count_label)
        buttons.addStretch(1)
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
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self._fill()

    def refresh(self) -> None:
        from db.services import RegistrationService

        day = selected_day(self.day)
        query = self.search.text().strip() or None
        Op(lambda: RegistrationService(self.db, self.actor).list_day(day, query=query), parent=self) \
            .success(self._loaded).run()

    def _loaded(self, rows: list[Registration]) -> None:
        self.rows = rows
        self._fill()

    def _fill(self) -> None:
        self.table.setRowCount(len(self.rows))
        for r, reg in enumerate(self.rows):
            p, d, c = reg.person, reg.document, reg.crossing
            doc = f"{d.number} ({d.issuing_state or '?'})" if d else _("declared identity")
            status = _("voided") if reg.voided else _outcome_label(reg.screening_outcome)
            values = (
                post_time(c.crossed_at).strftime("%H:%M"),
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
                from .registration import confirmed_mark_text

                doc_item = self.table.item(r, 2)
                doc_item.setText(doc_item.text() + " ⚠")
                doc_item.setToolTip(confirmed_mark_text(reg.confirmed_invalid, reg.confirmed_expired))
        self.count_label.setText(_("{n} registration(s)").format(n=len(self.rows)))

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
        from .print_dialogs import print_slip

        def failed(exc) -> None:
            from border_app.errors import UserFacingError

            if isinstance(exc, UserFacingError):
                self.notice.show_message(exc.message, "error")
            else:
                from .errors import show_error

                show_error(self, exc)

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
        from db.services import RegistrationService

        Op(lambda: RegistrationService(self.db, self.actor).void(reg.crossing_id, reason.strip()), parent=self) \
            .success(lambda _r: (self.notice.show_message(_("Registration voided."), "ok"), self.refresh())).run()
