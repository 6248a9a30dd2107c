"""Moments for tests that list "today's" registrations, at whatever hour the suite runs."""

from __future__ import annotations

from datetime import datetime, timedelta

from border_app import clock


def recently(minutes: float = 5) -> datetime:
    """``minutes`` ago, but not before the post's day began: a crossing recorded then is on the
    list of the post's today even when the suite runs just after the post's midnight."""
    now = clock.utcnow()
    start, _end = clock.day_bounds(clock.post_day(now))
    return max(now - timedelta(minutes=minutes), start)
