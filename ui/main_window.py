"""The main window: header (post, user, language, sign out), one tab per task the role allows."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QMainWindow, QPushButton, QTabWidget, QVBoxLayout, QWidget,
)

import importlib
from dataclasses import dataclass

from border_app.i18n import N_, _
from border_app.roles import Permission, allowed

from .i18n import Retranslatable
from .login import LanguageBox
from .widgets import DemoBanner, IdleWatcher


@dataclass(frozen=True)
class ScreenSpec:
    """One tab: shown to the roles with ``permission``; built as
    ``cls(db, actor, parent, **context)`` where context holds the names in ``context``
    (``demo``, ``settings``, ``profile``). A screen with ``refresh()`` reloads when shown."""

    key: str
    permission: Permission
    module: str
    cls: str
    title: str
    context: tuple[str, ...] = ()


SCREENS: tuple[ScreenSpec, ...] = (
    ScreenSpec("registration", Permission.REGISTER_TRAVELLER, "ui.registration", "RegistrationScreen", N_("Registration")),
    ScreenSpec("screening", Permission.RECORD_SCREENING, "ui.screening_screen", "ScreeningScreen", N_("Health screening"),
               ("settings", "profile", "demo")),
    ScreenSpec("registrations", Permission.VIEW_IDENTITY, "ui.registrations_list", "RegistrationsList", N_("Crossings of the day"),
               ("settings", "profile", "demo")),
    ScreenSpec("reports", Permission.VIEW_REPORTS, "ui.reports_screen", "ReportsScreen", N_("Reports"),
               ("settings", "profile", "demo")),
    ScreenSpec("users", Permission.MANAGE_USERS, "ui.admin", "UsersScreen", N_("Accounts")),
    ScreenSpec("post_settings", Permission.MANAGE_POST, "ui.post_settings", "PostSettingsScreen", N_("Post settings"),
               ("settings", "profile", "demo")),
    ScreenSpec("audit", Permission.VIEW_AUDIT, "ui.admin", "AuditScreen", N_("Audit trail")),
)


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
        self.screens: dict[str, QWidget] = {}
        context = {"demo": demo, "settings": settings, "profile": profile}
        for spec in SCREENS:
            if not allowed(actor.role, spec.permission):
                continue
            try:
                module = importlib.import_module(spec.module)
            except ModuleNotFoundError as exc:
                if exc.name != spec.module:
                    raise
                continue  # a screen not built yet
            cls = getattr(module, spec.cls)
            screen = cls(db, actor, self.tabs, **{k: v for k, v in context.items() if k in spec.context})
            self.screens[spec.key] = screen
            self._add_tab(screen, spec.title)
        self.registration = self.screens.get("registration")
        self.registrations = self.screens.get("registrations")
        self.users = self.screens.get("users")
        self.audit = self.screens.get("audit")
        if self.registration is not None and self.registrations is not None:
            self.registration.saved.connect(lambda _r: self.registrations.refresh())
            self.registrations.editRequested.connect(self._edit)
        self.tabs.currentChanged.connect(self._tab_changed)
        self._tab_changed(self.tabs.currentIndex())

        QShortcut(QKeySequence("Ctrl+Q"), self, activated=self.logout)
        minutes = settings.session_timeout_minutes if settings is not None else 15
        self.idle_watcher = IdleWatcher(minutes, self)
        self.idle_watcher.idle.connect(self.logout)
        self.on_retranslate()
        self._load_post()

    def _tab_changed(self, index: int) -> None:
        """Screens with a ``refresh()`` reload their data each time they are shown."""
        widget = self.tabs.widget(index)
        refresh = getattr(widget, "refresh", None)
        if callable(refresh):
            refresh()

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
