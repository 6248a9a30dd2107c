"""First run of a real post: the post, the administrator account, the post's keys."""

from __future__ import annotations

import re

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from border_app.i18n import N_, _
from db.services import PostService

from .errors import report_failure
from .i18n import Retranslatable, switch_language
from .ops import Op
from .widgets import Notice

PCODE = re.compile(r"^NE\d{3}(\d{3}){0,2}$")


class _Page(QWizardPage, Retranslatable):
    def __init__(self, title: str, subtitle: str):
        super().__init__()
        self.bind(self.setTitle, title)
        self.bind(self.setSubTitle, subtitle)
        self.form = QFormLayout()
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        self.notice = Notice(self)
        layout.addWidget(self.notice)

    def row(self, msgid: str, widget) -> None:
        label = QLabel(self)
        self.bind(label.setText, msgid)
        self.form.addRow(label, widget)

    def fail(self, message: str) -> bool:
        self.notice.show_message(message, "error")
        return False


class PostPage(_Page):
    def __init__(self):
        super().__init__(N_("The border post"),
                         N_("Name and P-code of this post, and the language of the application."))
        self.name = QLineEdit(self)
        self.name.setObjectName("postName")
        self.pcode = QLineEdit(self)
        self.pcode.setObjectName("pcode")
        self.pcode.setPlaceholderText("NE006013")
        self.language = QComboBox(self)
        self.language.setObjectName("postLanguage")
        self.language.addItem("Français", "fr")
        self.language.addItem("English", "en")
        self.language.currentIndexChanged.connect(lambda _i: switch_language(self.language.currentData()))
        self.row(N_("Post name"), self.name)
        self.row(N_("P-code (OCHA)"), self.pcode)
        self.row(N_("Language"), self.language)

    def validatePage(self) -> bool:
        if not self.name.text().strip():
            return self.fail(_("Give the post's name."))
        if not PCODE.match(self.pcode.text().strip().upper()):
            return self.fail(
                _("The P-code must look like NE006 (region), NE006013 (department) or NE006013001 (commune)."))
        self.notice.hide()
        return True


class AdminPage(_Page):
    def __init__(self):
        super().__init__(N_("The administrator"), N_("The post administrator manages accounts, settings and keys. "
                                                     "Keep this password safe: it protects the post's keys."))
        self.username = QLineEdit(self)
        self.username.setObjectName("adminUsername")
        self.full_name = QLineEdit(self)
        self.full_name.setObjectName("adminFullName")
        self.password = QLineEdit(self)
        self.password.setObjectName("adminPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit(self)
        self.confirm.setObjectName("adminConfirm")
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.row(N_("User name"), self.username)
        self.row(N_("Full name"), self.full_name)
        self.row(N_("Password"), self.password)
        self.row(N_("Password (again)"), self.confirm)

    def validatePage(self) -> bool:
        if not re.match(r"^[a-z0-9._-]{2,32}$", self.username.text().strip()):
            return self.fail(_("The user name takes 2 to 32 lower-case letters, digits, dots, dashes or underscores."))
        if len(self.password.text()) < 8:
            return self.fail(_("The password must have at least 8 characters."))
        if self.password.text() != self.confirm.text():
            return self.fail(_("The two passwords differ."))
        self.notice.hide()
        return True


class KeysPage(_Page):
    def __init__(self):
        super().__init__(N_("The post's keys"),
                         N_("The post signs its attestation slips and data bundles with its own keys."))
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.bind(self.text.setText, N_(
            "When you press Finish, the application creates the post's signing key (Ed25519) and "
            "encryption key (X25519). They are stored only encrypted, unlocked by the passwords of "
            "the post's accounts. Afterwards, export the public key (command \"border-app keys export-public\") "
            "and send it to your coordination so that other posts can verify your slips."))
        self.form.addRow(self.text)


class SetupWizard(QWizard, Retranslatable):
    completed = Signal(object)

    def __init__(self, db, *, kdf=None):
        super().__init__()
        self.db = db
        self.kdf = kdf
        self.setObjectName("setupWizard")
        self.setMinimumSize(620, 440)
        self.post_page, self.admin_page, self.keys_page = PostPage(), AdminPage(), KeysPage()
        for page in (self.post_page, self.admin_page, self.keys_page):
            self.addPage(page)
        self.bind(self.setWindowTitle, N_("Setting up the border post"))
        # Qt's own button texts do not follow a language switched while the wizard is open
        for button, msgid in ((QWizard.WizardButton.BackButton, N_("< Back")),
                              (QWizard.WizardButton.NextButton, N_("Next >")),
                              (QWizard.WizardButton.FinishButton, N_("Finish")),
                              (QWizard.WizardButton.CancelButton, N_("Cancel"))):
            self.bind(lambda text, b=button: self.setButtonText(b, text), msgid)
        self._done = False

    def accept(self) -> None:  # Finish
        if self._done:
            return

        p, a = self.post_page, self.admin_page
        args = dict(
            name=p.name.text().strip(), pcode=p.pcode.text().strip().upper(), language=p.language.currentData(),
            admin_username=a.username.text().strip(),
            admin_full_name=a.full_name.text().strip() or a.username.text().strip(),
            admin_password=a.password.text(),
        )
        if self.kdf is not None:
            args["kdf"] = self.kdf
        self.button(QWizard.WizardButton.FinishButton).setEnabled(False)

        def failed(exc):
            self.button(QWizard.WizardButton.FinishButton).setEnabled(True)
            report_failure(self, exc, on_message=self.keys_page.fail)

        def done(actor):
            self._done = True
            self.completed.emit(actor)

        Op(lambda: PostService(self.db).setup_post(**args), parent=self).success(done).failure(failed).run()
