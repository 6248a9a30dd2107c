"""What every sub-command shares: the data profile, the database, the signed-in user.

Credentials for commands that touch personal data: ``--user NAME`` and the password from
``--password-file FILE``, else ``BORDER_APP_PASSWORD``, else a prompt when stdin is a
terminal; otherwise the command is refused with a clear message (exit code 3).
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import AuthenticationError
from ..i18n import _
from ..paths import Profile, profile

if TYPE_CHECKING:  # pragma: no cover
    from db import Database

    from ..model import Actor
    from ..roles import Permission

ENV_PASSWORD = "BORDER_APP_PASSWORD"
ENV_DATABASE_URL = "BORDER_APP_DATABASE_URL"


class CliContext:
    def __init__(self, args: Any):
        self.args = args
        self._db: Database | None = None
        self._password: str | None = None

    @property
    def demo(self) -> bool:
        return bool(getattr(self.args, "demo", False))

    @property
    def profile(self) -> Profile:
        return profile(self.demo)

    def database(self):
        """Open (and migrate) the profile's database, or ``BORDER_APP_DATABASE_URL``."""
        if self._db is None:
            from db import open_database

            url = os.environ.get(ENV_DATABASE_URL)
            if not url:
                self.profile.ensure()
                url = self.profile.database_url
            self._db = open_database(url, profile=self.profile)
        return self._db

    def password(self) -> str:
        """The signed-in user's password (asked at most once per command)."""
        if self._password is None:
            self._password = self._read_password()
        return self._password

    def _read_password(self) -> str:
        path = getattr(self.args, "password_file", None)
        if path:
            try:
                return Path(path).read_text(encoding="utf-8").rstrip("\r\n")
            except OSError as exc:
                raise AuthenticationError(_("Cannot read the password file: {reason}")
                                          .format(reason=exc.strerror)) from exc
        env = os.environ.get(ENV_PASSWORD)
        if env:
            return env
        if sys.stdin is not None and sys.stdin.isatty():
            return getpass.getpass(_("Password: "))
        raise AuthenticationError(
            _("This command reads or writes personal data: give --user and a password "
              "(--password-file, the BORDER_APP_PASSWORD variable, or type it when asked).")
        )

    def login(self, permission: "Permission | None" = None) -> "Actor":
        """Sign in with the command-line credentials; check ``permission`` if given."""
        username = getattr(self.args, "user", None)
        if not username:
            raise AuthenticationError(
                _("This command reads or writes personal data: give --user NAME and a password "
                  "(--password-file, the BORDER_APP_PASSWORD variable, or type it when asked).")
            )
        from db.services import AuthService

        actor = AuthService(self.database()).login(username, self.password())
        if permission is not None:
            from ..roles import require

            require(actor.role, permission)
        return actor

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None
