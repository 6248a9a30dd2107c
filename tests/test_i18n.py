from __future__ import annotations

import sys
from pathlib import Path

from border_app import i18n

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))


def test_every_user_visible_string_has_a_french_translation():
    import i18n_check

    gaps = i18n_check.missing("fr")
    listing = "\n".join(f"{m!r} at {w[0]}" for m, w in sorted(gaps.items())[:40])
    assert not gaps, f"{len(gaps)} strings without French translation:\n{listing}"


def test_french_is_the_default_and_english_is_the_source():
    assert i18n.DEFAULT_LANGUAGE == "fr"
    assert i18n.gettext("Entry", "fr") == "Entrée"
    assert i18n.gettext("Entry", "en") == "Entry"


def test_switching_language_notifies_listeners():
    seen = []
    unsubscribe = i18n.on_language_changed(seen.append)
    try:
        i18n.set_language("en")
        assert i18n._("Entry") == "Entry"
        i18n.set_language("fr")
        assert i18n._("Entry") == "Entrée"
    finally:
        unsubscribe()
    assert seen == ["en", "fr"]


def test_translation_with_different_fields_is_ignored(tmp_path, monkeypatch):
    po = tmp_path / "fr"
    po.mkdir()
    (po / "x.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Hello {name}"\nmsgstr "Bonjour {nom}"\n\n'
        'msgid "Bye {name}"\nmsgstr "Au revoir {name}"\n',
        encoding="utf-8",
    )

    class FakeFiles:
        def joinpath(self, *parts):
            return tmp_path.joinpath(*parts[1:])

    monkeypatch.setattr(i18n.resources, "files", lambda _pkg: FakeFiles())
    i18n.reload()
    try:
        assert i18n.gettext("Hello {name}", "fr") == "Hello {name}"
        assert i18n.gettext("Bye {name}", "fr") == "Au revoir {name}"
    finally:
        monkeypatch.undo()
        i18n.reload()
