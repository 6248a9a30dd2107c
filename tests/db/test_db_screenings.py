"""Screenings in the database: record, read back by role, audit without health data,
the outcome in registration reads and in reports; SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from border_app.clock import post_today
from border_app.errors import ConflictError, InvalidInput, NotFound, PermissionDenied
from border_app.roles import Permission, Role, allowed
from db_helpers import ROLES, draft, table_snapshot

P = Permission
PROTOCOLS = ["general", "meningitis"]


def submission(temperature=39.1, symptoms=("stiff_neck",), with_referral=True, **extra):
    """The ScreeningRecord ScreeningForm.submitted emits (every required question answered),
    built with the real engine."""
    import screening_helpers

    return screening_helpers.submission(
        PROTOCOLS, {"temperature": temperature, "temperature_method": "oral", "symptoms": list(symptoms)},
        referral={"destination": "CSI Gaya", "notes": "Raideur de la nuque"} if with_referral else None, **extra)


def _register(world, **kw):
    from db.services import RegistrationService

    return RegistrationService(world.db, world.actor(Role.SUPERVISOR)).register(draft(**kw))


def _svc(world, role):
    from db.screening_services import ScreeningService

    return ScreeningService(world.db, world.actor(role))


def _screen(world, crossing_id, **kw):
    return _svc(world, Role.HEALTH_SCREENER).record(crossing_id, submission(**kw))


def _audit_rows(db):
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text("SELECT * FROM audit_log"))]


def test_record_latest_details(world):
    reg = _register(world)
    summary = _screen(world, reg.crossing_id)
    assert summary.outcome == "referral" and summary.crossing_id == reg.crossing_id
    assert summary.screened_by_name == "Compte health_screener"
    latest = _svc(world, Role.BORDER_OFFICIAL).latest(reg.crossing_id)
    assert latest.id == summary.id and latest.outcome == "referral"
    assert not hasattr(latest, "answers")          # an official sees the outcome only
    d = _svc(world, Role.HEALTH_SCREENER).details(summary.id)
    assert d.temperature_c == 39.1 and d.temperature_method == "oral"
    assert d.answers["symptoms"] == ["stiff_neck"]
    assert d.referral_destination == "CSI Gaya" and d.referral_notes == "Raideur de la nuque"
    assert d.protocol_versions == {"general": 1, "meningitis": 1}
    rules = {(f["protocol_id"], f["rule_id"], f["outcome"]) for f in d.fired}
    assert ("meningitis", "suspect", "referral") in rules
    assert all(f["reason"]["fr"] and f["reason"]["en"] for f in d.fired)
    assert "refer_urgent" in d.actions


def test_latest_is_the_newest_and_list_keeps_all(world):
    reg = _register(world)
    first = _screen(world, reg.crossing_id)
    second = _screen(world, reg.crossing_id, temperature=36.8, symptoms=())
    svc = _svc(world, Role.SUPERVISOR)
    assert svc.latest(reg.crossing_id).id == second.id and second.outcome == "cleared"
    assert [s.id for s in svc.list_for_crossing(reg.crossing_id)] == [second.id, first.id]
    assert svc.latest(_register(world, number="ZZ999").crossing_id) is None


def test_border_official_gets_outcome_but_not_details(world):
    reg = _register(world)
    summary = _screen(world, reg.crossing_id)
    official = _svc(world, Role.BORDER_OFFICIAL)
    assert official.list_for_crossing(reg.crossing_id)[0].outcome == "referral"
    before = table_snapshot(world.db)
    with pytest.raises(PermissionDenied):
        official.details(summary.id)
    assert table_snapshot(world.db) == before


def test_audit_has_ids_only_no_health_data(world):
    reg = _register(world)
    summary = _screen(world, reg.crossing_id)
    _svc(world, Role.HEALTH_SCREENER).details(summary.id)
    rows = _audit_rows(world.db)
    text = json.dumps([[str(v) for v in r] for r in rows], ensure_ascii=False)
    for secret in ("39.1", "stiff_neck", "oral", "CSI Gaya", "Raideur", "méningite", "referral"):
        assert secret not in text
    actions = {(r_action, entity, eid) for (_i, _p, _s, _a, _u, r_action, entity, eid) in rows}
    assert ("create", "screening", summary.id) in actions
    assert ("view", "screening", summary.id) in actions


def test_change_seq_grows(world):
    reg = _register(world)
    a = _screen(world, reg.crossing_id)
    b = _screen(world, reg.crossing_id)
    with world.db.engine.connect() as conn:
        seqs = dict(conn.execute(sa.text("SELECT id, change_seq FROM screenings")).all())
        crossing_seq = conn.execute(sa.text("SELECT change_seq FROM crossings")).scalar_one()
    assert crossing_seq < seqs[a.id] < seqs[b.id]


def _answers(**changes) -> dict:
    return {"temperature": 39.1, "temperature_method": "oral", "symptoms": ["stiff_neck"], **changes}


@pytest.mark.parametrize("answers, referral, certificate, word", [
    (_answers(temperature=46.0), None, None, "45"),          # the bounds are the protocol's min/max
    (_answers(temperature=29.0), None, None, "30"),
    (_answers(temperature=float("nan")), None, None, "number"),
    (_answers(temperature="abc"), None, None, "number"),
    (["x"], None, None, "answers"),
    (_answers(note="x" * 70_000), None, None, "unknown question"),
    (_answers(), {"destination": "", "notes": ""}, None, "destination"),
    (_answers(), None, None, "destination"),                 # a referral outcome without its referral
    (_answers(temperature=36.8, symptoms=[]), {"destination": "CSI Gaya"}, None, "no referral"),
    (_answers(), {"destination": "CSI Gaya"}, "raw text", "certificate"),
])
def test_bad_screenings_are_refused_when_the_record_is_built(answers, referral, certificate, word):
    import screening_helpers
    from border_app.i18n import set_language
    from border_app.screening import ScreeningSettings, Traveller, load_protocols, screening_record

    set_language("en")
    try:
        protocols = load_protocols().select(PROTOCOLS)
        if isinstance(answers, dict):
            answers = screening_helpers.complete_answers(protocols, answers)
        with pytest.raises(InvalidInput) as info:
            screening_record(protocols, Traveller("1990-04", "F"), datetime.now(timezone.utc), answers,
                             ScreeningSettings(), referral, certificate)
        assert word.lower() in info.value.message.lower()
    finally:
        set_language("fr")


def _forged(kind: str):
    """A record built right, then changed behind the builder's back."""
    import dataclasses

    from border_app.screening import Outcome, Referral

    good = submission()
    decision = good.decision
    return {
        "temperature in the answers": dataclasses.replace(good, answers={**good.answers, "temperature": 46.0},
                                                          temperature=46.0),
        "temperature alone": dataclasses.replace(good, temperature=36.6),
        "nan temperature": dataclasses.replace(good, temperature=float("nan")),
        "method": dataclasses.replace(good, temperature_method="axillary"),
        "answers not a mapping": dataclasses.replace(good, answers=["x"]),
        "outcome": dataclasses.replace(good, decision=dataclasses.replace(decision, outcome=Outcome.CLEARED)),
        "actions": dataclasses.replace(good, decision=dataclasses.replace(decision, actions=("health_info",))),
        "no referral": dataclasses.replace(good, referral=None),
        "empty referral": dataclasses.replace(good, referral=Referral("", None)),
        "certificate": dataclasses.replace(good, certificate="raw text"),
        "settings": dataclasses.replace(good, settings={"fever_threshold_c": 40.0}),
        "a dict": {"answers": dict(good.answers), "outcome": "referral", "decision": decision},
    }[kind]


