"""``border-app verify`` on slips: a demo slip says DÉMO (text and JSON) and is never genuine;
a slip PDF is read from its first page, as ``scan`` reads a PDF (issue #18, defects 16, 19)."""

from __future__ import annotations

import json
from datetime import datetime, timezone


from border_app.cli import main
from border_app.keys import KdfParams, Keystore
from border_app.paths import profile


def _real_slip_pdf(tmp_path, keys) -> bytes:
    from border_app.slip_data import SlipData, sign_slip_data
    from printing.slips import render_slip

    data = SlipData(post_name="Poste frontière de Makalondi", post_pcode="NE006013",
                    issued_at=datetime(2026, 3, 12, 9, 30, tzinfo=timezone.utc), serial="NE006013-2026-000007",
                    surname="ISSOUFOU", given_names="Aïcha", birth_date="1990-04-02", sex="F", nationality="NER",
                    document_type="passport", document_number="AB1234567", document_issuing_state="NER",
                    screening_outcome="cleared")
    qr = sign_slip_data(data, kind="screening", post_id="post-1", keys=keys, demo=False)
    pdf = render_slip(data, kind="screening", size="80mm", demo=False, qr_text=qr)
    return pdf


def test_verify_reads_a_slip_pdf(home, tmp_path, capsys):
    prof = profile().ensure()
    _store, keys = Keystore.create(prof.keystore, post_id="post-1", kdf=KdfParams.TEST, first_slot=("u", "pw pw pw"))
    pdf = tmp_path / "slip.pdf"
    pdf.write_bytes(_real_slip_pdf(tmp_path, keys))
    assert main(["verify", "--json", str(pdf)]) == 0, capsys.readouterr().err
    out = json.loads(capsys.readouterr().out.splitlines()[0])
    assert out["kind"] == "slip" and out["signature"] == "valid" and out["genuine_and_valid"] is True
    assert out["demo"] is False and out["issuer"] == "Poste frontière de Makalondi"
    assert "AB1234567" not in json.dumps(out)     # version 2: the document number is not in the code
    assert main(["--lang", "fr", "verify", str(pdf)]) == 0
    text = capsys.readouterr().out
    assert "ISSOUFOU Aïcha" in text and "02/04/1990" in text and "féminin" in text, text
    assert "Poste frontière de Makalondi" in text and "12/03/2026 10:30" in text, text
    assert "DÉMO" not in text


def test_demo_slip_says_demo_in_text_and_json_and_is_never_genuine(home, tmp_path, capsys):
    from db.demo import DEMO_PASSWORD

    prof = profile(demo=True).ensure()
    Keystore.create(prof.keystore, post_id="DEMO-POST", kdf=KdfParams.TEST, first_slot=("uid", DEMO_PASSWORD),
                    demo=True)
    pdf = tmp_path / "demo.pdf"
    assert main(["--demo", "slip", "--demo", "--out", str(pdf), "--size", "80mm"]) == 0
    capsys.readouterr()

    # on the demo post: the signature is the demo key's, and every output says DÉMO
    assert main(["--demo", "--lang", "fr", "verify", str(pdf)]) == 1
    text = capsys.readouterr().out
    assert text.splitlines()[0].startswith("*** DÉMO ***")
    assert "ATTESTATION DE DÉMONSTRATION" in text and "PAS une attestation authentique" in text
    assert "authentique et valide" not in text.lower()
    assert main(["--demo", "verify", "--json", str(pdf)]) == 1
    out = json.loads(capsys.readouterr().out.splitlines()[0])
    assert out["demo"] is True and out["signature"] == "valid" and out["genuine_and_valid"] is False

    # on a real post: the demo key is not trusted at all
    assert main(["verify", "--json", str(pdf)]) == 1
    out = json.loads(capsys.readouterr().out.splitlines()[0])
    assert out["demo"] is True and out["signature"] == "unknown_key" and out["genuine_and_valid"] is False


def test_a_demo_trust_file_is_refused_on_a_real_post(home, tmp_path, capsys):
    store, _keys = Keystore.create(tmp_path / "demo.json", post_id="DEMO-POST", kdf=KdfParams.TEST,
                                   first_slot=("uid", "demo1234"), demo=True)
    trust = tmp_path / "demo-public.json"
    trust.write_text(json.dumps(store.public_keys().to_json()))
    assert main(["--lang", "en", "verify", "--trust", str(trust), "HHBM2:00"]) == 2
    assert "DEMO" in capsys.readouterr().err
