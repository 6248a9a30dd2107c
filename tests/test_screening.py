"""Screening engine, protocol loader/validator, answers, updates, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import date, datetime, timezone

import pytest

from border_app import i18n
from border_app.errors import InvalidInput
from border_app.screening import (
    Outcome, ProtocolError, ScreeningSettings, Traveller, age_range, applicable_questions,
    build_form, evaluate, load_protocols, parse_protocol, shipped_files, validate_answer,
)

AT = datetime(2025, 6, 10, 9, 0, tzinfo=timezone.utc)
ALL = ["general", "ebola_marburg", "cholera", "mpox", "meningitis", "covid19", "yellow_fever"]


@pytest.fixture(scope="module")
def shipped():
    return load_protocols()


MINIMAL = textwrap.dedent("""\
    schema: 1
    id: demo
    version: 1
    published: 2025-01-01
    title: {fr: Démo, en: Demo}
    sources:
      - {key: X, url: "https://example.org"}
    questions:
      - id: temperature
        type: number
        section: measurement
        unit: "°C"
        min: 30
        max: 45
        decimals: 1
        label: {fr: Température, en: Temperature}
    rules:
      - id: fever
        when: {gte: [{answer: temperature}, 38]}
        outcome: secondary
        reason: {fr: Fièvre, en: Fever}
    """)


def _reject(text: str, name: str = "demo.yaml") -> ProtocolError:
    with pytest.raises(ProtocolError) as info:
        parse_protocol(name, text.encode("utf-8"))
    return info.value


# -- shipped protocols -----------------------------------------------------------------------

def test_all_seven_protocols_ship_and_cite_sources(shipped):
    assert sorted(shipped.ids) == sorted(ALL)
    for p in shipped:
        assert p.version >= 1 and p.sources and p.title.fr and p.title.en
        for q in p.questions:
            assert q.label.fr and q.label.en


def test_minimal_protocol_parses():
    p = parse_protocol("demo.yaml", MINIMAL.encode())
    assert p.id == "demo" and p.version == 1 and [r.id for r in p.rules] == ["fever"]
    d = evaluate([p], Traveller(), AT, {"temperature": 38})
    assert d.outcome is Outcome.SECONDARY and d.protocol_versions == {"demo": 1}


# -- rejected protocol files: the message names the line ------------------------------------------

def test_bad_yaml_names_the_line():
    err = _reject(MINIMAL.replace("version: 1", "version: [1"))
    assert err.line >= 3 and f"{err.line}" in err.message and "demo.yaml" in err.message


def test_unknown_rule_key_names_its_line():
    text = MINIMAL.replace("    outcome: secondary", "    outcome: secondary\n    severity: high")
    err = _reject(text)
    assert err.line == text.splitlines().index("    severity: high") + 1
    assert "severity" in err.message and f"ligne {err.line}" in err.message


def test_unknown_top_level_key():
    err = _reject(MINIMAL + "extra: 1\n")
    assert err.line == len(MINIMAL.splitlines()) + 1 and "extra" in err.reason


def test_wrong_type_version_text():
    err = _reject(MINIMAL.replace("version: 1", "version: one"))
    assert err.line == 3 and "version" in err.reason


def test_wrong_type_min_text():
    err = _reject(MINIMAL.replace("min: 30", "min: thirty"))
    assert err.line == MINIMAL.splitlines().index("    min: 30") + 1


def test_unknown_operator_and_unknown_question():
    err = _reject(MINIMAL.replace("when: {gte:", "when: {greater:"))
    assert "greater" in err.reason and err.line == MINIMAL.splitlines().index(
        "    when: {gte: [{answer: temperature}, 38]}") + 1
    err = _reject(MINIMAL.replace("{answer: temperature}", "{answer: temp}"))
    assert "temp" in err.reason


def test_wrong_kind_in_comparison_and_bad_outcome():
    err = _reject(MINIMAL.replace("38]", '"high"]'))
    assert "gte" in err.reason
    err = _reject(MINIMAL.replace("outcome: secondary", "outcome: quarantine"))
    assert "quarantine" not in err.reason and "isolation" in err.reason


def test_duplicate_key_alias_and_python_tags_are_refused():
    err = _reject(MINIMAL.replace("version: 1", "version: 1\nversion: 2"))
    assert err.line == 4 and "version" in err.reason
    err = _reject(MINIMAL.replace("title: {fr: Démo, en: Demo}", "title: &t {fr: Démo, en: Demo}\nsummary: *t"))
    assert err.line == 5
    err = _reject(MINIMAL.replace("version: 1", "version: !!python/object/apply:os.system [echo]"))
    assert err.line == 3


def test_missing_required_fields_and_id_mismatch():
    err = _reject(MINIMAL.replace("sources:\n  - {key: X, url: \"https://example.org\"}\n", ""))
    assert "sources" in err.reason
    err = _reject(MINIMAL, name="other.yaml")
    assert "other.yaml" in err.reason and err.line == 2


def test_unknown_action_and_show_if_forward_reference():
    err = _reject(MINIMAL.replace("    reason: {fr: Fièvre, en: Fever}",
                                  "    reason: {fr: Fièvre, en: Fever}\n    actions: [launch_rocket]"))
    assert "launch_rocket" in err.reason
    text = MINIMAL.replace("    label: {fr: Température, en: Temperature}",
                           "    label: {fr: Température, en: Temperature}\n    show_if: {is_true: later}")
    text = text.replace("rules:", "  - id: later\n    type: boolean\n    section: symptoms\n"
                                  "    label: {fr: Plus tard, en: Later}\nrules:")
    err = _reject(text)
    assert "later" in err.reason


def test_not_utf8_too_large_and_too_deep():
    with pytest.raises(ProtocolError) as info:
        parse_protocol("demo.yaml", MINIMAL.encode() + b"\n# \xff\xfe\n")
    assert info.value.line == len(MINIMAL.splitlines()) + 2
    with pytest.raises(ProtocolError):
        parse_protocol("demo.yaml", b"#" * (300 * 1024))
    deep = "{not: " * 40 + "{is_true: x}" + "}" * 40
    err = _reject(MINIMAL.replace("{gte: [{answer: temperature}, 38]}", deep))
    assert "imbriqu" in err.reason


def test_english_message(monkeypatch):
    i18n.set_language("en")
    err = _reject(MINIMAL.replace("version: 1", "version: one"))
    assert err.message.startswith("Protocol file demo.yaml, line 3:")


# -- signed updates ------------------------------------------------------------------------------

def test_update_refused_unless_verified(shipped):
    files = {"general.yaml": shipped_files()["general.yaml"].replace(b"version: 1", b"version: 2")}
    with pytest.raises(ProtocolError) as info:
        shipped.with_update(files, verified=False)
    assert "signé" in info.value.message
    assert shipped.get("general").version == 1


def test_update_accepts_new_version_and_keeps_old_set(shipped):
    files = {"general.yaml": shipped_files()["general.yaml"].replace(b"version: 1", b"version: 2")}
    new = shipped.with_update(files, verified=True)
    assert new.get("general").version == 2 and shipped.get("general").version == 1
    assert sorted(new.ids) == sorted(shipped.ids)


def test_invalid_update_changes_nothing(shipped):
    good = shipped_files()["general.yaml"].replace(b"version: 1", b"version: 2")
    bad = shipped_files()["mpox.yaml"].replace(b"outcome: isolation", b"outcome: release", 1)
    with pytest.raises(ProtocolError) as info:
        shipped.with_update({"general.yaml": good, "mpox.yaml": bad}, verified=True)
    assert info.value.file == "mpox.yaml" and info.value.line > 0
    assert shipped.get("general").version == 1


def test_downgrade_and_silent_change_refused(shipped):
    v2 = shipped.with_update({"general.yaml": shipped_files()["general.yaml"].replace(b"version: 1", b"version: 2")},
                             verified=True)
    with pytest.raises(ProtocolError):
        v2.with_update({"general.yaml": shipped_files()["general.yaml"]}, verified=True)
    changed = shipped_files()["general.yaml"].replace(b"min: 30", b"min: 31")
    with pytest.raises(ProtocolError):
        shipped.with_update({"general.yaml": changed}, verified=True)
    updated = shipped.with_update({"general.yaml": shipped_files()["general.yaml"]}, verified=True)
    assert updated.get("general").version == 1


def test_update_bad_file_name_and_conflicting_question(shipped):
    with pytest.raises(ProtocolError):
        shipped.with_update({"../evil.yaml": b"x"}, verified=True)
    conflicting = MINIMAL.replace("min: 30", "min: 25")
    with pytest.raises(ProtocolError) as info:
        shipped.with_update({"demo.yaml": conflicting.encode()}, verified=True)
    assert "temperature" in info.value.reason


def test_load_from_folder(tmp_path):
    (tmp_path / "demo.yaml").write_text(MINIMAL, encoding="utf-8")
    assert load_protocols([tmp_path]).ids == ["demo"]
    (tmp_path / "broken.yaml").write_text("id: [", encoding="utf-8")
    with pytest.raises(ProtocolError) as info:
        load_protocols([tmp_path])
    assert info.value.file == "broken.yaml"


# -- answers ------------------------------------------------------------------------------------

def test_temperature_refuses_impossible_values(shipped):
    q = shipped.get("general").question("temperature")
    for bad in (29.9, 45.1, "12", "50,2", -3):
        with pytest.raises(InvalidInput) as info:
            validate_answer(q, bad)
        assert "30" in info.value.message and "45" in info.value.message and "impossible" in info.value.message
    assert validate_answer(q, 30) == 30.0 and validate_answer(q, 45) == 45.0
    assert validate_answer(q, "37,84") == 37.8
    with pytest.raises(InvalidInput) as info:
        validate_answer(q, "chaud")
    assert "Température mesurée" in info.value.message
    for bad in (float("nan"), float("inf"), True, "9" * 400):
        with pytest.raises(InvalidInput):
            validate_answer(q, bad)


def test_other_answer_types(shipped):
    gen = shipped.get("general")
    assert validate_answer(gen.question("fever_reported"), "oui") is True
    assert validate_answer(gen.question("symptoms"), ["headache", "cough", "cough"]) == ("cough", "headache")
    assert validate_answer(gen.question("areas_visited"), "nga; mli  NGA") == ("NGA", "MLI")
    with pytest.raises(InvalidInput):
        validate_answer(gen.question("areas_visited"), ["N G A"])
    with pytest.raises(InvalidInput):
        validate_answer(gen.question("temperature_method"), "rectal")
    q = shipped.get("ebola_marburg").question("ebola_contact_date")
    assert validate_answer(q, "01/06/2025", at=AT) == date(2025, 6, 1)
    with pytest.raises(InvalidInput) as info:
        validate_answer(q, "2025-06-11", at=AT)
    assert "futur" in info.value.message
    with pytest.raises(InvalidInput):
        validate_answer(q, "31/02/2025", at=AT)


def test_unknown_answer_id_is_an_error(shipped):
    with pytest.raises(InvalidInput) as info:
        evaluate(shipped.select(["general"]), Traveller(), AT, {"temprature": 38})
    assert "temprature" in info.value.message
    lenient = evaluate(shipped.select(["general"]), Traveller(), AT, {"temprature": 38}, strict=False)
    assert lenient.outcome is Outcome.CLEARED


# -- engine -----------------------------------------------------------------------------------

def test_outcome_order():
    assert Outcome.CLEARED < Outcome.SECONDARY < Outcome.REFERRAL < Outcome.ISOLATION
    assert max([Outcome.REFERRAL, Outcome.ISOLATION, Outcome.CLEARED]) is Outcome.ISOLATION


def test_age_ranges():
    assert age_range("2024-06-10", date(2025, 6, 10)).lo == 12
    assert age_range("2024-06-11", date(2025, 6, 10)).hi == 11
    r = age_range("2024", date(2025, 6, 10))
    assert (r.lo, r.hi) == (5, 17)
    r = age_range("2024-03", date(2025, 6, 10))
    assert (r.lo, r.hi) == (14, 15)
    assert age_range(None, date(2025, 6, 10)) is None
    with pytest.raises(InvalidInput):
        age_range("2026-01-01", date(2025, 6, 10))


BUSY = {"temperature": 38.6, "temperature_method": "oral", "general_condition": "unwell", "fever_reported": True,
        "symptoms": ["headache", "weakness", "vomiting", "rash", "cough"], "areas_visited": ["COD"],
        "ebola_area_date": "2025-05-25", "sick_contact": True, "ebola_contact": False,
        "unexplained_bleeding": False, "mpox_contact": True, "mpox_contact_date": "2025-06-01",
        "covid_contact": False, "yf_card": False, "yf_exemption": False}
SETTINGS = ScreeningSettings(affected_areas={"ebola_marburg": ["COD"]}, outbreaks={"cholera"})


def test_deterministic_and_order_independent(shipped):
    active = shipped.select(ALL)
    first = evaluate(active, Traveller("1990-04-02", "F"), AT, BUSY, SETTINGS)
    for _ in range(20):
        assert evaluate(active, Traveller("1990-04-02", "F"), AT, dict(BUSY), SETTINGS).as_dict() == first.as_dict()
    other = evaluate(list(reversed(active)), Traveller("1990-04-02", "F"), AT, BUSY, SETTINGS)
    assert other.outcome is first.outcome is Outcome.ISOLATION
    key = lambda d: sorted((f.protocol_id, f.rule_id) for f in d.fired)  # noqa: E731
    assert key(other) == key(first) and set(other.actions) == set(first.actions)
    # most severe first, and the JSON form round-trips
    sev = [f.outcome.severity for f in first.fired]
    assert sev == sorted(sev, reverse=True)
    assert json.loads(json.dumps(first.as_dict()))["outcome"] == "isolation"


def test_combined_reasons_are_all_listed(shipped):
    active = shipped.select(["general", "mpox", "yellow_fever"])
    d = evaluate(active, Traveller("1990-04-02", "F"), AT, BUSY, SETTINGS, strict=False)
    fired = {(f.protocol_id, f.rule_id) for f in d.fired}
    assert {("mpox", "suspect_contact"), ("general", "fever"), ("yellow_fever", "missing_vaccinate")} <= fired
    assert d.needs_referral and "isolate" in d.actions and "vaccinate_yellow_fever" in d.actions
    assert d.protocol_versions == {"general": 1, "mpox": 1, "yellow_fever": 1}
    assert all(r for r in d.reasons("fr")) and d.fired[0].reason_text("en") != d.fired[0].reason_text("fr")


def test_applicable_questions_by_age_sex_and_answers(shipped):
    active = shipped.select(ALL)
    adult_m = [q.id for q in applicable_questions(active, Traveller("1980-01-01", "M"), AT, {})]
    assert "pregnant" not in adult_m and "bulging_fontanelle" not in adult_m and "new_seizures" in adult_m
    assert "ebola_contact_date" not in adult_m and "yf_card" in adult_m
    infant = [q.id for q in applicable_questions(active, Traveller("2025-01-01", "F"), AT, {})]
    assert "bulging_fontanelle" in infant and "yf_card" not in infant and "new_seizures" not in infant
    nine = ScreeningSettings(yellow_fever_min_age_months=9)
    assert "yf_card" not in [q.id for q in applicable_questions(active, Traveller("2024-09-11"), AT, {}, nine)]
    assert "yf_card" in [q.id for q in applicable_questions(active, Traveller("2024-09-10"), AT, {}, nine)]
    woman = [q.id for q in applicable_questions(active, Traveller("1995-01-01", "F"), AT, {"yf_card": False})]
    assert "pregnant" in woman and "yf_exemption" in woman
    follow = [q.id for q in applicable_questions(active, Traveller("1995-01-01", "F"), AT,
                                                 {"ebola_contact": True, "symptoms": ["diarrhoea"]})]
    assert {"ebola_contact_date", "loose_stools_24h", "bloody_stools"} <= set(follow)


def test_build_form_sections_and_widgets(shipped):
    spec = build_form(shipped.select(ALL), Traveller("1990", "F"), AT, SETTINGS)
    titles = [s.section.value for s in spec.sections]
    assert titles == ["measurement", "observation", "symptoms", "exposure", "vaccination"]
    assert spec.field("temperature").widget == "temperature"
    assert spec.field("symptoms").widget == "checklist"
    assert spec.field("yf_vaccination_date").widget == "date" and spec.field("yf_vaccination_date").conditional
    assert set(spec.field("temperature").protocols) >= {"general", "ebola_marburg", "mpox"}
    ids = [f.id for f in spec.fields()]
    assert len(ids) == len(set(ids))   # each shared question once
    values = [c.value for c in spec.field("symptoms").question.choices]
    assert {"cough", "hiccups", "stiff_neck", "back_pain", "sore_throat"} <= set(values)


def test_settings_from_post_settings(tmp_path):
    from border_app.settings import Settings

    s = Settings(tmp_path / "settings.json")
    s.yellow_fever_min_age_months = 9
    s.fever_threshold_c = 37.5
    ss = ScreeningSettings.from_settings(s)
    assert ss.yellow_fever_min_age_months == 9 and ss.fever_threshold_c == 37.5
    with pytest.raises(ValueError):
        ScreeningSettings(fever_threshold_c=50)


# -- CLI --------------------------------------------------------------------------------------------

COMPLETE_REST = {"general_condition": "good", "fever_reported": False, "symptoms": [], "areas_visited": ["NGA"],
                 "sick_contact": False, "unexplained_bleeding": False}


def _case(tmp_path, **over):
    doc = {"name": "cli", "traveller": {"birth_date": "1988-02-14", "sex": "M"}, "at": "2025-06-10T09:00:00+01:00",
           "protocols": ["general", "ebola_marburg"],
           "answers": {"temperature": 38.4, "temperature_method": "oral", "ebola_contact": True,
                       "ebola_contact_date": "2025-05-20", **COMPLETE_REST}}
    doc.update(over)
    path = tmp_path / "case.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def test_cli_screen_text_and_json(tmp_path, capsys):
    from border_app.cli import main

    assert main(["screen", "--case", _case(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Résultat : Isolement" in out and "suspect_fever_contact" in out and "ebola_marburg v1" in out
    assert main(["--lang", "en", "screen", "--json", "--case", _case(tmp_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["outcome"] == "isolation" and data["complete"] is True
    assert data["protocol_versions"] == {"general": 1, "ebola_marburg": 1}
    assert data["fired"][0]["rule"] == "suspect_fever_contact" and "isolate" in data["actions"]


def test_cli_screen_expectations(tmp_path, capsys):
    from border_app.cli import main

    assert main(["screen", "--case", _case(tmp_path, expect={"outcome": "isolation"})]) == 0
    assert main(["screen", "--case", _case(tmp_path, expect={"outcome": "cleared"})]) == 1
    assert "DIFFÉRENT" in capsys.readouterr().out


@pytest.mark.parametrize("over, field", [
    ({"at": "yesterday"}, "at"),
    ({"traveller": {"birth_date": "1988-13-01"}}, "traveller.birth_date"),
    ({"protocols": ["general", "plague"]}, "protocols[1]"),
    ({"answers": {"temperature": 52}}, "answers.temperature"),
    ({"answers": {"temprature": 38}}, "answers.temprature"),
    ({"settings": {"fever_threshold_c": 55}}, "settings.fever_threshold_c"),
    ({"expect": {"outcome": "maybe"}}, "expect.outcome"),
    ({"colour": "red"}, "colour"),
])
def test_cli_screen_bad_case_names_the_field(tmp_path, capsys, over, field):
    from border_app.cli import main

    assert main(["screen", "--case", _case(tmp_path, **over)]) == 2
    err = capsys.readouterr().err
    assert f"« {field} »" in err and "Traceback" not in err


def test_cli_screen_unreadable_or_invalid_json(tmp_path, capsys):
    from border_app.cli import main

    assert main(["screen", "--case", str(tmp_path / "absent.json")]) == 2
    bad = tmp_path / "bad.json"
    bad.write_text('{"at": \n oops}', encoding="utf-8")
    assert main(["screen", "--case", str(bad)]) == 2
    assert "ligne 2" in capsys.readouterr().err


def test_cli_protocols(capsys, tmp_path):
    from border_app.cli import main

    assert main(["protocols", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {p["id"] for p in data} == set(ALL)
    yf = next(p for p in data if p["id"] == "yellow_fever")
    assert yf["version"] == 1 and "yf_card" in yf["questions"]
    assert main(["protocols"]) == 0
    assert "ebola_marburg version 1" in capsys.readouterr().out
    (tmp_path / "demo.yaml").write_text(MINIMAL.replace("version: 1", "version: x"), encoding="utf-8")
    assert main(["protocols", "--dir", str(tmp_path)]) == 2
    assert "ligne 3" in capsys.readouterr().err


def test_domain_package_imports_no_qt():
    code = ("import sys, border_app.screening, border_app.cli.cmd_screen, border_app.cli.cmd_protocols; "
            "print(any(m.startswith(('PySide6', 'sqlalchemy', 'ui', 'db')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_cli_blank_screening_is_incomplete_not_cleared(tmp_path, capsys):
    """A screening with required answers missing has no outcome: 'incomplete', never 'cleared'
    (a blank form used to read cleared: a safety defect)."""
    from border_app.cli import main

    assert main(["--lang", "en", "screen", "--json", "--case", _case(tmp_path, answers={})]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["outcome"] == "incomplete" and data["complete"] is False
    assert data["provisional_outcome"] == "cleared" and "temperature" in data["missing"]
    assert data["outcome_label"] == "Incomplete"
    assert main(["screen", "--case", _case(tmp_path, answers={})]) == 0
    out = capsys.readouterr().out
    assert "Incomplet" in out and "Autorisé" not in out


def test_cli_partial_answers_show_the_provisional_outcome(tmp_path, capsys):
    from border_app.cli import main

    answers = {"temperature": 38.4, "temperature_method": "oral", "ebola_contact": True,
               "ebola_contact_date": "2025-05-20"}
    assert main(["--lang", "en", "screen", "--json", "--case", _case(tmp_path, answers=answers)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["outcome"] == "incomplete" and data["provisional_outcome"] == "isolation"
    assert main(["--lang", "en", "screen", "--case", _case(tmp_path, answers=answers)]) == 0
    assert "already call for: Isolation" in capsys.readouterr().out
    expect = {"outcome": "incomplete", "provisional_outcome": "isolation"}
    assert main(["screen", "--case", _case(tmp_path, answers=answers, expect=expect)]) == 0


def test_areas_answered_none_explicitly():
    from border_app.screening import validate_answer

    q = next(q for q in load_protocols().get("general").questions if q.id == "areas_visited")
    assert validate_answer(q, "aucun") == () and validate_answer(q, "-") == ()
    assert validate_answer(q, "") is None