@pytest.mark.parametrize("kind, word", [
    ("temperature in the answers", "45"),
    ("temperature alone", "does not match"),
    ("nan temperature", "does not match"),
    ("method", "does not match"),
    ("answers not a mapping", "answers"),
    ("outcome", "does not match"),
    ("actions", "does not match"),
    ("no referral", "destination"),
    ("empty referral", "destination"),
    ("certificate", "certificate"),
    ("settings", "screening"),
    ("a dict", "screening"),
])
def test_forged_records_are_refused_by_the_service_and_nothing_written(world, kind, word):
    from border_app.i18n import set_language

    set_language("en")
    try:
        reg = _register(world)
        forged = _forged(kind)
        before = table_snapshot(world.db)
        with pytest.raises(InvalidInput) as info:
            _svc(world, Role.HEALTH_SCREENER).record(reg.crossing_id, forged)
        assert word.lower() in info.value.message.lower()
        assert table_snapshot(world.db) == before
    finally:
        set_language("fr")


def _blank_record(answers=None):
    """What the form held before the safety fix when "Record" was pressed on a fresh form: no
    answers, and the engine's outcome "cleared" (the decision said seven answers were missing),
    put together without the builder (which refuses it)."""
    from border_app.screening import ScreeningRecord, ScreeningSettings, Traveller, evaluate, load_protocols

    protocols = load_protocols().select(PROTOCOLS)
    at = datetime.now(timezone.utc)
    d = evaluate(protocols, Traveller("1990-04", "F"), at, answers or {}, ScreeningSettings(), strict=False)
    assert not d.complete and d.outcome.value == "cleared"
    return ScreeningRecord(answers=dict(answers or {}), decision=d, at=at, settings=ScreeningSettings(),
                           temperature=(answers or {}).get("temperature"),
                           temperature_method=(answers or {}).get("temperature_method"))


