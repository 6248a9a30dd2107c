"""Where the application keeps its files: one module, one override.

``BORDER_APP_HOME`` replaces the platform data folder (tests, portable USB installs).
Real post data and demo data live in separate sub-folders, so that demo records can never
mix with real ones::

    <home>/post/   border.sqlite3, keystore.json, settings.json, photos/, exports/
    <home>/demo/   the same layout, for ``border-app --demo``
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from .atomic import make_private_dir

ENV_HOME = "BORDER_APP_HOME"
APP_DIR_NAME = "hhbm-border-app"


def home() -> Path:
    override = os.environ.get(ENV_HOME)
    if override:
        return Path(override).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))


@dataclass(frozen=True)
class Profile:
    """The files of one data profile (the real post, or the demo)."""

    root: Path
    demo: bool

    @property
    def database(self) -> Path:
        return self.root / "border.sqlite3"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.database}"

    @property
    def keystore(self) -> Path:
        return self.root / "keystore.json"

    @property
    def settings(self) -> Path:
        return self.root / "settings.json"

    @property
    def photos(self) -> Path:
        return self.root / "photos"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    def ensure(self) -> "Profile":
        os.umask(0o077)
        make_private_dir(self.root)
        for sub in (self.photos, self.exports, self.backups):
            make_private_dir(sub)
        return self


def profile(demo: bool = False) -> Profile:
    return Profile(root=home() / ("demo" if demo else "post"), demo=demo)
