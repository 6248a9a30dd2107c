"""One translation catalogue for the UI, the CLI and the slips (gettext ``.po`` files).

Source strings are English; French is the default language. The catalogues live in
``resources/translations/<lang>/*.po`` (one file per area, all merged at load time, so
that features can be added without editing one shared file). They are managed with Babel
(``./dev i18n`` extracts and updates them) and read with Babel at start-up: no compile
step, nothing to forget.

After Electrum's ``i18n.py``: a translation whose ``{fields}`` differ from the source is
ignored (the English text is shown instead of a crash or a wrong value). Write
``_("Saved {name}").format(name=...)``, never f-strings inside ``_()``.

Messages defined at import time use :func:`N_` and are translated when shown.
"""

from __future__ import annotations

import logging
import string
import threading
from collections.abc import Callable
from importlib import resources

log = logging.getLogger(__name__)

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
SOURCE_LANGUAGE = "en"

_lock = threading.Lock()
_catalogues: dict[str, dict[str, str]] = {}
_current = DEFAULT_LANGUAGE
_listeners: list[Callable[[str], None]] = []


def _fields(text: str) -> set[str]:
    try:
        return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"<malformed>"}


def _load(lang: str) -> dict[str, str]:
    from babel.messages.pofile import read_po

    table: dict[str, str] = {}
    if lang == SOURCE_LANGUAGE:
        return table
    folder = resources.files("resources").joinpath("translations", lang)
    if not folder.is_dir():
        return table
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".po"):
            continue
        with entry.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        for message in catalog:
            if not message.id or not message.string or message.fuzzy:
                continue
            msgid, msgstr = message.id, message.string
            if not isinstance(msgid, str):  # plural forms: keep singular and plural
                for src, dst in zip(msgid, msgstr, strict=False):
                    if dst and _fields(src) == _fields(dst):
                        table[src] = dst
                continue
            if not isinstance(msgstr, str) or _fields(msgid) != _fields(msgstr):
                log.warning("translation of %r ignored: its fields differ", msgid)
                continue
            table[msgid] = msgstr
    return table


def catalogue(lang: str) -> dict[str, str]:
    with _lock:
        if lang not in _catalogues:
            _catalogues[lang] = _load(lang)
        return _catalogues[lang]


def gettext(message: str, lang: str | None = None) -> str:
    """Translate ``message`` into ``lang`` (default: the current language)."""
    table = catalogue(lang or _current)
    return table.get(message, message)


def ngettext(singular: str, plural: str, n: int, lang: str | None = None) -> str:
    chosen = singular if n == 1 or ((lang or _current) == "fr" and n == 0) else plural
    return gettext(chosen, lang)


_ = gettext


def N_(message: str) -> str:
    """Mark ``message`` for extraction; translate later with ``_()``."""
    return message


def current_language() -> str:
    return _current


def set_language(lang: str) -> None:
    """Switch the language for everything that translates from now on."""
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    _current = lang
    for listener in list(_listeners):
        listener(lang)


def on_language_changed(listener: Callable[[str], None]) -> Callable[[], None]:
    """Call ``listener(lang)`` after every switch; returns a function that unsubscribes."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener) if listener in _listeners else None


def reload() -> None:
    """Forget loaded catalogues (after an update of the ``.po`` files)."""
    with _lock:
        _catalogues.clear()
