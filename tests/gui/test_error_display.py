"""One error-display helper for the screens (``ui.errors.report_failure``), and the screens
imported plainly (no probing for screens "not built yet"). At 82affb9 the branch "user-facing
error -> the screen's notice, else the crash dialog" was written in about nine screens, and
``ui/main_window.py``, ``ui/post_settings.py`` and ``ui/screening_screen.py`` probed for
modules that might not exist."""

from __future__ import annotations

from pathlib import Path

import ui.errors as errors
from border_app.errors import InvalidInput

UI = Path(__file__).resolve().parents[2] / "ui"


class FakeNotice:
    def __init__(self):
        self.shown: list[tuple[str, str]] = []

    def show_message(self, text: str, level: str) -> None:
        self.shown.append((text, level))


def test_a_user_facing_error_goes_to_the_notice_anything_else_to_the_crash_dialog(monkeypatch):
    crashes: list[BaseException] = []
    monkeypatch.setattr(errors, "show_error", lambda parent, exc: crashes.append(exc))
    notice, said, hidden = FakeNotice(), [], []
    errors.report_failure(None, InvalidInput("Non."), notice)
    errors.report_failure(None, InvalidInput("Pas ici."), notice, on_message=said.append)
    assert notice.shown == [("Non.", "error")] and said == ["Pas ici."] and crashes == []
    bug = RuntimeError("bug")
    errors.report_failure(None, bug, notice, on_crash=lambda: hidden.append(True))
    assert crashes == [bug] and hidden == [True] and len(notice.shown) == 1


def test_the_branch_is_written_once():
    offenders = [p.name for p in UI.glob("*.py") if p.name != "errors.py"
                 and "isinstance(exc, UserFacingError)" in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_no_probing_for_screens_not_built_yet():
    for name in ("main_window.py", "post_settings.py", "screening_screen.py"):
        text = (UI / name).read_text(encoding="utf-8")
        assert "ModuleNotFoundError" not in text and "importlib" not in text and "_find_print_slip" not in text, name
