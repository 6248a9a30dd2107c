"""List the user-visible strings that have no French translation.

Extracts every ``_()``, ``N_()`` and ``ngettext()`` message from the four code packages with
Babel and compares with the merged French catalogue (``resources/translations/fr/*.po``).
``python tools/i18n_check.py`` prints the missing ones as a ``.po`` fragment ready to fill in.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("border_app", "db", "printing", "ui")
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2), "tr": None}


def extracted_messages() -> dict[str, list[str]]:
    from babel.messages.extract import extract_from_dir

    found: dict[str, list[str]] = {}
    for package in PACKAGES:
        folder = ROOT / package
        if not folder.is_dir():
            continue
        method_map = [("**.py", "python")]
        for filename, lineno, message, _comments, _ctx in extract_from_dir(
            str(folder), method_map=method_map, keywords=KEYWORDS
        ):
            messages = message if isinstance(message, tuple) else (message,)
            for msg in messages:
                if msg:
                    found.setdefault(msg, []).append(f"{package}/{filename}:{lineno}")
    return found


def missing(lang: str = "fr") -> dict[str, list[str]]:
    sys.path.insert(0, str(ROOT))
    from border_app import i18n

    i18n.reload()
    table = i18n.catalogue(lang)
    return {msg: where for msg, where in extracted_messages().items() if msg not in table}


def _po_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


if __name__ == "__main__":
    gaps = missing()
    for msg, where in sorted(gaps.items()):
        print(f"#: {' '.join(where[:3])}\nmsgid \"{_po_escape(msg)}\"\nmsgstr \"\"\n")
    print(f"# {len(gaps)} message(s) without a French translation", file=sys.stderr)
    sys.exit(1 if gaps else 0)
