"""The post's clock: its day and times are West Africa Time's, whatever the laptop's zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from border_app import clock
from border_app.errors import InvalidInput

LATE = datetime(2026, 3, 2, 23, 30, tzinfo=timezone.utc)  # 00:30 on 3 March at the post


def test_the_posts_day_starts_at_23_00_utc(clock_at):
    clock_at(LATE)
    assert clock.utcnow() == LATE
    assert clock.post_today() == date(2026, 3, 3)
    assert clock.post_now().strftime("%Y-%m-%d %H:%M") == "2026-03-03 00:30"
    clock_at(LATE - timedelta(minutes=31))
    assert clock.post_today() == date(2026, 3, 2)


def test_day_bounds_are_the_posts_midnights_in_utc():
    start, end = clock.day_bounds(date(2026, 3, 3))
    assert start == datetime(2026, 3, 2, 23, 0, tzinfo=timezone.utc)
    assert end == datetime(2026, 3, 3, 23, 0, tzinfo=timezone.utc)
    assert clock.post_day(start) == date(2026, 3, 3) and clock.post_day(end - timedelta(seconds=1)) == date(2026, 3, 3)
    assert clock.post_day(end) == date(2026, 3, 4)


def test_a_naive_time_is_taken_as_stored_utc():
    assert clock.post_time(datetime(2026, 3, 2, 23, 30)).strftime("%d/%m %H:%M") == "03/03 00:30"
    assert clock.post_time(LATE.astimezone(timezone(timedelta(hours=-5)))) == LATE


def test_an_exposure_dated_the_posts_today_is_not_in_the_future(clock_at):
    """A screener at 00:30 writes today's date as the day of last contact; the laptop's
    UTC date is still yesterday's. The date is the post's, so it is accepted."""
    from border_app.screening import ScreeningSettings, Traveller, evaluate, load_protocols

    protocols = load_protocols().select(["general", "ebola_marburg"])
    answers = {"temperature": 36.8, "temperature_method": "oral", "ebola_contact": True,
               "ebola_contact_date": "03/03/2026"}
    decision = evaluate(protocols, Traveller("1990-04", "F"), LATE, answers, ScreeningSettings(), strict=False)
    assert decision.outcome is not None
    with pytest.raises(InvalidInput, match="futur"):
        evaluate(protocols, Traveller("1990-04", "F"), LATE, dict(answers, ebola_contact_date="04/03/2026"),
                 ScreeningSettings(), strict=False)


def test_a_passport_expiring_on_the_posts_today_has_not_expired(clock_at):
    from border_app.mrz import build_td3, parse

    lines = build_td3(surname="ISSOUFOU", given_names="AICHA", document_number="AB1234567", nationality="NER",
                      birth_date=date(1990, 4, 2), sex="F", expiry_date=date(2026, 3, 3), issuing_state="NER")
    clock_at(LATE)
    assert not parse(lines).expired
    clock_at(LATE + timedelta(days=1))
    assert parse(lines).expired
