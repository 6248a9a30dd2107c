"""Translations in the GUI: our gettext catalogue for our strings, Qt's ``qtbase_fr``
for Qt's own (standard buttons, context menus), switchable at run time.

Widgets bind their texts once with :meth:`Retranslatable.bind`; a language switch
re-applies every binding, so no screen has to rebuild itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from border_app import i18n

_qt_translator: QTranslator | None = None


def install_qt_translator(lang: str) -> None:
    global _qt_translator
    app = QApplication.instance()
    if app is None:
        return
    if _qt_translator is not None:
        app.removeTranslator(_qt_translator)
        _qt_translator = None
    QLocale.setDefault(QLocale(QLocale.Language.French if lang == "fr" else QLocale.Language.English))
    if lang == "en":
        return
    translator = QTranslator(app)
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{lang}", path):
        app.installTranslator(translator)
        _qt_translator = translator


def switch_language(lang: str) -> None:
    """Switch the whole application (our strings, Qt's strings, open screens)."""
    install_qt_translator(lang)
    i18n.set_language(lang)


class Retranslatable:
    """Mixin: ``self.bind(label.setText, N_("Surname"))`` and texts follow the language."""

    def _bindings(self) -> list[tuple[Callable[[str], Any], str, dict]]:
        if not hasattr(self, "_tr_bindings"):
            self._tr_bindings: list = []
            self._tr_unsubscribe = i18n.on_language_changed(lambda _lang: self.retranslate())
            destroyed = getattr(self, "destroyed", None)
            if destroyed is not None:
                destroyed.connect(lambda *_: self._tr_unsubscribe())
        return self._tr_bindings

    def bind(self, setter: Callable[[str], Any], msgid: str, **fields: Any) -> None:
        self._bindings().append((setter, msgid, fields))
        setter(self._render(msgid, fields))

    @staticmethod
    def _render(msgid: str, fields: dict) -> str:
        text = i18n.gettext(msgid)
        if fields:
            text = text.format(**{k: (v() if callable(v) else v) for k, v in fields.items()})
        return text

    def retranslate(self) -> None:
        try:
            for setter, msgid, fields in self._bindings():
                setter(self._render(msgid, fields))
        except RuntimeError:  # the C++ object is gone
            return
        self.on_retranslate()

    def on_retranslate(self) -> None:
        """Override to refresh texts that are not simple bindings (combo items, tables)."""