@pytest.mark.parametrize("answers", [None, {"temperature": 36.9, "temperature_method": "oral"}])
def test_an_incomplete_screening_is_refused_by_the_service(world, answers):
    """Safety: a blank or half-answered screening is never stored as cleared, whatever the
    caller claims; nothing is written."""
    reg = _register(world)
    before = table_snapshot(world.db)
    with pytest.raises(InvalidInput) as info:
        _svc(world, Role.HEALTH_SCREENER).record(reg.crossing_id, _blank_record(answers))
    assert "incomplet" in info.value.message.lower()
    assert table_snapshot(world.db) == before


def test_the_stored_outcome_is_the_one_the_answers_give(world):
    """A caller cannot store "cleared" for answers that call for a referral."""
    reg = _register(world)
    forged = _forged("outcome")
    assert submission().outcome == "referral" and forged.outcome == "cleared"
    with pytest.raises(InvalidInput):
        _svc(world, Role.HEALTH_SCREENER).record(reg.crossing_id, forged)


def test_an_incomplete_screening_cannot_be_built():
    from border_app.screening import ScreeningSettings, Traveller, load_protocols, screening_record

    protocols = load_protocols().select(PROTOCOLS)
    with pytest.raises(InvalidInput) as info:
        screening_record(protocols, Traveller("1990-04", "F"), datetime.now(timezone.utc),
                         {"temperature": 36.9, "temperature_method": "oral"}, ScreeningSettings())
    assert "incomplet" in info.value.message.lower()


def test_unknown_or_voided_crossing(world):
    from db.services import RegistrationService

    svc = _svc(world, Role.HEALTH_SCREENER)
    with pytest.raises(NotFound):
        svc.record("no-such-crossing", submission())
    with pytest.raises(NotFound):
        svc.details("x" * 500)
    reg = _register(world)
    RegistrationService(world.db, world.actor(Role.SUPERVISOR)).void(reg.crossing_id, "erreur")
    with pytest.raises(ConflictError):
        svc.record(reg.crossing_id, submission())


def test_certificate_summary_is_kept_without_raw_bytes(world):
    from border_app.certificates import CertificateResult

    cert = CertificateResult(kind="eu-dcc", signature="valid", expired=False, issuer="NE",
                             entries=[{"type": "vaccination", "disease": "yellow fever", "date": "2020-01-02",
                                       "blob": b"\x00\x01"}],
                             raw={"sig": b"secret"}, holder={"name": "Issoufou"})
    reg = _register(world)
    s = _svc(world, Role.HEALTH_SCREENER).record(reg.crossing_id, submission(certificate=cert))
    d = _svc(world, Role.HEALTH_SCREENER).details(s.id)
    assert d.certificate["kind"] == "eu-dcc" and d.certificate["signature"] == "valid"
    assert d.certificate["genuine_and_valid"] is True
    assert d.certificate["entries"] == [{"type": "vaccination", "disease": "yellow fever", "date": "2020-01-02"}]
    assert "raw" not in d.certificate and "holder" not in d.certificate


def test_registration_reads_carry_the_latest_outcome(world):
    from db.services import RegistrationService

    reg = _register(world)
    other = _register(world, surname="Moussa", number="CD7654321")
    _screen(world, reg.crossing_id)
    regs = RegistrationService(world.db, world.actor(Role.BORDER_OFFICIAL))
    assert regs.get(reg.crossing_id).screening_outcome == "referral"
    day = {r.crossing_id: r.screening_outcome for r in regs.list_day(post_today())}
    assert day == {reg.crossing_id: "referral", other.crossing_id: None}
    assert regs.search("issoufou")[0].screening_outcome == "referral"
    _screen(world, reg.crossing_id, temperature=36.5, symptoms=())
    assert regs.get(reg.crossing_id).screening_outcome == "cleared"


