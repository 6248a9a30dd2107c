"""``border-app export`` and the key set-up around it (issue #20): coordination keys init and
export-public, keys pin-coordination, export exit codes and JSON, incremental and full,
nothing new, full disk and read-only folder (nothing half-written, retry works), demo mark,
the post's public keys carry its name and P-code."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from border_app.cli import main

PASSWORD = "correct horse"
TRAVELLERS = [
    {"surname": "Issoufou", "given_names": "Amadou", "sex": "M", "birth_date": "1985", "nationality": "NER",
     "identity_declared": True, "direction": "entry", "transport_mode": "foot", "crossed_at": "2026-01-10T08:15"},
    {"surname": "Garba", "sex": "F", "nationality": "NER", "direction": "entry", "group_size": 3,
     "document": {"type": "id_card", "number": "id 998877", "issuing_state": "NER", "expiry_date": "2030-01-01"}},
]


@pytest.fixture
def fast(monkeypatch):
    from border_app import keys
    from db import passwords

    monkeypatch.setattr(keys.KdfParams, "DEFAULT", keys.KdfParams.TEST)
    old = passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    monkeypatch.setenv("BORDER_APP_PASSWORD", PASSWORD)
    monkeypatch.delenv("BORDER_APP_DATABASE_URL", raising=False)
    yield
    passwords.use_hasher(old)


def _at(monkeypatch, root: Path) -> None:
    root.mkdir(exist_ok=True)
    monkeypatch.setenv("BORDER_APP_HOME", str(root))


@pytest.fixture
def coordination(fast, tmp_path, monkeypatch):
    """A coordination computer (set up like a post) with its keys; returns its public-keys file."""
    _at(monkeypatch, tmp_path / "coord-home")
    assert main(["setup", "--post-name", "Coordination HHBM", "--pcode", "NE001", "--admin", "chef"]) == 0
    assert main(["coordination", "keys", "init", "--user", "chef"]) == 0
    out = tmp_path / "coordination-keys.json"
    qr = tmp_path / "coordination-keys.png"
    assert main(["coordination", "keys", "export-public", "--out", str(out), "--qr", str(qr)]) == 0
    assert qr.stat().st_size > 100
    return out


def _coordination_keys(tmp_path):
    from border_app.keys import Keystore

    return Keystore.load(tmp_path / "coord-home" / "post" / "keystore.json").unlock(_admin_id(tmp_path), PASSWORD)


def _admin_id(tmp_path) -> str:
    import sqlalchemy as sa

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'coord-home' / 'post' / 'border.sqlite3'}")
    with engine.connect() as conn:
        uid = conn.execute(sa.text("SELECT id FROM users WHERE username = 'chef'")).scalar_one()
    engine.dispose()
    return uid


@pytest.fixture
def post(coordination, tmp_path, monkeypatch):
    """A real post: set up, an agent and a supervisor; returns the folder of the USB stick."""
    _at(monkeypatch, tmp_path / "post-home")
    assert main(["setup", "--post-name", "Poste de Makalondi", "--pcode", "NE006013", "--admin", "chef"]) == 0
    pw = tmp_path / "pw.txt"
    pw.write_text(PASSWORD)
    for user, role in (("agent", "border_official"), ("sup", "supervisor")):
        assert main(["users", "add", "--username", user, "--full-name", user, "--role", role,
                     "--new-password-file", str(pw), "--user", "chef"]) == 0
    stick = tmp_path / "usb"
    stick.mkdir()
    return stick


def _register(tmp_path, rows) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    assert main(["register", "--from", str(path), "--user", "agent"]) == 0


def _export(capsys, stick, *extra, user="sup"):
    capsys.readouterr()
    code = main(["export", "--out", str(stick), "--json", "--user", user, *extra])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if out.out.strip() else None), out.err


def test_export_refused_before_pinning_then_written(post, coordination, tmp_path, capsys):
    _register(tmp_path, TRAVELLERS)
    code, out, err = _export(capsys, post)
    assert code == 2 and out is None and "pin-coordination" in err
    assert list(post.iterdir()) == []
    assert main(["keys", "pin-coordination", str(coordination), "--user", "sup"]) == 4   # administrator only
    assert main(["keys", "pin-coordination", str(coordination), "--user", "chef"]) == 0

    code, out, err = _export(capsys, post)
    assert code == 0, err
    path = Path(out["bundle"])
    assert path.is_absolute() and path.parent == post.resolve()
    assert set(out) == {"bundle", "post_id", "from_seq", "to_seq", "counts"}
    assert set(out["counts"]) == {"persons", "documents", "crossings", "screenings", "slips", "tombstones", "audit"}
    assert out["counts"]["crossings"] == 2 and out["counts"]["persons"] == 2 and out["counts"]["documents"] == 1
    assert out["from_seq"] == 0 and out["to_seq"] > 0
    assert path.name == f"NE006013-{out['post_id'][:8]}-0-{out['to_seq']}.hhbm"
    assert [p.name for p in post.iterdir()] == [path.name]          # no temporary file left

    from border_app.bundles import open_bundle
    from border_app.keys import Keystore

    coord = _coordination_keys(tmp_path)
    post_keys = Keystore.load(tmp_path / "post-home" / "post" / "keystore.json").public_keys()
    with open_bundle(path, coordination_private_keys=coord.coordination_private_keys(),
                     post_signing_keys={post_keys.signing_key_id: post_keys.signing_public_key}) as opened:
        m = opened.manifest
        assert (m.post_name, m.pcode, m.demo, m.full) == ("Poste de Makalondi", "NE006013", False, False)
        assert m.schema_version and m.counts == out["counts"]
        surnames = sorted(p["surname"] for p in opened.records("persons"))
        assert surnames == ["GARBA", "ISSOUFOU"] or sorted(s.upper() for s in surnames) == ["GARBA", "ISSOUFOU"]
        assert all(a["action"] for a in opened.records("audit"))

    # audit entries alone (sign-ins, the export itself) do not make an export necessary
    code, again, _err = _export(capsys, post)
    assert code == 1 and again["bundle"] is None and again["from_seq"] == out["to_seq"]
    # new records: an incremental bundle from the last counter
    _register(tmp_path, TRAVELLERS[:1])
    code, inc, _err = _export(capsys, post)
    assert code == 0 and inc["from_seq"] == out["to_seq"] and inc["counts"]["crossings"] == 1
    assert inc["counts"]["audit"] >= 1         # the sign-ins and the first export's entry travel too
    # --full: everything from 0, same code path
    code, full, _err = _export(capsys, post, "--full")
    assert code == 0 and full["from_seq"] == 0 and full["counts"]["crossings"] == 3
    # sign-in and permission
    assert _export(capsys, post, user="agent")[0] == 4
    os.environ.pop("BORDER_APP_PASSWORD")
    assert main(["export", "--out", str(post), "--user", "sup"]) == 3


def test_full_disk_and_read_only_folder_leave_nothing(post, coordination, tmp_path, capsys, monkeypatch):
    assert main(["keys", "pin-coordination", str(coordination), "--user", "chef"]) == 0
    _register(tmp_path, TRAVELLERS)
    real_write = os.write
    calls = {"n": 0}

    def full_disk(fd, data):
        calls["n"] += 1
        if calls["n"] > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data[:100])

    monkeypatch.setattr(os, "write", full_disk)
    code, out, err = _export(capsys, post)
    monkeypatch.setattr(os, "write", real_write)
    assert code == 2 and out is None and err.strip()
    assert list(post.iterdir()) == []

    real_open = os.open

    def read_only(path, flags, *a, **k):
        if str(path).endswith(tuple(f".partial-{os.getpid()}" for _ in [0])):
            raise OSError(errno.EROFS, "Read-only file system")
        return real_open(path, flags, *a, **k)

    monkeypatch.setattr(os, "open", read_only)
    code, out, err = _export(capsys, post)
    monkeypatch.setattr(os, "open", real_open)
    assert code == 2 and err.strip()
    assert list(post.iterdir()) == []
    code, out, err = _export(capsys, post, "--lang", "en")        # retried: written, same range
    assert code == 0 and out["from_seq"] == 0 and out["counts"]["crossings"] == 2
    missing = tmp_path / "no-stick"
    code, out, err = _export(capsys, missing, "--lang", "en")
    assert code == 2 and "does not exist" in err


def test_demo_bundle_is_marked(fast, coordination, tmp_path, monkeypatch, capsys):
    _at(monkeypatch, tmp_path / "demo-home")
    monkeypatch.setenv("BORDER_APP_PASSWORD", "demo1234")
    assert main(["--demo", "demo", "--travellers", "3"]) == 0
    assert main(["--demo", "keys", "pin-coordination", str(coordination), "--user", "admin"]) == 0
    stick = tmp_path / "usb-demo"
    stick.mkdir()
    capsys.readouterr()
    assert main(["--demo", "export", "--out", str(stick), "--json", "--user", "superviseur"]) == 0
    out = json.loads(capsys.readouterr().out)
    from border_app.bundles import open_bundle
    from border_app.keys import Keystore

    coord = _coordination_keys(tmp_path)
    pub = Keystore.load(tmp_path / "demo-home" / "demo" / "keystore.json").public_keys()
    assert pub.demo
    with open_bundle(out["bundle"], coordination_private_keys=coord.coordination_private_keys(),
                     post_signing_keys={pub.signing_key_id: pub.signing_public_key}) as opened:
        assert opened.manifest.demo is True and opened.manifest.counts["crossings"] >= 3


def test_public_keys_carry_name_and_pcode_and_old_files_read(post, tmp_path, capsys):
    from border_app.keys import PublicKeys

    out = tmp_path / "post-keys.json"
    assert main(["keys", "export-public", "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["post_name"] == "Poste de Makalondi" and data["pcode"] == "NE006013"
    keys = PublicKeys.from_json(data)
    assert (keys.post_name, keys.pcode) == ("Poste de Makalondi", "NE006013")
    old = {k: v for k, v in data.items() if k not in ("post_name", "pcode")}
    assert PublicKeys.from_json(old).post_name is None
    assert PublicKeys.from_qr_text(keys.to_qr_text()).pcode == "NE006013"


def test_coordination_keys_init_twice_refused_and_rotation_keeps_retired(coordination, tmp_path, monkeypatch):
    _at(monkeypatch, tmp_path / "coord-home")
    assert main(["coordination", "keys", "init", "--user", "chef"]) != 0
    before = set(_coordination_keys(tmp_path).coordination_private_keys())
    assert main(["keys", "rotate", "--coordination", "--user", "chef"]) == 0
    after = set(_coordination_keys(tmp_path).coordination_private_keys())
    assert before < after and len(after) == 2


def test_pinned_keys_are_covered_by_the_mac(post, coordination, tmp_path):
    from border_app.keys import Keystore

    assert main(["keys", "pin-coordination", str(coordination), "--user", "chef"]) == 0
    path = tmp_path / "post-home" / "post" / "keystore.json"
    doc = json.loads(path.read_text())
    other = json.loads(coordination.read_text())
    doc["pinned_coordination"]["created_at"] = "2020-01-01T00:00:00Z"
    path.write_text(json.dumps(doc))
    from border_app.errors import KeyStoreError

    store = Keystore.load(path)
    with pytest.raises(KeyStoreError):
        store.unlock(store.slot_ids()[0], PASSWORD)
    assert other["format"] == "hhbm-coordination-keys/1"
