"""Showing errors: user-facing ones as they are, bugs as a report without personal data.

A screen's failure callback is one call: ``report_failure(self, exc, self.notice)`` shows a
:class:`~border_app.errors.UserFacingError`'s message in the screen's notice (or hands it to
``on_message``), and anything else in the crash dialog (:func:`show_error`).
"""

from __future__ import annotations

import logging
import platform
import sys
import traceback
from collections.abc import Callable

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from border_app import __version__
from border_app.errors import UserCancelled, UserFacingError
from border_app.i18n import _

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    if isinstance(exc, UserCancelled):
        return
    if isinstance(exc, UserFacingError):
        box = QMessageBox(QMessageBox.Icon.Warning, _("Error"), exc.message, QMessageBox.StandardButton.Ok, parent)
        box.setObjectName("userErrorBox")
        box.open() if parent is not None else box.exec()
        return
    show_crash(parent, type(exc), exc, exc.__traceback__)


def report_failure(parent: QWidget | None, exc: BaseException, notice=None, *,
                   on_message: Callable[[str], None] | None = None,
                   on_crash: Callable[[], None] | None = None) -> None:
    """The screens' one error branch: a user-facing error's message goes to ``on_message``,
    else to ``notice`` (a :class:`ui.widgets.Notice`, as an error), else to a message box;
    any other exception goes to the crash dialog, after ``on_crash()`` (e.g. to hide the
    notice or say what failed)."""
    if isinstance(exc, UserFacingError):
        if on_message is not None:
            on_message(exc.message)
        elif notice is not None:
            notice.show_message(exc.message, "error")
        else:
            show_error(parent, exc)
        return
    if on_crash is not None:
        on_crash()
    show_error(parent, exc)


def crash_report(exc_type, exc, tb) -> str:
    """A report for developers: code locations only, never values (they may hold personal
    data), and the exception type but not its message for errors we did not raise."""
    frames = "".join(traceback.format_list(traceback.extract_tb(tb)))
    return (
        f"border-app {__version__}, Python {platform.python_version()}, {platform.system()}\n"
        f"{exc_type.__module__}.{exc_type.__qualname__}\n{frames}"
    )


def show_crash(parent, exc_type, exc, tb) -> None:
    report = crash_report(exc_type, exc, tb)
    log.error("unexpected error\n%s", report)
    if QApplication.instance() is None:
        print(report, file=sys.stderr)
        return
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setObjectName("crashBox")
    box.setWindowTitle(_("Unexpected error"))
    box.setText(_("Something went wrong. Your data is safe: nothing half-written was kept. "
                  "If it happens again, give this report to your supervisor."))
    box.setDetailedText(report)
    box.open() if parent is not None else box.exec()


def install_excepthook() -> None:
    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        if issubclass(exc_type, UserFacingError):
            show_error(QApplication.activeWindow(), exc)
            return
        show_crash(QApplication.activeWindow(), exc_type, exc, tb)

    sys.excepthook = hook
