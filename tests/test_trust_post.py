"""A post trusts its own keys, current and retired, plus the files in its trust/ folder."""

from __future__ import annotations

from border_app import paths
from border_app.scanned_codes import interpret
from border_app.keys import KdfParams, Keystore
from border_app.slip_payload import new_payload, sign_slip
from border_app.trust import TrustList, load_post_trust


def _slip(keys) -> str:
    payload = new_payload(record_id="r-1", post_id=keys.post_id, name="ABDOU Moussa", birth_date="1990",
                          document=None, kind="registration", outcome=None, serial="MAK-000001")
    return sign_slip(payload, keys)


def test_slips_signed_before_a_rotation_still_verify(home):
    profile = paths.profile().ensure()
    store, keys = Keystore.create(profile.keystore, post_id="post-1", kdf=KdfParams.TEST,
                                  first_slot=("u1", "password-1"))
    old_slip = _slip(keys)
    new_keys = store.rotate(keys)
    new_slip = _slip(new_keys)
    trust = load_post_trust(profile, post_name="Makalondi")
    for text in (old_slip, new_slip):
        result = interpret(text, trust=trust, at=None)
        assert result.kind == "slip" and result.signature == "valid", result.errors
        assert result.issuer == "Makalondi"


def test_other_posts_keys_come_from_the_trust_folder(home, tmp_path):
    profile = paths.profile().ensure()
    other_store, other_keys = Keystore.create(tmp_path / "other.json", post_id="post-2", kdf=KdfParams.TEST,
                                              first_slot=("u2", "password-2"))
    slip = _slip(other_keys)
    assert interpret(slip, trust=load_post_trust(profile), at=None).signature == "unknown_key"

    exported = TrustList()
    exported.add_post_key(other_keys.signing_key_id, other_keys.signing_public_key, "Assamaka")
    (profile.root / "trust").mkdir()
    (profile.root / "trust" / "assamaka.json").write_text(__import__("json").dumps(exported.to_json()))
    (profile.root / "trust" / "broken.pem").write_text("-----BEGIN CERTIFICATE-----\nnot base64\n")
    result = interpret(slip, trust=load_post_trust(profile), at=None)
    assert result.signature == "valid" and result.issuer == "Assamaka"
