"""Write a gettext .po file from a {msgid: msgstr} dict (keeps it valid and UTF-8)."""

from __future__ import annotations

from pathlib import Path


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def write_po(path: Path, entries: dict[str, str], *, lang: str = "fr") -> None:
    out = [
        'msgid ""', 'msgstr ""',
        '"Project-Id-Version: hhbm-border-app\\n"',
        f'"Language: {lang}\\n"',
        '"MIME-Version: 1.0\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Content-Transfer-Encoding: 8bit\\n"',
        '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"', "",
    ]
    for msgid in sorted(entries):
        out += [f"msgid {_q(msgid)}", f"msgstr {_q(entries[msgid])}", ""]
    Path(path).write_text("\n".join(out), encoding="utf-8")