def test_report_registrations(world):
    from db.report_services import ReportService
    from db.services import RegistrationService

    reg = _register(world)
    voided = _register(world, surname="Moussa", number="CD7654321")
    old = _register(world, surname="Ancien", number="EF1", when=datetime.now(timezone.utc) - timedelta(days=10))
    RegistrationService(world.db, world.actor(Role.SUPERVISOR)).void(voided.crossing_id, "doublon")
    _screen(world, reg.crossing_id)
    report = ReportService(world.db, world.actor(Role.SUPERVISOR))
    today = post_today()
    rows = {r.crossing_id: r for r in report.registrations(today - timedelta(days=1), today + timedelta(days=1))}
    assert set(rows) == {reg.crossing_id, voided.crossing_id}
    assert rows[reg.crossing_id].screening_outcome == "referral"
    assert rows[voided.crossing_id].voided and rows[voided.crossing_id].screening_outcome is None
    assert old.crossing_id in {r.crossing_id for r in report.registrations(today - timedelta(days=30), today)}
    with pytest.raises(InvalidInput):
        report.registrations(today, today - timedelta(days=1))
    with pytest.raises(InvalidInput):
        report.registrations(today - timedelta(days=5000), today)


def test_report_is_one_query(world):
    """No query per row: the statement count does not grow with the number of crossings."""
    from db.report_services import ReportService

    for i in range(30):
        reg = _register(world, surname=f"Voyageur{i}", number=f"N{i:05d}")
        if i % 3 == 0:
            _screen(world, reg.crossing_id)
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(world.db.engine, "before_cursor_execute", count)
    try:
        rows = ReportService(world.db, world.actor(Role.COORDINATOR)).registrations(post_today(), post_today())
    finally:
        sa.event.remove(world.db.engine, "before_cursor_execute", count)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(rows) == 30 and sum(r.screening_outcome == "referral" for r in rows) == 10
    assert len(selects) == 1


# --------------------------------------------------------------------------- every role
def _prepared(world):
    reg = _register(world)
    return reg.crossing_id, _screen(world, reg.crossing_id).id


CASES = {
    "record": (P.RECORD_SCREENING, lambda w, a, c: _svc_for(w, a).record(c[0], submission())),
    "latest": (P.VIEW_SCREENING_OUTCOME, lambda w, a, c: _svc_for(w, a).latest(c[0])),
    "list_for_crossing": (P.VIEW_SCREENING_OUTCOME, lambda w, a, c: _svc_for(w, a).list_for_crossing(c[0])),
    "details": (P.VIEW_SCREENING_DETAILS, lambda w, a, c: _svc_for(w, a).details(c[1])),
    "report": (P.VIEW_REPORTS, lambda w, a, c: _report_for(w, a).registrations(post_today(), post_today())),
}


def _svc_for(world, actor):
    from db.screening_services import ScreeningService

    return ScreeningService(world.db, actor)


def _report_for(world, actor):
    from db.report_services import ReportService

    return ReportService(world.db, actor)


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
@pytest.mark.parametrize("name", sorted(CASES))
def test_every_screening_method_as_every_role(world, role, name):
    permission, call = CASES[name]
    context = _prepared(world)
    actor = world.actor(role)
    before = table_snapshot(world.db)
    if allowed(role, permission):
        result = call(world, actor, context)
        if name == "latest":
            assert result.outcome == "referral"
        if name == "report":
            assert result[0].screening_outcome == "referral"
    else:
        with pytest.raises(PermissionDenied) as info:
            call(world, actor, context)
        assert info.value.exit_code == 4
        assert table_snapshot(world.db) == before


@pytest.mark.postgres
def test_screenings_on_postgres(pg_world):
    from db.report_services import ReportService
    from db.screening_services import ScreeningService
    from db.services import RegistrationService

    world = pg_world
    reg = _register(world)
    screener = ScreeningService(world.db, world.actor(Role.HEALTH_SCREENER))
    s = screener.record(reg.crossing_id, submission())
    assert screener.details(s.id).temperature_c == 39.1
    assert ScreeningService(world.db, world.actor(Role.BORDER_OFFICIAL)).latest(reg.crossing_id).outcome == "referral"
    assert RegistrationService(world.db, world.actor(Role.BORDER_OFFICIAL)).get(reg.crossing_id).screening_outcome \
        == "referral"
    rows = ReportService(world.db, world.actor(Role.SUPERVISOR)).registrations(post_today(), post_today())
    assert [r.screening_outcome for r in rows] == ["referral"]
