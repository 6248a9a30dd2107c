"""Issue #18, the screenshot walk: the coordinator screen (ui/coordinator_screen.py)."""

from __future__ import annotations

import json

import pytest

SECRET = "s3cr#t-Pa55"


@pytest.fixture
def screen_factory(qtbot, tmp_path):
    from border_app.settings import Settings
    from ui.app import make_application

    make_application()

    def make(saved: str | None = None):
        from ui.coordinator_screen import CoordinatorScreen

        path = tmp_path / "settings.json"
        if saved is not None:
            path.write_text(json.dumps({"coordination_database_url": saved}), encoding="utf-8")
        settings = Settings(path)
        screen = CoordinatorScreen(None, None, settings=settings)
        qtbot.addWidget(screen)
        return screen, path

    return make


def _visible_texts(screen):
    from PySide6.QtWidgets import QLineEdit

    texts = []
    for field in screen.findChildren(QLineEdit):
        if field.echoMode() == QLineEdit.EchoMode.Normal:
            texts += [field.text(), field.displayText(), field.placeholderText(), field.toolTip()]
        else:
            texts.append(field.displayText())
    return texts


def test_a_typed_password_is_neither_saved_nor_shown(screen_factory):
    screen, path = screen_factory()
    screen.url.setText(f"postgresql+psycopg://coord:{SECRET}@db.example:5432/coordination")
    screen.url.editingFinished.emit()
    screen._remember_url()
    assert SECRET not in path.read_text(encoding="utf-8") and "Pa55" not in path.read_text(encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8"))["coordination_database_url"] == \
        "postgresql+psycopg://coord@db.example:5432/coordination"
    assert not any("Pa55" in t for t in _visible_texts(screen))
    # kept in memory for the session's connection only, masked
    from sqlalchemy.engine import make_url

    assert make_url(screen.cdb_url_wanted).password == SECRET
    assert screen.password.echoMode() != screen.password.EchoMode.Normal
    assert screen.password.displayText() != SECRET


def test_a_password_in_the_query_string_or_libpq_words_is_stripped_too(screen_factory):
    screen, path = screen_factory()
    screen.url.setText(f"postgresql://coord@db.example/coordination?password={SECRET}&sslmode=require")
    screen._remember_url()
    assert SECRET not in path.read_text(encoding="utf-8") and "Pa55" not in path.read_text(encoding="utf-8")
    assert "sslmode=require" in path.read_text(encoding="utf-8")
    assert SECRET not in screen.url.text()


def test_an_older_settings_file_holding_a_password_is_cleaned(screen_factory):
    screen, path = screen_factory(f"postgresql://coord:{SECRET}@db.example/coordination")
    assert SECRET not in screen.url.text()
    assert SECRET not in path.read_text(encoding="utf-8") and "Pa55" not in path.read_text(encoding="utf-8")
    assert screen.url.text() == "postgresql://coord@db.example/coordination"
