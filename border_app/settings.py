"""Typed settings, stored as JSON in the profile folder (never pickled).

After Electrum's ``ConfigVar``: each setting is a descriptor with a key, a type, a default
and an optional validator. Writes are atomic. Unknown keys in the file are kept.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
from pathlib import Path
from typing import Any, Callable, Generic, TypeVar

from .atomic import atomic_write
from .i18n import LANGUAGES

log = logging.getLogger(__name__)
T = TypeVar("T")


def _short_names(values: list, limit: int = 50) -> bool:
    return len(values) <= limit and all(isinstance(x, str) and 0 < len(x) <= 40 for x in values)


@functools.lru_cache(maxsize=1)
def _standing_protocols() -> tuple[str, ...]:
    # imported when first needed: reading the protocol files is not needed to start the CLI;
    # read once per process (~80 ms: seven YAML files), not at every traveller screened
    from .screening import default_active_protocols

    return tuple(default_active_protocols())


def _default_protocols() -> list[str]:
    return list(_standing_protocols())


class Setting(Generic[T]):
    """``default`` is a value, or a function that gives it (for a default that depends on
    what is installed, such as the protocols a new post starts with)."""

    def __init__(self, key: str, default: T | Callable[[], T], kind: type,
                 validate: Callable[[Any], bool] | None = None):
        self.key, self._default, self.kind, self.validate = key, default, kind, validate

    @property
    def default(self) -> T:
        return self._default() if callable(self._default) else self._default

    def __set_name__(self, owner, name):
        owner._registry[self.key] = self

    def __get__(self, obj: "Settings | None", owner=None) -> T:
        if obj is None:
            return self  # type: ignore[return-value]
        if self.key not in obj._values:
            return self.default
        value = obj._values[self.key]
        if not self._ok(value):
            return self.default
        return value

    def __set__(self, obj: "Settings", value: T) -> None:
        if not self._ok(value):
            raise ValueError(f"invalid value for setting {self.key}: {value!r}")
        obj._values[self.key] = value
        obj.save()

    def _ok(self, value: Any) -> bool:
        if self.kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, self.kind) or (self.kind is int and isinstance(value, bool)):
            return False
        return self.validate(value) if self.validate else True


class Settings:
    _registry: dict[str, Setting] = {}

    language = Setting("language", "fr", str, lambda v: v in LANGUAGES)
    # Yellow fever: sources disagree between 9 months and 1 year (domain reference §3 R8).
    yellow_fever_min_age_months = Setting("yellow_fever_min_age_months", 12, int, lambda v: 0 <= v <= 24)
    fever_threshold_c = Setting("fever_threshold_c", 38.0, float, lambda v: 36.0 <= v <= 40.0)
    report_small_count_threshold = Setting("report_small_count_threshold", 5, int, lambda v: 0 <= v <= 50)
    slip_size = Setting("slip_size", "80mm", str, lambda v: v in ("80mm", "a6", "a4"))
    slip_language = Setting("slip_language", "fr+en", str, lambda v: v in ("fr", "en", "fr+en"))
    # until the administrator chooses: the protocols whose files say they apply at every
    # crossing (general screening, yellow fever certificate), see default_active_protocols
    active_protocols: Setting[list[str]] = Setting("active_protocols", _default_protocols, list)
    # read by border_app.screening.ScreeningSettings.from_settings: diseases with a declared
    # outbreak (["cholera"]), and per disease the affected countries/areas ({"ebola_marburg": ["COD"]})
    outbreaks: Setting[list[str]] = Setting("outbreaks", [], list, lambda v: _short_names(v))
    affected_areas: Setting[dict[str, list[str]]] = Setting("affected_areas", {}, dict,
                             lambda v: len(v) <= 50 and all(isinstance(k, str) and 0 < len(k) <= 40
                                                            and isinstance(a, list) and _short_names(a, 300)
                                                            for k, a in v.items()))
    camera_index = Setting("camera_index", 0, int, lambda v: 0 <= v <= 16)
    session_timeout_minutes = Setting("session_timeout_minutes", 15, int, lambda v: 1 <= v <= 240)
    log_to_file = Setting("log_to_file", False, bool)
    # the coordination profile: the PostgreSQL coordination database (empty: libpq's PG* variables)
    coordination_database_url = Setting("coordination_database_url", "", str, lambda v: len(v) <= 500)

    def __init__(self, path: Path | None):
        self.path = path
        self._lock = threading.Lock()
        self._values: dict[str, Any] = {}
        if path is not None and path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(data, dict):
                    self._values = data
            except (OSError, ValueError):
                log.warning("settings file unreadable; defaults used (the file is kept)")

    def save(self) -> None:
        if self.path is None:
            return
        with self._lock:
            atomic_write(self.path, json.dumps(self._values, indent=2, sort_keys=True).encode("utf-8"))

    def as_dict(self) -> dict[str, Any]:
        return {key: getattr(self, self._attr(key)) for key in self._registry}

    @classmethod
    def _attr(cls, key: str) -> str:
        for name, value in vars(cls).items():
            if isinstance(value, Setting) and value.key == key:
                return name
        raise KeyError(key)
