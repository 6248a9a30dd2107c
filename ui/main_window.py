"""The main window: header (post, user, language, sign out), one tab per task the role allows."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QMainWindow, QPushButton, QTabWidget, QVBoxLayout, QWidget,
)

from border_app.i18n import N_, _
from border_app.roles import Permission, allowed

from .i18n import Retranslatable
from .login import LanguageBox
from .widgets import DemoBanner, IdleWatcher


class MainWindow(QMainWindow, Retranslatable):
    loggedOut = Signal()

    def __init__(self, db, actor, *, demo: bool, settings=None, profile=None):
        super().__init__()
        self.db, self.actor, self.demo = db, actor, demo
        self.setObjectName("mainWindow")
        self.resize(1200, 800)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 6)
        if demo:
            layout.addWidget(DemoBanner(central))
        header = QHBoxLayout()
        self.post_label = QLabel(central)
        self.post_label.setObjectName("postLabel")
        self.post_label.setStyleSheet("font-weight:bold;font-size:12pt;")
        self.user_label = QLabel(central)
        self.user_label.setObjectName("userLabel")
        self.language = LanguageBox(central, settings)
        self.logout_button = QPushButton(central)
        self.logout_button.setObjectName("logoutButton")
        self.bind(self.logout_button.setText, N_("Sign out"))
        self.logout_button.clicked.connect(self.logout)
        header.addWidget(self.post_label)
        header.addStretch(1)
        header.addWidget(self.user_label)
        header.addWidget(self.language)
        header.addWidget(self.logout_button)
        layout.addLayout(header)

        self.tabs = QTabWidget(central)
        self.tabs.setObjectName("tabs")
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self._tab_titles: list[tuple[QWidget, str]] = []
        self.registration = self.registrations = self.users = self.audit = None

        role = actor.role
        if allowed(role, Permission.REGISTER_TRAVELLER):
            from .registration import RegistrationScreen

            self.registration = RegistrationScreen(db, actor, self.tabs)
            self._add_tab(self.registration, N_("Registration"))
        if allowed(role, Permission.VIEW_IDENTITY):
            from .registrations_list import RegistrationsList

            self.registrations = RegistrationsList(db, actor, self.tabs)
            self._add_tab(self.registrations, N_("Crossings of the day"))
            self.registrations.refresh()
            if self.registration is not None:
                self.registration.saved.connect(lambda _r: self.registrations.refresh())
                self.registrations.editRequested.connect(self._edit)
        if allowed(role, Permission.MANAGE_USERS):
            from .admin import UsersScreen

            self.users = UsersScreen(db, actor, self.tabs)
            self._add_tab(self.users, N_("Accounts"))
            self.users.refresh()
        if allowed(role, Permission.VIEW_AUDIT):
            from .admin import AuditScreen

            self.audit = AuditScreen(db, actor, self.tabs)
            self._add_tab(self.audit, N_("Audit trail"))
            self.tabs.currentChanged.connect(lambda i: self.tabs.widget(i) is self.audit and self.audit.refresh())

        QShortcut(QKeySequence("Ctrl+Q"), self, activated=self.logout)
        minutes = settings.session_timeout_minutes if settings is not None else 15
        self.idle_watcher = IdleWatcher(minutes, self)
        self.idle_watcher.idle.connect(self.logout)
        self.on_retranslate()
        self._load_post()

    def _add_tab(self, widget: QWidget, msgid: str) -> None:
        self.tabs.addTab(widget, _(msgid))
        self._tab_titles.append((widget, msgid))

    def _edit(self, reg) -> None:
        self.registration.load_registration(reg)
        self.tabs.setCurrentWidget(self.registration)

    def _load_post(self) -> None:
        from db.services import PostService

        post = PostService(self.db).get_post()
        self._post_text = f"{post.name} — {post.pcode}" if post else ""
        self.post_label.setText(self._post_text)

    def on_retranslate(self) -> None:
        for widget, msgid in self._tab_titles:
            self.tabs.setTabText(self.tabs.indexOf(widget), _(msgid))
        title = _("HHBM border post")
        self.setWindowTitle(f"[{_('DÉMO')}] {title}" if self.demo else title)
        self.user_label.setText(_("{name} ({role})").format(name=self.actor.full_name or self.actor.username,
                                                           role=self.actor.role.label))

    def logout(self) -> None:
        self.idle_watcher.stop()
        keys = getattr(self.actor, "keys", None)
        if keys is not None and hasattr(keys, "lock"):
            keys.lock()
        self.loggedOut.emit()
