"""Administration screens: user accounts (post administrator) and the audit trail."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
    QHeaderView, QLabel, QLineEdit, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from border_app.clock import post_time
from border_app.errors import UserFacingError
from border_app.i18n import N_, _
from border_app.roles import Role

from .i18n import Retranslatable
from .ops import Op
from .widgets import Notice


class NewUserDialog(QDialog, Retranslatable):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("newUserDialog")
        form = QFormLayout(self)
        self.username, self.full_name = QLineEdit(self), QLineEdit(self)
        self.username.setObjectName("newUsername")
        self.full_name.setObjectName("newFullName")
        self.role = QComboBox(self)
        self.role.setObjectName("newRole")
        for role in Role:
            self.role.addItem(role.label, role)
        self.password, self.confirm = QLineEdit(self), QLineEdit(self)
        self.password.setObjectName("newPassword")
        self.confirm.setObjectName("newConfirm")
        for w in (self.password, self.confirm):
            w.setEchoMode(QLineEdit.EchoMode.Password)
        for msgid, widget in ((N_("User name"), self.username), (N_("Full name"), self.full_name),
                              (N_("Role"), self.role), (N_("Password"), self.password),
                              (N_("Password (again)"), self.confirm)):
            label = QLabel(self)
            self.bind(label.setText, msgid)
            form.addRow(label, widget)
        self.notice = Notice(self)
        form.addRow(self.notice)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.bind(self.setWindowTitle, N_("New account"))

    def _check(self) -> None:
        if self.password.text() != self.confirm.text():
            self.notice.show_message(_("The two passwords differ."), "error")
            return
        self.accept()


class UsersScreen(QWidget, Retranslatable):
    COLUMNS = (N_("User name"), N_("Full name"), N_("Role"), N_("Active"))

    def __init__(self, db, actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("usersScreen")
        self.users = []
        layout = QVBoxLayout(self)
        self.table = QTableWidget(self)
        self.table.setObjectName("usersTable")
        self.table.setColumnCount(len(self.COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.notice = Notice(self)
        layout.addWidget(self.notice)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.add_button, self.toggle_button = QPushButton(self), QPushButton(self)
        self.add_button.setObjectName("addUserButton")
        self.bind(self.add_button.setText, N_("New account…"))
        self.bind(self.toggle_button.setText, N_("Activate / deactivate"))
        self.add_button.clicked.connect(self.add_user)
        self.toggle_button.clicked.connect(self.toggle_user)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.toggle_button)
        layout.addLayout(buttons)
        self.on_retranslate()

    def service(self):
        from db.services import UserService

        return UserService(self.db, self.actor)

    def on_retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([_(c) for c in self.COLUMNS])
        self._fill()

    def refresh(self) -> None:
        Op(lambda: self.service().list_users(), parent=self).success(self._loaded).run()

    def _loaded(self, users) -> None:
        self.users = users
        self._fill()

    def _fill(self) -> None:
        self.table.setRowCount(len(self.users))
        for r, u in enumerate(self.users):
            for c, value in enumerate((u.username, u.full_name, u.role.label, _("yes") if u.active else _("no"))):
                self.table.setItem(r, c, QTableWidgetItem(value))

    def add_user(self) -> None:
        dialog = NewUserDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        args = dict(username=dialog.username.text().strip(), full_name=dialog.full_name.text().strip(),
                    role=dialog.role.currentData(), password=dialog.password.text())

        def failed(exc):
            if isinstance(exc, UserFacingError):
                self.notice.show_message(exc.message, "error")
            else:
                from .errors import show_error

                show_error(self, exc)

        Op(lambda: self.service().create_user(**args), parent=self) \
            .success(lambda u: (self.notice.show_message(_("Account {name} created.").format(name=u.username), "ok"), self.refresh())) \
            .failure(failed).run()

    def toggle_user(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.users):
            self.notice.show_message(_("Select an account first."), "warning")
            return
        user = self.users[row]
        Op(lambda: self.service().set_active(user.id, not user.active), parent=self) \
            .success(lambda _u: self.refresh()).run()


class AuditScreen(QWidget, Retranslatable):
    COLUMNS = (N_("When"), N_("User"), N_("Action"), N_("Record"), N_("No."))

    def __init__(self, db, actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("auditScreen")
        self.entries = []
        layout = QVBoxLayout(self)
        self.table = QTableWidget(self)
        self.table.setObjectName("auditTable")
        self.table.setColumnCount(len(self.COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        refresh = QPushButton(self)
        self.bind(refresh.setText, N_("Refresh"))
        refresh.clicked.connect(self.refresh)
        layout.addWidget(refresh)
        self.on_retranslate()

    def on_retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([_(c) for c in self.COLUMNS])

    def refresh(self) -> None:
        from db.services import AuditService

        Op(lambda: AuditService(self.db, self.actor).list(limit=500), parent=self).success(self._loaded).run()

    def _loaded(self, entries) -> None:
        self.entries = entries
        self.table.setRowCount(len(entries))
        for r, e in enumerate(entries):
            values = (post_time(e.at).strftime("%Y-%m-%d %H:%M:%S"), (e.user_id or "")[:8], e.action,
                      f"{e.entity} {(e.entity_id or '')[:8]}", str(e.seq))
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
