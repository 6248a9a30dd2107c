"""The main window: header (post, user, language, sign out), one tab per task the role allows."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame, QHBoxLayout, QMainWindow, QMessageBox, QPushButton, QScrollArea, QTabWidget, QVBoxLayout, QWidget,
)

import logging
from dataclasses import dataclass

from border_app.i18n import N_, _
from border_app.roles import Permission, allowed
from db.services import AccountService, PostService

from .admin import AuditScreen, UsersScreen
from .errors import show_error
from .coordinator_screen import CoordinatorScreen
from .export_screen import ExportScreen
from .i18n import Retranslatable
from .idle import IdleCountdown
from .login import LanguageBox
from .password_dialog import PasswordDialog
from .post_settings import PostSettingsScreen
from .registration import RegistrationScreen
from .registrations_list import RegistrationsList
from .reports_screen import ReportsScreen
from .screening_screen import ScreeningScreen
from .widgets import DemoBanner, ElidedLabel, IdleWatcher, Notice, RoomyTabBar, fit_to_screen

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScreenSpec:
    """One tab: shown to the roles with ``permission``; built as
    ``cls(db, actor, parent, **context)`` where context holds the names in ``context``
    (``demo``, ``settings``, ``profile``). A screen with ``refresh()`` reloads when shown."""

    key: str
    permission: Permission
    cls: type
    title: str
    context: tuple[str, ...] = ()


SCREENS: tuple[ScreenSpec, ...] = (
    ScreenSpec("registration", Permission.REGISTER_TRAVELLER, RegistrationScreen, N_("Registration")),
    ScreenSpec("screening", Permission.RECORD_SCREENING, ScreeningScreen, N_("Health screening"),
               ("settings", "profile", "demo")),
    ScreenSpec("registrations", Permission.VIEW_IDENTITY, RegistrationsList, N_("Crossings of the day"),
               ("settings", "profile", "demo")),
    ScreenSpec("reports", Permission.VIEW_REPORTS, ReportsScreen, N_("Reports"),
               ("settings", "profile", "demo")),
    ScreenSpec("users", Permission.MANAGE_USERS, UsersScreen, N_("Accounts")),
    ScreenSpec("post_settings", Permission.MANAGE_POST, PostSettingsScreen, N_("Post settings"),
               ("settings", "profile", "demo")),
    ScreenSpec("audit", Permission.VIEW_AUDIT, AuditScreen, N_("Audit trail")),
    ScreenSpec("export", Permission.EXPORT_BUNDLE, ExportScreen, N_("Export"), ("settings", "profile", "demo")),
    ScreenSpec("coordinator", Permission.IMPORT_BUNDLE, CoordinatorScreen, N_("Coordination"),
               ("settings", "profile", "demo")),
)


class ScreenScroll(QScrollArea):
    """A tab page: the screen inside a scroll area, so a screen taller or wider than the
    window (a small laptop screen, a long message) scrolls instead of growing the window."""

    def __init__(self, screen: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("screenScroll")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidget(screen)


class ScreenTabs(QTabWidget):
    """Tabs whose pages are :class:`ScreenScroll`; ``widget()``, ``currentWidget()``,
    ``indexOf()`` and ``setCurrentWidget()`` speak of the screens themselves."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTabBar(RoomyTabBar(self))  # descenders of unselected tabs not cut

    def add_screen(self, screen: QWidget, title: str) -> int:
        return self.addTab(ScreenScroll(screen, self), title)

    @staticmethod
    def _screen(page: QWidget | None) -> QWidget | None:
        return page.widget() if isinstance(page, ScreenScroll) else page

    def _page(self, widget: QWidget) -> QWidget:
        for i in range(self.count()):
            page = super().widget(i)
            if page is widget or self._screen(page) is widget:
                return page
        return widget

    def widget(self, index: int) -> QWidget | None:  # noqa: D102 - Qt override
        return self._screen(super().widget(index))

    def currentWidget(self) -> QWidget | None:  # noqa: N802 - Qt override
        return self._screen(super().currentWidget())

    def setCurrentWidget(self, widget: QWidget) -> None:  # noqa: N802 - Qt override
        super().setCurrentWidget(self._page(widget))

    def indexOf(self, widget: QWidget) -> int:  # noqa: N802 - Qt override
        return super().indexOf(self._page(widget))


