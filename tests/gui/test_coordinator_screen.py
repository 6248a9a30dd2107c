"""The coordinator screen (issue #20): a bundle imported from the screen (progress bar, off
the GUI thread) into a demo coordination database on the real PostgreSQL; the post, the
import and the chart appear; a refused file says why."""

from __future__ import annotations

import uuid

import pytest

from tests.coordination.helpers import create_database, drop_database, pg_url, records_for, write

from .conftest import login


@pytest.fixture
def coordination_url():
    server = pg_url()
    name = f"hhbm_coord_gui_{uuid.uuid4().hex[:8]}"
    yield create_database(server, name)
    drop_database(server, name)


def test_import_on_the_coordinator_screen(qtbot, controller_factory, coordination_url, tmp_path):
    from PySide6.QtWidgets import QTabWidget

    from border_app import clock
    from border_app.keys import Keystore
    from db.coordination import init_db
    from db.coordination.posts import add_post

    from ui.coordinator_screen import CoordinatorScreen

    controller = controller_factory(demo=True)
    controller.start()
    window = login(qtbot, controller, "coordination")
    screen = window.findChild(CoordinatorScreen, "coordinatorScreen")
    tabs = screen.parentWidget()
    while not isinstance(tabs, QTabWidget):
        tabs = tabs.parentWidget()
    # the coordination's keys live in this profile's keystore (coordination keys init)
    profile = controller.profile
    store = Keystore.load(profile.keystore)
    keys = store.add_coordination_keys(screen.actor.keys)
    screen.actor.keys = keys
    db, _done = init_db(coordination_url, demo=True)
    add_post(db, store.public_keys(), name="Démo", pcode="NE999")
    db.dispose()
    now = clock.utcnow().replace(microsecond=0)
    bundle = write(tmp_path, keys, keys, records_for(range(1, 17), at=now), from_seq=0, to_seq=16,
                   pcode="NE999", name="Démo")
    junk = tmp_path / "junk.hhbm"
    junk.write_bytes(b"not a bundle")

    tabs.setCurrentIndex(next(i for i in range(tabs.count()) if screen.isAncestorOf(tabs.widget(i))
                              or tabs.widget(i) is screen))
    screen.url.setText(coordination_url)
    screen.import_paths([str(bundle), str(junk)])
    qtbot.waitUntil(lambda: len(screen.results) == 2 and screen.import_button.isEnabled(), timeout=30_000)
    assert [r.status for r in screen.results] == ["imported", "rejected"]
    assert screen.progress.maximum() == 2
    qtbot.waitUntil(lambda: screen.posts_table.rowCount() == 1 and screen.imports_table.rowCount() == 2,
                    timeout=30_000)
    assert screen.posts_table.item(0, 0).text() == "NE999"
    outcomes = {screen.imports_table.item(r, 2).text() for r in range(2)}
    assert outcomes == {"importé", "refusé"}
    assert sum(n for *_x, n in screen.chart.rows) == 4
    assert "refusé" in screen.notice.text().lower() or screen.notice.isVisible()
    # the settings keep the address without its password (issue #18, walk item 10)
    from ui.coordinator_screen import split_password

    assert controller.settings.coordination_database_url == split_password(coordination_url)[0]
