"""One limit for report periods (issue #19): the command line, the report's figures and the
database's counts refuse the same periods, with the limit of ``border_app.report_period``."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from border_app.errors import InvalidInput

START = date(2024, 1, 1)


def _refusers():
    from border_app.usecases.period_report import check_period
    from printing.reports import check_report_period

    return {
        "cli": lambda start, end: check_period(start, end, 5),
        "printing": lambda start, end: check_report_period(start, end, 5),
    }


def test_the_limit_is_defined_once_in_the_domain():
    from border_app.report_period import MAX_REPORT_DAYS, check_report_period

    assert MAX_REPORT_DAYS == 366
    check_report_period(START, START + timedelta(days=MAX_REPORT_DAYS - 1))
    with pytest.raises(InvalidInput):
        check_report_period(START, START + timedelta(days=MAX_REPORT_DAYS))
    with pytest.raises(InvalidInput):
        check_report_period(START, START - timedelta(days=1))


@pytest.mark.parametrize("where", ["cli", "printing"])
def test_every_side_accepts_and_refuses_the_same_periods(where):
    check = _refusers()[where]
    check(START, START)
    check(START, START + timedelta(days=365))           # a leap year, first and last day included
    with pytest.raises(InvalidInput) as info:
        check(START, START + timedelta(days=366))       # 367 days
    assert "366" in info.value.message
    with pytest.raises(InvalidInput):
        check(START, START + timedelta(days=3000))      # printing took up to 3660 days
    with pytest.raises(InvalidInput):
        check(START, START - timedelta(days=1))


def test_the_database_counts_refuse_the_same_periods(world):
    from border_app.roles import Role
    from db.report_services import ReportService

    service = ReportService(world.db, world.actor(Role.SUPERVISOR))
    service.registrations(START, START + timedelta(days=365))
    with pytest.raises(InvalidInput) as info:
        service.registrations(START, START + timedelta(days=370))   # the database took up to 400 days
    assert "366" in info.value.message
