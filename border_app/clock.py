"""The post's clock: every "now", "today" and shown time in the application comes from here.

Times are stored in UTC. What a post calls a day, and the times its users read, are in the
post's time zone, Niger's: West Africa Time, UTC+1, with no daylight saving. That holds
whatever zone the laptop's system clock is set to: many are left on UTC, and then the machine's
own "today" runs an hour behind the post's, from 00:00 to 01:00 at the post (23:00 to 24:00
UTC), and a registration made then would be missing from the list of the day shown.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Callable

#: Niger's time (West Africa Time, UTC+1, no daylight saving): what "a day" means at a post
POST_UTC_OFFSET_MINUTES = 60
POST_TIMEZONE = timezone(timedelta(minutes=POST_UTC_OFFSET_MINUTES), "WAT")


def _system_utc() -> datetime:
    return datetime.now(timezone.utc)


#: where the time comes from; tests replace it to stand at a chosen moment
source: Callable[[], datetime] = _system_utc


def utcnow() -> datetime:
    """Now, in UTC (timezone-aware)."""
    return source()


def post_time(at: datetime) -> datetime:
    """``at`` in the post's time zone (a naive ``at`` is taken as UTC, as stored)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(POST_TIMEZONE)


def post_now() -> datetime:
    """Now, in the post's time zone."""
    return post_time(utcnow())


def post_day(at: datetime) -> date:
    """The post's day at the moment ``at``."""
    return post_time(at).date()


def post_today() -> date:
    """Today at the post."""
    return post_now().date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The post's ``day`` as a half-open range of UTC moments: [start, end)."""
    start = datetime.combine(day, time(0), tzinfo=POST_TIMEZONE)
    return start.astimezone(timezone.utc), (start + timedelta(days=1)).astimezone(timezone.utc)
