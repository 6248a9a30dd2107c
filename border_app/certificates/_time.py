"""Time helpers shared by the interpreters (UTC everywhere)."""

from __future__ import annotations

from datetime import datetime, timezone

from border_app import clock
from border_app.i18n import _


def now_utc() -> datetime:
    return clock.utcnow()


def as_utc(at: datetime | None) -> datetime:
    if at is None:
        return now_utc()
    if at.tzinfo is None:
        return at.replace(tzinfo=timezone.utc)
    return at.astimezone(timezone.utc)


def from_epoch(value) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return datetime.fromtimestamp(value, timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def parse_iso(text) -> datetime | None:
    """ISO date or date-time (``Z`` allowed); naive values are taken as UTC."""
    if not isinstance(text, str) or not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return as_utc(value)


def validity(at: datetime, start: datetime | None, end: datetime | None) -> tuple[bool | None, list[str]]:
    """(expired, errors): expired is True when ``at`` is outside [start, end], None if no bounds."""
    if start is None and end is None:
        return None, []
    if end is not None and at > end:
        return True, [_("The certificate expired on {date}.").format(date=iso(end))]
    if start is not None and at < start:
        return True, [_("The certificate is not valid before {date}.").format(date=iso(start))]
    return False, []
