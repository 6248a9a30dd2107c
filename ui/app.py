"""Application start: profile, language, database, then set-up wizard or login, then the
main window. ``run()`` is what ``border-app`` (no sub-command) calls."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from border_app import paths
from border_app.errors import UserFacingError
from border_app.i18n import _
from border_app.model import Actor
from border_app.settings import Settings
from db import open_database
from db.services import AccountService, AuthService

from .errors import install_excepthook, show_error
from .i18n import switch_language
from .login import LoginWindow
from .ops import Op, shutdown_executors
from .setup_wizard import SetupWizard
from . import wheel_guard
from .widgets import fit_to_screen

log = logging.getLogger(__name__)

DEMO_TRAVELLERS = 300


class Controller(QObject):
    """Moves between the screens: preparing (demo) → set-up or login → main window."""

    windowShown = Signal(object)

    def __init__(self, *, demo: bool, language: str | None = None, database_url: str | None = None,
                 demo_travellers: int = DEMO_TRAVELLERS, kdf=None):
        super().__init__()
        self.demo = demo
        self.profile = paths.profile(demo).ensure()
        self.settings = Settings(self.profile.settings)
        self.demo_travellers = demo_travellers
        self.kdf = kdf
        switch_language(language or self.settings.language)
        self.db = open_database(database_url or self.profile.database_url, profile=self.profile)
        self.window: QWidget | None = None
        # unsaved work kept in memory after an idle sign-out, for that same user only:
        # {user_id: {screen key: draft}}; dropped when another user signs in
        self.drafts: dict[str, dict] = {}
        self.idle_seconds: float | None = None  # tests: a short idle period

    # -- screens ---------------------------------------------------------------------
    def start(self) -> None:
        if AuthService(self.db).needs_setup():
            if self.demo:
                self._prepare_demo()
            else:
                self._show_setup()
        else:
            self.show_login()

    def _show(self, window: QWidget) -> None:
        old, self.window = self.window, window
        if window.objectName() != "mainWindow":
            fit_to_screen(window)  # centred, within the screen
        window.show()
        window.raise_()
        window.activateWindow()
        if old is not None:
            old.close()
            old.deleteLater()
        self.windowShown.emit(window)

    def _prepare_demo(self) -> None:
        # imported here: the demo generator (~0.5 s to import, measured) is needed on the demo post only
        from db.demo import seed_demo

        dialog = QProgressDialog(_("Preparing the demo post and its fictitious travellers…"), "", 0, 0)
        dialog.setCancelButton(None)
        dialog.setWindowTitle(_("DÉMO"))
        dialog.setMinimumDuration(0)
        self._show(dialog)
        Op(lambda: seed_demo(self.db, travellers=self.demo_travellers, kdf=self.kdf)) \
            .success(lambda _r: self.show_login()) \
            .failure(lambda exc: (show_error(None, exc), QApplication.quit())) \
            .run()

    def _show_setup(self) -> None:
        wizard = SetupWizard(self.db, kdf=self.kdf)
        wizard.completed.connect(self.show_main)
        self._show(wizard)

    def show_login(self) -> None:
        # the post's default language until someone signs in (the login screen's own
        # choice lasts until then)
        switch_language(self.settings.language)
        login = LoginWindow(self.db, demo=self.demo, settings=self.settings)
        login.loggedIn.connect(self.show_main)
        self._show(login)

    def show_main(self, actor: Actor) -> None:
        # imported after sign-in: the main window and its screens take ~1.4 s to import
        # (measured: reportlab, pdfium, OpenCV, the protocols), the login window 0.1 s, so
        # that the login window shows at once
        from .main_window import MainWindow

        # each user's own language, on the demo post as on a real one; a language chosen on
        # the login screen just now is what this user wants: it applies and is kept
        chosen = getattr(self.window, "chosen_language", None)
        if chosen and chosen != actor.language:
            try:
                AccountService(self.db).set_language(actor, chosen)
                actor.language = chosen
            except UserFacingError:
                log.warning("the language chosen at sign-in could not be kept")
        switch_language(actor.language or self.settings.language)
        drafts = self.drafts.pop(actor.user_id, None)
        self.drafts.clear()  # another user's kept work never stays in memory behind them
        main = MainWindow(self.db, actor, demo=self.demo, settings=self.settings, profile=self.profile,
                          drafts=drafts, idle_seconds=self.idle_seconds)
        main.loggedOut.connect(lambda: self._signed_out(main, actor))
        self._show(main)

    def _signed_out(self, main, actor: Actor) -> None:
        if main.kept_drafts:
            self.drafts = {actor.user_id: main.kept_drafts}
        self.show_login()

    def close(self) -> None:
        shutdown_executors()
        self.db.dispose()


def make_application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("HHBM border-app")
    app.setOrganizationName("HHBM")
    app.setStyle("Fusion")
    if not app.property("wheelGuard"):
        wheel_guard.install(app)         # the wheel scrolls the page, never changes an unclicked answer
        app.setProperty("wheelGuard", True)
    font = app.font()
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
        app.setFont(font)
    return app


def run(*, demo: bool = False, language: str | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app = make_application()
    install_excepthook()
    try:
        controller = Controller(demo=demo, language=language)
    except Exception as exc:  # noqa: BLE001 - shown, then exit
        show_error(None, exc)
        return 1
    controller.start()
    try:
        return app.exec()
    finally:
        controller.close()
