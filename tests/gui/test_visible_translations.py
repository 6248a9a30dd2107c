"""No visible string is left in the other language: every window and dialog that
test_screen_fit.py opens is walked in French and in English (window titles, labels,
buttons, placeholders, tooltips, tab texts, table and tree headers, combo items, group
titles, wizard pages), and

* in French, a string that is an English source message whose French differs, or that
  reads as English (two or more common English words), is reported;
* in English, a string that is a French translation from the catalogue, a French date
  placeholder (AAAA, JJ/MM), or that reads as French (two or more common French words).

Allowed everywhere (true invariants): the language names offered in their own language
("Français", "English"), and what is data rather than interface text (names, codes and
numbers: table cells and typed field contents are not collected at all).
"""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton, QAbstractSpinBox, QComboBox, QGroupBox, QHeaderView, QLabel, QLineEdit, QTabBar,
    QWidget, QWizard,
)

from .test_screen_fit import switch, visit_windows

pytestmark = pytest.mark.gui

ALLOWED = {"Français", "English", "OK"}
ENGLISH_WORDS = {"the", "and", "to", "is", "your", "this", "with", "for", "of", "not", "are", "be", "from",
                 "no", "yes", "all", "an", "by", "on", "or", "in", "at", "it", "out", "new", "print", "save",
                 "search", "sign", "name", "date", "type", "day", "report", "settings"}
FRENCH_WORDS = {"le", "la", "les", "des", "du", "une", "un", "est", "pour", "avec", "vous", "votre", "et",
                "au", "aux", "sur", "dans", "pas", "ou", "de", "nom", "enregistrer", "imprimer", "rechercher",
                "jour", "paramètres", "mot", "passe"}
# Found by this test in screens owned by others, reported to the lead (issue #18);
# (window, text) -> why. Remove an entry once fixed: the test then guards it.
KNOWN_ELSEWHERE: dict[tuple[str, str], str] = {}
WORD = re.compile(r"[A-Za-zÀ-ÿ']+")
TAGS = re.compile(r"<[^>]+>")


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def widget_strings(window: QWidget) -> list[tuple[str, str]]:
    """(where, text) of every visible interface text in ``window``."""
    found: list[tuple[str, str]] = [("windowTitle", window.windowTitle())]
    if isinstance(window, QWizard):
        page = window.currentPage()
        if page is not None:
            found += [("wizard title", page.title()), ("wizard subtitle", page.subTitle())]
    for w in window.findChildren(QWidget):
        if w.window() is not window or not w.isVisibleTo(window):
            continue
        name = w.objectName() or type(w).__name__
        if w.toolTip():
            found.append((f"{name} tooltip", TAGS.sub(" ", w.toolTip())))
        if isinstance(w, QLabel):
            text = w.text()
            if w.textFormat() != Qt.TextFormat.PlainText and "<" in text:
                text = TAGS.sub("\n", text)
            found.append((name, text))
        elif isinstance(w, QAbstractButton):
            found.append((name, w.text()))
        elif isinstance(w, QLineEdit):
            found.append((f"{name} placeholder", w.placeholderText()))
        elif isinstance(w, QComboBox):
            found += [(f"{name} item", w.itemText(i)) for i in range(w.count())]
            if w.lineEdit() is not None:
                found.append((f"{name} placeholder", w.lineEdit().placeholderText()))
        elif isinstance(w, QTabBar):
            found += [(f"{name} tab", w.tabText(i)) for i in range(w.count())]
        elif isinstance(w, QHeaderView):
            model = w.model()
            if model is not None:
                count = model.columnCount() if w.orientation() == Qt.Orientation.Horizontal else 0
                found += [(f"{name} header", str(model.headerData(i, w.orientation()) or ""))
                          for i in range(count)]
        elif isinstance(w, QGroupBox):
            found.append((f"{name} title", w.title()))
        elif isinstance(w, QAbstractSpinBox):
            found.append((f"{name} special", w.specialValueText()))
    out = []
    for where, text in found:
        for line in (text or "").replace("&&", "\0").replace("&", "").replace("\0", "&").splitlines():
            line = line.strip()
            if line and line not in ALLOWED and WORD.search(line):
                out.append((where, line))
    return out


def language_problems(lang: str, where: str, text: str) -> str | None:
    from border_app.i18n import catalogue

    fr = catalogue("fr")
    french_values = {v.strip() for k, v in fr.items() if v != k}
    ws = words(text)
    if lang == "fr":
        if fr.get(text, text) != text:
            return "an English source message (its French exists)"
        if text.endswith(":") and fr.get(text[:-1].strip(), text[:-1].strip()) != text[:-1].strip():
            return "an English source message (its French exists)"
        if len([w for w in ws if w in ENGLISH_WORDS]) >= 2 and not any(w in FRENCH_WORDS for w in ws):
            return "reads as English"
    else:
        if text in french_values and text not in fr:
            return "a French translation from the catalogue"
        if "AAAA" in text or "JJ/MM" in text or "JJ-MM" in text:
            return "a French date placeholder"
        if len([w for w in ws if w in FRENCH_WORDS]) >= 2 and not any(w in ENGLISH_WORDS for w in ws):
            return "reads as French"
    return None


def test_no_visible_string_in_the_other_language(qtbot, controller_factory):
    problems: dict[str, None] = {}
    known: dict[str, None] = {}

    def check(name: str, window: QWidget) -> None:
        for lang in ("fr", "en"):
            switch(lang)
            for where, text in widget_strings(window):
                why = language_problems(lang, where, text)
                if why:
                    line = f"[{lang}] {name} / {where}: {text!r} — {why}"
                    (known if (name, text) in KNOWN_ELSEWHERE else problems)[line] = None
        switch("fr")

    try:
        visit_windows(qtbot, controller_factory, check, messages=False)
    finally:
        switch("fr")
    if known:
        print("known, reported to the lead:\n" + "\n".join(known))
    assert not problems, "\n".join(problems) + f"\n({len(problems)} strings)"
