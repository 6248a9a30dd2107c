"""A real post's first run: the wizard sets up the post, the administrator and the keys."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWizard

pytestmark = pytest.mark.gui


@pytest.fixture
def real_controller(controller_factory):
    return controller_factory(demo=False)


def test_first_run_wizard_sets_up_post_admin_and_keys(qtbot, real_controller, home):
    from border_app import paths
    from border_app.keys import Keystore

    real_controller.start()
    qtbot.waitUntil(lambda: real_controller.shown and real_controller.shown[-1].objectName() == "setupWizard")
    wizard = real_controller.shown[-1]
    post = wizard.post_page
    qtbot.keyClicks(post.name, "Poste de Gaya")
    qtbot.keyClicks(post.pcode, "NE00300")  # incomplete: refused with a clear message
    wizard.next()
    assert wizard.currentPage() is post and "P-code" in post.notice.text()
    qtbot.keyClicks(post.pcode, "6")
    wizard.next()
    admin = wizard.admin_page
    assert wizard.currentPage() is admin
    qtbot.keyClicks(admin.username, "aissa")
    admin.full_name.setText("Aïssa Garba")  # QTest cannot type non-ASCII keys
    qtbot.keyClicks(admin.password, "long-enough-1")
    qtbot.keyClicks(admin.confirm, "long-enough-2")
    wizard.next()
    assert wizard.currentPage() is admin and admin.notice.text()  # the passwords differ
    admin.confirm.clear()
    qtbot.keyClicks(admin.confirm, "long-enough-1")
    wizard.next()
    assert wizard.currentPage() is wizard.keys_page
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: real_controller.shown[-1].objectName() == "mainWindow", timeout=30_000)
    main = real_controller.shown[-1]
    assert main.actor.username == "aissa" and main.actor.role.value == "post_admin"
    assert main.registration is None  # the administrator reads no traveller data
    assert "Poste de Gaya" in main.post_label.text()
    keystore = paths.profile().keystore
    assert Keystore.exists(keystore)
    assert Keystore.load(keystore).has_slot(main.actor.user_id)
    assert main.actor.keys is not None
    assert not (home / "demo").exists()  # a real post never touches the demo folder
