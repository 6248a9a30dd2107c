"""``border-app verify``: exit codes, --trust, --at, images, JSON keys."""

from __future__ import annotations

import base64
import json

import pytest

from border_app.cli import main
from tests.conftest import SHARED_DATA

AT = SHARED_DATA / "dcc" / "AT" / "2DCode" / "raw" / "1.json"
pytestmark = pytest.mark.shared_data("dcc", "AT", "2DCode", "raw", "1.json")


@pytest.fixture
def vector(tmp_path):
    data = json.loads(AT.read_text("utf-8"))
    pem = tmp_path / "at-dsc.pem"
    pem.write_text("-----BEGIN CERTIFICATE-----\n" + data["TESTCTX"]["CERTIFICATE"] + "\n-----END CERTIFICATE-----\n")
    png = tmp_path / "at.png"
    png.write_bytes(base64.b64decode(data["2DCODE"]))
    return data["PREFIX"], pem, png


def test_genuine_and_valid_exits_0(vector, home, capsys):
    text, pem, _png = vector
    assert main(["verify", "--json", "--trust", str(pem), "--at", "2021-06-01T12:00:00Z", text]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["kind"] == "eu-dcc" and out["signature"] == "valid" and out["expired"] is False
    assert out["holder"]["birth_date"] == "1998-02-26" and out["entries"] and out["errors"] == []


def test_expired_now_exits_1(vector, home, capsys):
    text, pem, _png = vector
    assert main(["--lang", "en", "verify", "--trust", str(pem), text]) == 1
    out = capsys.readouterr().out
    assert "GENUINE but NOT VALID" in out and "expired" in out


def test_without_trust_is_unknown_key(vector, home, capsys):
    text, _pem, _png = vector
    assert main(["verify", "--json", "--at", "2021-06-01", text]) == 1
    assert json.loads(capsys.readouterr().out)["signature"] == "unknown_key"


def test_image_argument_is_decoded(vector, home, capsys):
    _text, pem, png = vector
    assert main(["verify", "--json", "--trust", str(pem), "--at", "2021-06-01T12:00:00Z", str(png)]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[0])["signature"] == "valid"


def test_bad_inputs(vector, home, tmp_path, capsys):
    text, pem, _png = vector
    assert main(["verify", "--at", "yesterday", text]) == 2
    assert "--at" in capsys.readouterr().err
    assert main(["verify", "--trust", str(tmp_path / "missing.pem"), text]) == 2
    blank = tmp_path / "blank.png"
    import cv2
    import numpy as np

    cv2.imwrite(str(blank), np.full((50, 50), 255, np.uint8))
    assert main(["verify", str(blank)]) == 2
    assert main(["verify", "--json", "just some text"]) == 1
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["kind"] == "unknown" and out["signature"] == "none"
    assert main(["verify", "--json", text[:40]]) == 1
    assert json.loads(capsys.readouterr().out)["malformed"] is True
