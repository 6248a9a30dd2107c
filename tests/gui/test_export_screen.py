"""The export screen (issue #20): shows what is unexported, exports to the chosen folder off
the GUI thread, says what it wrote; refuses before the coordination's keys are pinned."""

from __future__ import annotations

from pathlib import Path

from .conftest import login, wait_for_window


def _pin_coordination(tmp_path: Path) -> None:
    """Pin a fresh coordination key at the demo post, as ``keys pin-coordination`` does."""
    from border_app.keys import KdfParams, Keystore
    from border_app.paths import profile
    from db import open_database
    from db.services import AuthService

    _store, coord = Keystore.create(tmp_path / "coord.json", post_id="coordination", coordination=True,
                                    kdf=KdfParams(1, 1024, 1), first_slot=("admin", "pw"))
    public = Keystore.load(tmp_path / "coord.json").coordination_public_keys()
    prof = profile(True)
    db = open_database(prof.database_url, profile=prof)
    try:
        admin = AuthService(db).login("admin", "demo1234")
        Keystore.load(prof.keystore).pin_coordination(public, admin.keys)
    finally:
        db.dispose()
    return coord


def test_export_from_the_screen(qtbot, app_controller, tmp_path):
    app_controller.start()
    wait_for_window(qtbot, app_controller, "loginWindow")
    stick = tmp_path / "usb"
    stick.mkdir()

    # before pinning: refused with a message saying how to pin
    main = login(qtbot, app_controller, "superviseur")
    screen = main.screens["export"]
    main.tabs.setCurrentWidget(screen)
    qtbot.waitUntil(lambda: screen.pending is not None, timeout=30_000)
    assert screen.pending.counts["crossings"] >= 3
    assert "3" in screen.counts_label.text() or screen.counts_label.text()
    screen.folder.setText(str(stick))
    screen.export_button.click()
    qtbot.waitUntil(lambda: screen.export_button.isEnabled() and screen.notice.property("kind") == "error",
                    timeout=30_000)
    assert "pin-coordination" in screen.notice.text()
    assert list(stick.iterdir()) == []
    main.sign_out()

    coord = _pin_coordination(tmp_path)
    main = login(qtbot, app_controller, "superviseur")
    screen = main.screens["export"]
    main.tabs.setCurrentWidget(screen)
    qtbot.waitUntil(lambda: screen.pending is not None, timeout=30_000)
    screen.folder.setText(str(stick))
    screen.export_button.click()
    qtbot.waitUntil(lambda: screen.result is not None and screen.export_button.isEnabled(), timeout=60_000)
    assert screen.notice.property("kind") == "ok", screen.notice.text()
    files = list(stick.iterdir())
    assert len(files) == 1 and files[0].suffix == ".hhbm" and files[0].name in screen.notice.text()
    assert str(files[0]) in screen.notice.label.toolTip()
    assert screen.result.demo
    # the bundle opens with the coordination's key
    from border_app.bundles import open_bundle
    from border_app.keys import Keystore
    from border_app.paths import profile

    pub = Keystore.load(profile(True).keystore).public_keys()
    with open_bundle(files[0], coordination_private_keys=coord.coordination_private_keys(),
                     post_signing_keys={pub.signing_key_id: pub.signing_public_key}) as opened:
        assert opened.manifest.demo and opened.manifest.counts["crossings"] == screen.result.counts["crossings"]
    # after the export: nothing new, the last export is shown
    qtbot.waitUntil(lambda: screen.pending is not None and screen.pending.data_records == 0, timeout=30_000)
    assert files[0].name in screen.last_label.toolTip() + screen.last_label.text()
    screen.export_button.click()
    qtbot.waitUntil(lambda: screen.result.bundle is None and screen.export_button.isEnabled(), timeout=30_000)
    assert len(list(stick.iterdir())) == 1
