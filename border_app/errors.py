"""One error hierarchy for the whole application.

Three kinds, after Electrum's ``util.py``:

* :class:`UserFacingError` — its message is meant for the person at the keyboard. It is
  already translated (built with ``_()``) and never contains more personal data than the
  person is allowed to see. The UI shows it in a dialog or inline; the CLI prints it to
  stderr and exits with ``exit_code``.
* :class:`UserCancelled` — the person cancelled: silent.
* anything else is a bug: reported through the crash handler *without* personal data.
"""

from __future__ import annotations


class BorderAppError(Exception):
    """Base class of every error this application raises on purpose."""


class UserFacingError(BorderAppError):
    """An error whose (translated) message is shown to the user as is."""

    exit_code = 1

    def __init__(self, message: str, *, detail: str | None = None):
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class UserCancelled(BorderAppError):
    """The user cancelled an action; nothing is shown."""


class InvalidInput(UserFacingError):
    """Input that cannot be used at all (CLI exit code 2)."""

    exit_code = 2


class AuthenticationError(UserFacingError):
    """Wrong user name or password, locked account, or no credentials given."""

    exit_code = 3


class PermissionDenied(UserFacingError):
    """The signed-in user's role does not allow this action."""

    exit_code = 4


class NotFound(UserFacingError):
    """A record that was asked for does not exist (or is not visible to this user)."""

    exit_code = 5


class ConflictError(UserFacingError):
    """The record changed or already exists; nothing was written."""


class StorageError(UserFacingError):
    """The disk or the database refused a write (full disk, read-only medium...)."""


class KeyStoreError(UserFacingError):
    """Key material is missing, locked, or cannot be unwrapped."""


class DeviceUnavailable(UserFacingError):
    """A camera, scanner or printer is absent or stopped answering."""


class DemoDataError(UserFacingError):
    """An action that must never touch demo data (e.g. export) was asked on demo data."""
