"""Administration screens: user accounts (post administrator) and the audit trail."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from border_app.audit_labels import action_choices, action_label, entity_label
from border_app.dates import DATE_PLACEHOLDER, format_datetime, parse_date
from border_app.i18n import N_, _
from border_app.roles import Role
from db.services import AuditService, UserService

from .errors import report_failure
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

    def on_retranslate(self) -> None:
        for i in range(self.role.count()):  # the roles' names follow the language too
            self.role.setItemText(i, Role(self.role.itemData(i)).label)

    def _check(self) -> None:
        if self.password.text() != self.confirm.text():
            self.notice.show_message(_("The two passwords differ."), "error")
            return
        self.accept()


class ResetPasswordDialog(QDialog, Retranslatable):
    """The administrator gives an account a new password, typed twice."""

    def __init__(self, username: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("resetPasswordDialog")
        self.username = username
        layout = QVBoxLayout(self)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        form = QFormLayout()
        self.password, self.confirm = QLineEdit(self), QLineEdit(self)
        self.password.setObjectName("resetPassword")
        self.confirm.setObjectName("resetConfirm")
        for msgid, widget in ((N_("New password"), self.password), (N_("New password again"), self.confirm)):
            widget.setEchoMode(QLineEdit.EchoMode.Password)
            label = QLabel(self)
            self.bind(label.setText, msgid)
            form.addRow(label, widget)
        layout.addLayout(form)
        self.notice = Notice(self)
        layout.addWidget(self.notice)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("resetOk")
        self.bind(self.ok_button.setText, N_("Set the new password"))
        self.bind(self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText, N_("Cancel"))
        self.buttons.accepted.connect(self._check)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.bind(self.setWindowTitle, N_("Reset a password"))
        self.on_retranslate()
        self.password.setFocus()

    def on_retranslate(self) -> None:
        self.intro.setText(_("New password for the account {user}. The account is unlocked too; give the "
                             "password to its user in person.").format(user=self.username))

    def _check(self) -> None:
        if not self.password.text():
            self.notice.show_message(_("Type the new password."), "error")
            self.password.setFocus()
            return
        if self.password.text() != self.confirm.text():
            self.notice.show_message(_("The two passwords differ."), "error")
            self.confirm.selectAll()
            self.confirm.setFocus()
            return
        self.accept()


def _item(text: str, tooltip: str | None = None) -> QTableWidgetItem:
    """A table cell whose full text shows as a tooltip (a narrow column elides it)."""
    item = QTableWidgetItem(text)
    item.setToolTip(tooltip if tooltip is not None else text)
    return item


def _fit_columns(table: QTableWidget, stretch: int) -> None:
    """Columns as wide as their header and contents; ``stretch`` takes the rest (and elides)."""
    header = table.horizontalHeader()
    header.setMinimumSectionSize(40)
    for c in range(table.columnCount()):
        mode = QHeaderView.ResizeMode.Stretch if c == stretch else QHeaderView.ResizeMode.ResizeToContents
        header.setSectionResizeMode(c, mode)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.setWordWrap(False)


class UsersScreen(QWidget, Retranslatable):
    COLUMNS = (N_("User name"), N_("Full name"), N_("Role"), N_("State"))

    def __init__(self, db, actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("usersScreen")
        self.users = []
        self.reset_dialog: ResetPasswordDialog | None = None
        layout = QVBoxLayout(self)
        self.table = QTableWidget(self)
        self.table.setObjectName("usersTable")
        self.table.setColumnCount(len(self.COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        _fit_columns(self.table, stretch=1)
        layout.addWidget(self.table, 1)
        self.notice = Notice(self)
        self.notice.setObjectName("usersNotice")
        layout.addWidget(self.notice)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.add_button, self.toggle_button = QPushButton(self), QPushButton(self)
        self.unlock_button, self.reset_button = QPushButton(self), QPushButton(self)
        self.add_button.setObjectName("addUserButton")
        self.toggle_button.setObjectName("toggleUserButton")
        self.unlock_button.setObjectName("unlockUserButton")
        self.reset_button.setObjectName("resetPasswordButton")
        self.bind(self.add_button.setText, N_("New account…"))
        self.bind(self.toggle_button.setText, N_("Activate / deactivate"))
        self.bind(self.unlock_button.setText, N_("Unlock"))
        self.bind(self.reset_button.setText, N_("Reset password…"))
        self.bind(self.unlock_button.setToolTip, N_("Let an account locked after too many wrong passwords sign in "
                                                    "again"))
        self.bind(self.reset_button.setToolTip, N_("Give the selected account a new password (it is unlocked "
                                                   "too)"))
        self.add_button.clicked.connect(self.add_user)
        self.toggle_button.clicked.connect(self.toggle_user)
        self.unlock_button.clicked.connect(self.unlock_user)
        self.reset_button.clicked.connect(self.reset_password)
        for b in (self.add_button, self.toggle_button, self.unlock_button, self.reset_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.on_retranslate()

    def service(self):
        return UserService(self.db, self.actor)

    def on_retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([_(c) for c in self.COLUMNS])
        self._fill()

    def refresh(self) -> None:
        Op(lambda: self.service().list_users(), parent=self).success(self._loaded).run()

    def _loaded(self, users) -> None:
        selected = self.selected()
        self.users = users
        self._fill()
        if selected is not None:
            for r, u in enumerate(self.users):
                if u.id == selected.id:
                    self.table.selectRow(r)

    @staticmethod
    def state_text(u) -> str:
        if not u.active:
            return _("deactivated")
        return _("locked") if getattr(u, "locked", False) else _("active")

    def _fill(self) -> None:
        self.table.setRowCount(len(self.users))
        for r, u in enumerate(self.users):
            for c, value in enumerate((u.username, u.full_name, u.role.label, self.state_text(u))):
                self.table.setItem(r, c, _item(value))
        self.table.resizeColumnsToContents()

    def selected(self):
        row = self.table.currentRow()
        return self.users[row] if 0 <= row < len(self.users) else None

    def _failed(self, exc) -> None:
        report_failure(self, exc, self.notice)

    def add_user(self) -> None:
        dialog = NewUserDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        args = dict(username=dialog.username.text().strip(), full_name=dialog.full_name.text().strip(),
                    role=dialog.role.currentData(), password=dialog.password.text())
        def created(u) -> None:
            self.notice.show_message(_("Account {name} created.").format(name=u.username), "ok")
            self.refresh()

        Op(lambda: self.service().create_user(**args), parent=self).success(created).failure(self._failed).run()

    def toggle_user(self) -> None:
        user = self.selected()
        if user is None:
            self.notice.show_message(_("Select an account first."), "warning")
            return
        Op(lambda: self.service().set_active(user.id, not user.active), parent=self) \
            .success(lambda _u: self.refresh()).failure(self._failed).run()

    def unlock_user(self) -> None:
        user = self.selected()
        if user is None:
            self.notice.show_message(_("Select an account first."), "warning")
            return

        def done(info) -> None:
            self.notice.show_message(_("Account {user} is unlocked: it can sign in again.").format(
                user=info.username), "ok")
            self.refresh()

        Op(lambda: self.service().unlock(user.id), parent=self).success(done).failure(self._failed).run()

    def reset_password(self) -> None:
        """Ask the new password twice (a window-modal dialog), then set it."""
        user = self.selected()
        if user is None:
            self.notice.show_message(_("Select an account first."), "warning")
            return
        dialog = ResetPasswordDialog(user.username, self)
        self.reset_dialog = dialog

        def accepted() -> None:
            password = dialog.password.text()
            dialog.password.clear()
            dialog.confirm.clear()

            def done(_none) -> None:
                self.notice.show_message(_("The password of {user} was changed and the account unlocked. Give the "
                                           "new password to its user in person.").format(user=user.username), "ok")
                self.refresh()

            Op(lambda: self.service().reset_password(user.id, password), parent=self) \
                .success(done).failure(self._failed).run()

        dialog.accepted.connect(accepted)
        dialog.open()


class AuditScreen(QWidget, Retranslatable):
    """The audit trail, readable: times in the post's zone, user names, actions in words;
    filtered in the database by period, user and action. Ids only: no traveller data."""

    COLUMNS = (N_("When"), N_("User"), N_("Action"), N_("Record"), N_("No."))
    LIMIT = 500

    def __init__(self, db, actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("auditScreen")
        self.entries = []
        self.user_choices: list[tuple[str, str]] = []
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.since, self.until = QLineEdit(self), QLineEdit(self)
        self.since.setObjectName("auditSince")
        self.until.setObjectName("auditUntil")
        self.user_filter, self.action_filter = QComboBox(self), QComboBox(self)
        self.user_filter.setObjectName("auditUser")
        self.action_filter.setObjectName("auditAction")
        self.action_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.action_filter.setMinimumContentsLength(18)
        self.user_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.user_filter.setMinimumContentsLength(12)
        self.labels = []
        for msgid, widget in ((N_("From"), self.since), (N_("To"), self.until), (N_("User"), self.user_filter),
                              (N_("Action"), self.action_filter)):
            label = QLabel(self)
            self.bind(label.setText, msgid)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget)
            self.labels.append(label)
        for w in (self.since, self.until):
            w.setMaximumWidth(120)
            self.bind(w.setPlaceholderText, DATE_PLACEHOLDER)
            w.returnPressed.connect(self.refresh)
        self.show_button = QPushButton(self)
        self.show_button.setObjectName("auditShow")
        self.bind(self.show_button.setText, N_("Show"))
        self.show_button.clicked.connect(self.refresh)
        filters.addWidget(self.show_button)
        filters.addStretch(1)
        layout.addLayout(filters)
        self.table = QTableWidget(self)
        self.table.setObjectName("auditTable")
        self.table.setColumnCount(len(self.COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        _fit_columns(self.table, stretch=3)
        layout.addWidget(self.table, 1)
        self.notice = Notice(self)
        self.notice.setObjectName("auditNotice")
        layout.addWidget(self.notice)
        self.on_retranslate()

    def service(self):
        return AuditService(self.db, self.actor)

    def on_retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([_(c) for c in self.COLUMNS])
        self._fill_choices()
        self._fill()

    def _fill_choices(self) -> None:
        user, action = self.user_filter.currentData(), self.action_filter.currentData()
        self.user_filter.clear()
        self.user_filter.addItem(_("All users"), None)
        for uid, name in self.user_choices:
            self.user_filter.addItem(name, uid)
        self.action_filter.clear()
        self.action_filter.addItem(_("All actions"), None)
        for code, label in action_choices():
            self.action_filter.addItem(label, code)
        for combo, value in ((self.user_filter, user), (self.action_filter, action)):
            index = combo.findData(value) if value is not None else 0
            combo.setCurrentIndex(max(0, index))

    def filters(self) -> dict | None:
        """The filter fields as the service's arguments (None, with a message, when a date is wrong)."""
        out: dict = {"user_id": self.user_filter.currentData(), "action": self.action_filter.currentData()}
        for key, field in (("since", self.since), ("until", self.until)):
            text = field.text().strip()
            day = parse_date(text) if text else None
            if text and day is None:
                self.notice.show_message(_("Type the date as {format}.").format(format=_(DATE_PLACEHOLDER)), "error")
                field.setFocus()
                return None
            out[key] = day
        return out

    def refresh(self) -> None:
        wanted = self.filters()
        if wanted is None:
            return
        self.notice.hide()
        limit = self.LIMIT

        def load():
            service = self.service()
            return service.users(), service.list(limit=limit, **wanted)

        Op(load, parent=self).success(self._loaded).failure(self._failed).run()

    def _failed(self, exc) -> None:
        report_failure(self, exc, self.notice)

    def _loaded(self, result) -> None:
        users, entries = result
        if users != self.user_choices:
            self.user_choices = users
            self._fill_choices()
        self.entries = entries
        self._fill()
        if len(entries) >= self.LIMIT:
            self.notice.show_message(_("Only the newest {count} entries are shown: choose a shorter period, a user "
                                       "or an action.").format(count=self.LIMIT), "warning")

    def _fill(self) -> None:
        self.table.setRowCount(len(self.entries))
        accounts = dict(self.user_choices)        # an account is named by its user name, not its id
        for r, e in enumerate(self.entries):
            record = entity_label(e.entity)
            if e.entity == "user" and e.entity_id in accounts:
                record += " " + accounts[e.entity_id]
            elif e.entity_id:
                record += " " + e.entity_id[:8]
            user = e.username or ("—" if e.user_id is None else e.user_id[:8])
            values = ((format_datetime(e.at, seconds=True), None), (user, None),
                      (action_label(e.action, e.entity), e.action),
                      (record, f"{entity_label(e.entity)} {e.entity_id or ''}"), (str(e.seq), None))
            for c, (value, tip) in enumerate(values):
                self.table.setItem(r, c, _item(value, tip))
        self.table.horizontalHeader().setStretchLastSection(False)   # column 3 stretches (its mode)
