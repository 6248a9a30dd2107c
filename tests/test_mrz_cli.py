"""``border-app mrz``: exit codes 0/1/2, JSON output, standard input, translations."""

from __future__ import annotations

import io
import json

import pytest

from border_app.cli import main

TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
       "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
JSON_KEYS = {"valid", "format", "document_code", "issuing_state", "surname", "given_names",
             "document_number", "nationality", "birth_date", "sex", "expiry_date", "expired",
             "optional_data", "checks", "corrections", "errors", "lines"}


def test_valid_mrz_exits_0_and_prints_every_check(capsys, home):
    assert main(["--lang", "en", "mrz", "--today", "2010-01-01", *TD3]) == 0
    out = capsys.readouterr().out
    assert "ERIKSSON" in out and "ANNA MARIA" in out and "L898902C3" in out
    assert out.count("check digit: passed") == 4  # number, birth, expiry, personal number
    assert "Composite check digit : passed" in out
    assert "Result: valid" in out


def test_french_output_by_default(capsys, home):
    assert main(["mrz", "--today", "2010-01-01", *TD3]) == 0
    out = capsys.readouterr().out
    assert "Date de naissance" in out and "Résultat : valide" in out
    assert "chiffre de contrôle : correct" in out


def test_json_output_has_the_agreed_keys(capsys, home):
    assert main(["mrz", "--json", "--today", "2010-01-01", *TD3]) == 0
    data = json.loads(capsys.readouterr().out)
    assert JSON_KEYS <= set(data)
    assert data["valid"] is True and data["format"] == "TD3"
    assert data["birth_date"] == "1974-08-12" and data["expiry_date"] == "2012-04-15"
    assert data["checks"] == {"document_number": True, "birth_date": True, "expiry_date": True,
                              "optional_data": True, "composite": True}


def test_invalid_mrz_exits_1_and_names_the_field(capsys, home):
    bad = TD3[1][:27] + "1" + TD3[1][28:]
    assert main(["--lang", "en", "mrz", "--today", "2010-01-01", TD3[0], bad]) == 1
    out = capsys.readouterr().out
    assert "Line 2, expiry date: the check digit does not match (found 1, expected 9)" in out
    assert "Result: INVALID" in out


def test_invalid_mrz_json(capsys, home):
    bad = TD3[1][:27] + "1" + TD3[1][28:]
    assert main(["mrz", "--json", "--today", "2010-01-01", TD3[0], bad]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["valid"] is False and data["checks"]["expiry_date"] is False
    assert len(data["errors"]) == 2  # the expiry check digit and the composite


def test_corrections_are_shown(capsys, home):
    ocr = TD3[1].replace("7408122", "74O8122")
    assert main(["--lang", "en", "mrz", "--today", "2010-01-01", TD3[0], ocr]) == 0
    out = capsys.readouterr().out
    assert "Line 2, position 16 (birth date): O corrected to 0" in out
    assert main(["mrz", "--json", "--no-correct", "--today", "2010-01-01", TD3[0], ocr]) == 1
    assert json.loads(capsys.readouterr().out)["corrections"] == []


def test_unusable_input_exits_2(capsys, home):
    assert main(["--lang", "en", "mrz", "nothing", "here"]) == 2
    captured = capsys.readouterr()
    assert "No machine readable zone found" in captured.err
    assert "Traceback" not in captured.err


def test_unusable_input_json_exits_2(capsys, home):
    assert main(["mrz", "--json", "nothing"]) == 2
    data = json.loads(capsys.readouterr().out)
    assert data["valid"] is False and "MRZ" in data["error"]


def test_bad_today_exits_2(capsys, home):
    assert main(["mrz", "--today", "29/11/2026", *TD3]) == 2
    assert "AAAA-MM-JJ" in capsys.readouterr().err


def test_reads_standard_input_like_a_keyboard_wedge(capsys, home, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("\x02" + "\r".join(TD3).lower() + "\r\x03"))
    assert main(["mrz", "--json", "--today", "2010-01-01"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["valid"] and data["lines"] == TD3


def test_huge_standard_input_is_refused(capsys, home, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("P<" * 100_000))
    assert main(["mrz"]) == 2


@pytest.mark.parametrize("lines, fmt", [
    (["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"], "TD1"),
    (["V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "L898902C<3UTO6908061F9406236ZE184226"], "MRVB"),
])
def test_other_formats(capsys, home, lines, fmt):
    assert main(["mrz", "--json", "--today", "1994-01-01", *lines]) == 0
    assert json.loads(capsys.readouterr().out)["format"] == fmt
