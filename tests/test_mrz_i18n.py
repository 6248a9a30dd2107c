"""Every message of the MRZ area, the country list and the demo generator has French."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from border_app import i18n

ROOT = Path(__file__).resolve().parents[1]
FILES = ["border_app/mrz/result.py", "border_app/mrz/normalise.py", "border_app/mrz/parser.py",
         "border_app/mrz/build.py", "border_app/cli/cmd_mrz.py", "border_app/countries.py", "border_app/demo.py"]
SAME_IN_FRENCH = {"Format"}


def _messages() -> list[str]:
    found = []
    for name in FILES:
        for _line, msg, _comments, _ctx in extract_from_file("python", str(ROOT / name),
                                                              keywords={"_": None, "N_": None}):
            if msg not in found:
                found.append(msg)
    return found


def test_catalogue_is_readable_and_complete():
    with (ROOT / "resources/translations/fr/mrz.po").open("rb") as fh:
        catalog = read_po(fh, locale="fr")
    ours = {m.id: m.string for m in catalog if m.id}
    messages = _messages()
    assert len(messages) > 50
    missing = [m for m in messages if not ours.get(m)]
    assert missing == []


@pytest.mark.parametrize("message", _messages())
def test_french_translation_is_used_and_keeps_fields(message):
    french = i18n.gettext(message, "fr")
    if message not in SAME_IN_FRENCH:
        assert french != message
    assert i18n._fields(french) == i18n._fields(message)
