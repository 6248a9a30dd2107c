"""The typed screening record (issue #19, items 1 and 2): built once by the domain, the
temperature's bounds taken from the protocol alone (the question in °C, its min/max), and
the service checking a record against the protocols installed, not against bounds of its own."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import pytest

from border_app.errors import InvalidInput
from border_app.roles import Role
from border_app.screening import (
    Referral, ScreeningRecord, ScreeningSettings, Traveller, load_protocols, parse_protocol, screening_record,
)
from border_app.screening.loader import ProtocolSet, shipped_files
from db_helpers import draft, table_snapshot

AT = datetime(2025, 6, 10, 9, 0, tzinfo=timezone.utc)
TRAVELLER = Traveller("1990-04", "F")


def _general(maximum: int) -> ProtocolSet:
    """The shipped general protocol with another upper bound for the temperature."""
    text = shipped_files()["general.yaml"].decode("utf-8")
    assert "    max: 45\n" in text
    return ProtocolSet([parse_protocol("general.yaml", text.replace("    max: 45\n", f"    max: {maximum}\n", 1)
                                       .encode("utf-8"))])


def _answers(protocols, **changes):
    import screening_helpers

    return screening_helpers.complete_answers(protocols, {"temperature": 36.8, "temperature_method": "oral",
                                                          **changes})


def test_the_record_is_typed_and_takes_the_temperature_from_the_answers():
    protocols = load_protocols().select(["general", "meningitis"])
    answers = _answers(protocols, temperature="39,1", symptoms=["stiff_neck"])
    record = screening_record(protocols, TRAVELLER, AT, answers, ScreeningSettings(),
                              {"destination": "  CSI   Gaya ", "notes": " nuque "})
    assert isinstance(record, ScreeningRecord)
    assert record.outcome == "referral" and record.decision.complete
    assert record.temperature == 39.1 and record.temperature_method == "oral"
    assert record.answers["temperature"] == 39.1 and record.answers["symptoms"] == ["stiff_neck"]
    assert record.referral == Referral("CSI Gaya", "nuque")
    assert record.protocol_versions == {"general": 1, "meningitis": 1} and record.at == AT
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.temperature = 36.0           # frozen
    # building it again from what it holds gives the same record (what the service checks)
    again = screening_record(protocols, TRAVELLER, record.at, record.answers, record.settings, record.referral)
    assert again == record


@pytest.mark.parametrize("maximum", [42, 45])
def test_the_temperature_bounds_are_the_protocols(maximum):
    protocols = _general(maximum).select(["general"])
    ok = screening_record(protocols, TRAVELLER, AT, _answers(protocols, temperature=float(maximum)))
    assert ok.temperature == float(maximum)
    with pytest.raises(InvalidInput) as info:
        screening_record(protocols, TRAVELLER, AT, _answers(protocols, temperature=maximum + 0.5))
    assert str(maximum) in info.value.message


def test_the_service_has_no_temperature_range_of_its_own():
    import db.screening_services as services

    assert not hasattr(services, "TEMPERATURE_RANGE")


def test_the_service_checks_the_temperature_with_the_installed_protocol(world, monkeypatch):
    """A record built with a protocol allowing 44 °C is refused where the installed protocol
    (same version) says 42 at most: the bounds come from the installed protocol alone."""
    import db.screening_services as services
    from db.services import RegistrationService

    monkeypatch.setattr(services, "_installed", _general(42))
    reg = RegistrationService(world.db, world.actor(Role.SUPERVISOR)).register(draft())
    built_with = _general(45).select(["general"])
    record = screening_record(built_with, Traveller("1990-04", "F"), AT, _answers(built_with, temperature=43.0))
    service = services.ScreeningService(world.db, world.actor(Role.HEALTH_SCREENER))
    before = table_snapshot(world.db)
    with pytest.raises(InvalidInput) as info:
        service.record(reg.crossing_id, record)
    assert "42" in info.value.message
    assert table_snapshot(world.db) == before
    fine = screening_record(built_with, Traveller("1990-04", "F"), AT, _answers(built_with, temperature=38.5))
    assert service.record(reg.crossing_id, fine).outcome == fine.outcome
