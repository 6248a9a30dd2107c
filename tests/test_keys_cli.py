"""``border-app keys``: init, rotate, export-public."""

from __future__ import annotations

import json

import pytest

from border_app.cli import main
from border_app.cli.cmd_keys import init_keys, rotate_keys
from border_app.errors import KeyStoreError
from border_app.keys import KdfParams, Keystore, PublicKeys, verify
from border_app.model import Actor
from border_app.paths import profile
from border_app.roles import Role


@pytest.fixture
def keystore(home):
    prof = profile().ensure()
    keys = init_keys(prof.keystore, "NE-POST-1", "admin-id", "admin pw", kdf=KdfParams.TEST)
    return prof.keystore, keys


def test_init_keys_creates_a_slot_for_the_admin(keystore):
    path, keys = keystore
    store = Keystore.load(path)
    assert store.slot_ids() == ["admin-id"]
    assert store.unlock("admin-id", "admin pw").signing_key_id == keys.signing_key_id
    with pytest.raises(KeyStoreError) as err:
        init_keys(path, "NE-POST-1", "admin-id", "admin pw", kdf=KdfParams.TEST)
    assert "keys rotate" in err.value.message


def test_rotate_keys_helper(keystore):
    path, keys = keystore
    old = keys.signing_key_id
    new = rotate_keys(path, keys)
    public = Keystore.load(path).public_keys()
    assert public.signing_key_id == new.signing_key_id != old
    assert public.signing_key_for(old) == keys.signing_public_key


def test_export_public_json(keystore, capsys):
    path, keys = keystore
    assert main(["keys", "export-public", "--json"]) == 0
    out = capsys.readouterr().out
    public = PublicKeys.from_json(json.loads(out))
    assert public == Keystore.load(path).public_keys()
    assert public.signing_public_key == keys.signing_public_key
    assert "encrypted_private_key" not in out and "slots" not in out


def test_export_public_files(keystore, tmp_path, capsys):
    import cv2
    import zxingcpp
    path, _keys = keystore
    out_json, out_png = tmp_path / "pub.json", tmp_path / "pub.png"
    assert main(["keys", "export-public", "--out", str(out_json), "--qr", str(out_png)]) == 0
    said = capsys.readouterr().out
    assert "Clés publiques écrites" in said and "Code QR écrit" in said
    expected = Keystore.load(path).public_keys()
    assert PublicKeys.from_json(json.loads(out_json.read_text(encoding="utf-8"))) == expected
    scanned = zxingcpp.read_barcodes(cv2.imread(str(out_png), cv2.IMREAD_GRAYSCALE))
    assert PublicKeys.from_qr_text(scanned[0].text) == expected


def test_export_public_human_readable_in_french_and_english(keystore, capsys):
    _path, keys = keystore
    assert main(["keys", "export-public"]) == 0
    out = capsys.readouterr().out
    assert "Poste : NE-POST-1" in out
    assert "Clé de signature : " + keys.signing_key_id in out
    assert main(["--lang", "en", "keys", "export-public"]) == 0
    assert "Signing key: " + keys.signing_key_id in capsys.readouterr().out


def test_export_public_errors(home, capsys, tmp_path):
    assert main(["keys", "export-public"]) == 1
    err = capsys.readouterr().err
    assert "Aucun fichier de clés" in err and "keys init" in err and "Traceback" not in err
    prof = profile().ensure()
    init_keys(prof.keystore, "NE-POST-1", "a", "pw", kdf=KdfParams.TEST)
    assert main(["keys", "export-public", "--qr", str(tmp_path / "x.jpg")]) == 2
    assert ".png" in capsys.readouterr().err
    prof.keystore.write_text("{broken", encoding="utf-8")
    assert main(["keys", "export-public"]) == 1
    assert "endommagé" in capsys.readouterr().err


def test_init_and_rotate_commands_with_a_signed_in_admin(home, monkeypatch, capsys):
    """The command wiring, with the sign-in replaced (AuthService is tested elsewhere)."""
    from border_app.cli.context import CliContext
    from border_app.roles import Permission

    seen = []

    def fake_login(self, permission=None):
        seen.append(permission)
        return Actor(user_id="admin-id", username="admin", full_name="Admin", role=Role.POST_ADMIN,
                     post_id="NE-POST-9")

    monkeypatch.setattr(CliContext, "login", fake_login)
    monkeypatch.setenv("BORDER_APP_PASSWORD", "correct horse")
    assert main(["--user", "admin", "keys", "init"]) == 0
    out = capsys.readouterr().out
    path = profile().keystore
    keys = Keystore.load(path).unlock("admin-id", "correct horse")
    assert keys.post_id == "NE-POST-9"
    assert keys.signing_key_id in out and "Clés créées" in out
    assert seen == [Permission.MANAGE_KEYS]

    assert main(["--user", "admin", "keys", "init"]) == 1
    assert "keys rotate" in capsys.readouterr().err

    sig = keys.sign(b"old slip")
    assert main(["--user", "admin", "keys", "rotate"]) == 0
    out = capsys.readouterr().out
    public = Keystore.load(path).public_keys()
    assert public.signing_key_id != keys.signing_key_id
    assert public.signing_key_id in out and keys.signing_key_id in out
    assert public.verify(keys.signing_key_id, b"old slip", sig)
    assert verify(public.signing_key_for(keys.signing_key_id), b"old slip", sig)