class MainWindow(QMainWindow, Retranslatable):
    loggedOut = Signal()

    def __init__(self, db, actor, *, demo: bool, settings=None, profile=None, drafts: dict | None = None,
                 idle_seconds: float | None = None):
        super().__init__()
        self.db, self.actor, self.demo = db, actor, demo
        self.setObjectName("mainWindow")
        fit_to_screen(self, 1280, 720)
        self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 6)
        if demo:
            layout.addWidget(DemoBanner(central))
        header = QHBoxLayout()
        self.post_label = ElidedLabel(central)
        self.post_label.setObjectName("postLabel")
        self.post_label.setStyleSheet("font-weight:bold;font-size:12pt;")
        self.user_label = ElidedLabel(central)
        self.user_label.setObjectName("userLabel")
        self.user_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.language = LanguageBox(central, on_change=self._language_chosen)
        self.password_button = QPushButton(central)
        self.password_button.setObjectName("passwordButton")
        self.bind(self.password_button.setText, N_("Password…"))       # short: the header must fit 1280 px
        self.bind(self.password_button.setToolTip, N_("Change my password"))
        self.password_button.clicked.connect(self.change_password)
        self.logout_button = QPushButton(central)
        self.logout_button.setObjectName("logoutButton")
        self.bind(self.logout_button.setText, N_("Sign out"))
        self.logout_button.clicked.connect(self.sign_out)
        header.addWidget(self.post_label, 2)
        header.addWidget(self.user_label, 1)
        header.addWidget(self.language)
        header.addWidget(self.password_button)
        header.addWidget(self.logout_button)
        layout.addLayout(header)
        self.session_notice = Notice(central)
        self.session_notice.setObjectName("sessionNotice")
        layout.addWidget(self.session_notice)

        self.tabs = ScreenTabs(central)
        self.tabs.setObjectName("tabs")
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self._tab_titles: list[tuple[QWidget, str]] = []
        self.screens: dict[str, QWidget] = {}
        context = {"demo": demo, "settings": settings, "profile": profile}
        for spec in SCREENS:
            if not allowed(actor.role, spec.permission):
                continue
            screen = spec.cls(db, actor, self.tabs, **{k: v for k, v in context.items() if k in spec.context})
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

        QShortcut(QKeySequence("Ctrl+Q"), self, activated=self.sign_out)
        minutes = settings.session_timeout_minutes if settings is not None else 15
        self.kept_drafts: dict[str, object] = {}
        self.idle_watcher = IdleWatcher(minutes, self, seconds=idle_seconds)
        self.idle_watcher.idle.connect(self.idle_sign_out)
        self.countdown = IdleCountdown(self)
        self.idle_watcher.countdown.connect(self.countdown.show_seconds)
        self.idle_watcher.resumed.connect(self.countdown.hide)
        self.on_retranslate()
        self._load_post()
        if drafts:
            self.restore_drafts(drafts)

    def _tab_changed(self, index: int) -> None:
        """Screens with a ``refresh()`` reload their data each time they are shown."""
        widget = self.tabs.widget(index)
        refresh = getattr(widget, "refresh", None)
        if callable(refresh):
            refresh()

    def _add_tab(self, widget: QWidget, msgid: str) -> None:
        self.tabs.add_screen(widget, _(msgid))
        self._tab_titles.append((widget, msgid))

    def _edit(self, reg) -> None:
        self.registration.load_registration(reg)
        self.tabs.setCurrentWidget(self.registration)

    def _load_post(self) -> None:
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

    # -- language, password ---------------------------------------------------------
    def _language_chosen(self, lang: str) -> None:
        """The signed-in user's own preference; the post's default stays as it is."""
        try:
            AccountService(self.db).set_language(self.actor, lang)
            self.actor.language = lang
        except Exception as exc:  # noqa: BLE001 - the switch itself has happened; say why it is not kept
            show_error(self, exc)

    def change_password(self) -> None:
        dialog = PasswordDialog(self.db, self.actor, self)
        dialog.open()
        return dialog

    # -- drafts, sign-out ---------------------------------------------------------------
    def collect_drafts(self) -> dict[str, object]:
        """Each screen's unsaved work (``save_draft()``; ``None``: nothing to keep)."""
        drafts: dict[str, object] = {}
        for key, screen in self.screens.items():
            save = getattr(screen, "save_draft", None)
            if not callable(save):
                continue
            try:
                draft = save()
            except Exception:  # noqa: BLE001 - a screen's bug must not block the sign-out
                log.exception("save_draft failed on the %s screen", key)
                continue
            if draft is not None:
                drafts[key] = draft
        return drafts

    def restore_drafts(self, drafts: dict[str, object]) -> None:
        restored = 0
        for key, draft in drafts.items():
            restore = getattr(self.screens.get(key), "restore_draft", None)
            if not callable(restore):
                continue
            try:
                restore(draft)
                restored += 1
            except Exception:  # noqa: BLE001
                log.exception("restore_draft failed on the %s screen", key)
        if restored:
            self.session_notice.show_message(_("Your unsaved work was restored."), "info")

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        # a closed window watches for activity no more: its filter on the whole application
        # would otherwise stay (one more Python call for every event of every later window)
        self.idle_watcher.stop()
        super().closeEvent(event)

    def confirm_discard(self, drafts: dict[str, object]) -> bool:
        """Asked on a plain sign-out when some screen holds unsaved work."""
        titles = {spec.key: spec.title for spec in SCREENS}
        names = ", ".join(_(titles[k]) for k in drafts if k in titles)
        answer = QMessageBox.question(
            self, _("Sign out"),
            _("Unsaved work will be lost ({screens}). Sign out anyway?").format(screens=names),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def sign_out(self) -> None:
        """The "Sign out" button and Ctrl+Q: unsaved work is not kept, so ask first."""
        drafts = self.collect_drafts()
        if drafts and not self.confirm_discard(drafts):
            return
        self.kept_drafts = {}
        self.logout()

    def idle_sign_out(self) -> None:
        """Nobody touched the laptop: lock, but keep the work in progress (in memory) for
        the same user's next sign-in."""
        self.kept_drafts = self.collect_drafts()
        self.logout()

    def logout(self) -> None:
        self.idle_watcher.stop()
        self.countdown.hide()
        keys = getattr(self.actor, "keys", None)
        if keys is not None and hasattr(keys, "lock"):
            keys.lock()
        self.loggedOut.emit()
