"""The signed-in user changes their own password (old, new, new again)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from border_app.errors import AuthenticationError
from border_app.i18n import N_, _
from db.services import AccountService

from .errors import report_failure
from .i18n import Retranslatable
from .ops import Op
from .widgets import Notice


class PasswordDialog(QDialog, Retranslatable):
    def __init__(self, db, actor, parent: QWidget | None = None):
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setObjectName("passwordDialog")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.old = QLineEdit(self)
        self.old.setObjectName("oldPassword")
        self.new = QLineEdit(self)
        self.new.setObjectName("newPassword")
        self.again = QLineEdit(self)
        self.again.setObjectName("newPasswordAgain")
        labels = []
        for field, msgid in ((self.old, N_("Current password")), (self.new, N_("New password")),
                             (self.again, N_("New password again"))):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            label = QLabel(self)
            self.bind(label.setText, msgid)
            form.addRow(label, field)
            labels.append(label)
        layout.addLayout(form)
        self.notice = Notice(self)
        self.notice.setObjectName("passwordNotice")
        layout.addWidget(self.notice)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("passwordOk")
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.bind(self.ok_button.setText, N_("Change the password"))
        self.bind(self.cancel_button.setText, N_("Cancel"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.bind(self.setWindowTitle, N_("Change my password"))
        self.old.setFocus()

    def submit(self) -> None:
        old, new, again = self.old.text(), self.new.text(), self.again.text()
        if not old:
            self._error(_("Enter your current password."), self.old)
            return
        if new != again:
            self.again.clear()
            self._error(_("The two new passwords differ. Type the new password again."), self.again)
            return

        self.ok_button.setEnabled(False)
        self.notice.show_message(_("Changing the password…"), "info")
        Op(lambda: AccountService(self.db).change_password(self.actor, old, new), parent=self) \
            .success(self._changed).failure(self._failed) \
            .finally_(lambda: self.ok_button.setEnabled(True)).run()

    def _error(self, text: str, field: QLineEdit) -> None:
        self.notice.show_message(text, "error")
        field.setFocus()

    def _failed(self, exc: BaseException) -> None:
        report_failure(self, exc, on_message=lambda message: self._refused(exc, message), on_crash=self.notice.hide)

    def _refused(self, exc: BaseException, message: str) -> None:
        if isinstance(exc, AuthenticationError):
            self.old.clear()
            self._error(message, self.old)
        else:
            self.new.clear()
            self.again.clear()
            self._error(message, self.new)

    def _changed(self, _result) -> None:
        self.old.clear()
        self.new.clear()
        self.again.clear()
        self.notice.show_message(_("Your password was changed."), "ok")
        self.accept()
