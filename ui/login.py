"""The login screen."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from border_app.i18n import N_, _, current_language
from border_app.model import Actor
from db.demo import DEMO_ACCOUNTS
from db.services import AuthService, PostService

from .errors import report_failure
from .i18n import Retranslatable, switch_language
from .ops import Op
from .widgets import DemoBanner, Notice


class LanguageBox(QComboBox):
    """Français / English, switching the whole application at once.

    The choice is never written to the post's settings (the post keeps its default
    language): chosen on the login screen, it applies to the session that signs in and
    becomes that user's own preference; in the main window ``on_change(lang)`` saves it as
    the signed-in user's preference."""

    def __init__(self, parent: QWidget | None = None, on_change=None):
        super().__init__(parent)
        self.setObjectName("languageBox")
        self.on_change = on_change
        self.addItem("Français", "fr")
        self.addItem("English", "en")
        self.setCurrentIndex(0 if current_language() == "fr" else 1)
        self.currentIndexChanged.connect(self._changed)

    def _changed(self, _index: int) -> None:
        lang = self.currentData()
        switch_language(lang)
        if self.on_change is not None:
            self.on_change(lang)


class LoginWindow(QWidget, Retranslatable):
    loggedIn = Signal(object)

    def __init__(self, db, *, demo: bool, settings=None):
        super().__init__()
        self.db = db
        self.demo = demo
        self.setObjectName("loginWindow")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        if demo:
            layout.addWidget(DemoBanner(self))
        self.title = QLabel(self)
        self.title.setObjectName("title")
        self.title.setStyleSheet("font-size:18pt;font-weight:bold;margin:8px 0;")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.title)
        self.post_label = QLabel(self)
        self.post_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.post_label)

        form = QFormLayout()
        self.username = QLineEdit(self)
        self.username.setObjectName("username")
        self.password = QLineEdit(self)
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.chosen_language: str | None = None   # chosen here: applied and kept after sign-in
        self.language = LanguageBox(self, on_change=lambda lang: setattr(self, "chosen_language", lang))
        self.username_label, self.password_label, self.language_label = QLabel(self), QLabel(self), QLabel(self)
        form.addRow(self.username_label, self.username)
        form.addRow(self.password_label, self.password)
        form.addRow(self.language_label, self.language)
        layout.addLayout(form)

        self.notice = Notice(self)
        self.notice.setObjectName("loginNotice")
        layout.addWidget(self.notice)
        self.button = QPushButton(self)
        self.button.setObjectName("loginButton")
        self.button.setDefault(True)
        self.button.clicked.connect(self.submit)
        layout.addWidget(self.button)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.submit)

        self.demo_help = QLabel(self)
        self.demo_help.setObjectName("demoAccounts")
        self.demo_help.setTextFormat(Qt.TextFormat.RichText)
        self.demo_help.setVisible(demo)
        layout.addWidget(self.demo_help)
        layout.addStretch(1)

        self.bind(self.setWindowTitle, N_("Sign in — HHBM border post"))
        self.bind(self.title.setText, N_("HHBM border post"))
        self.bind(self.username_label.setText, N_("User name"))
        self.bind(self.password_label.setText, N_("Password"))
        self.bind(self.language_label.setText, N_("Language"))
        self.bind(self.button.setText, N_("Sign in"))
        self.on_retranslate()
        self._load_post()
        self.username.setFocus()

    def _load_post(self) -> None:
        post = PostService(self.db).get_post()
        self.post_label.setText(f"{post.name} ({post.pcode})" if post else "")

    def on_retranslate(self) -> None:
        if not self.demo:
            return

        rows = "".join(
            f"<tr><td><b>{a['username']}</b></td><td>{a['password']}</td><td>{a['role'].label}</td></tr>"
            for a in DEMO_ACCOUNTS
        )
        self.demo_help.setText(
            "<p>" + _("Demo accounts (one per role):") + "</p>"
            f"<table cellspacing='0' cellpadding='3'>{rows}</table>"
        )

    def submit(self) -> None:
        username = self.username.text().strip()
        password = self.password.text()
        if not username or not password:
            self.notice.show_message(_("Enter your user name and password."), "warning")
            return
        self.button.setEnabled(False)
        self.notice.hide()

        def failed(exc: BaseException) -> None:
            self.password.clear()
            self.password.setFocus()
            report_failure(self, exc, self.notice)

        Op(lambda: AuthService(self.db).login(username, password), parent=self) \
            .success(self._logged_in).failure(failed) \
            .finally_(lambda: self.button.setEnabled(True)).run()

    def _logged_in(self, actor: Actor) -> None:
        self.password.clear()
        self.loggedIn.emit(actor)
