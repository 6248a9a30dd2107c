"""Dates as people read and type them: one format everywhere, in both languages.

Shown: ``07/12/2026`` (day/month/year, as written in Niger, in French and in English alike)
and ``07/12/2026 14:05`` in the post's time (West Africa Time). Typed: the same, or ISO
``2026-12-07`` (what a passport reader's software or a spreadsheet gives); a partial birth
date as ``1985`` or ``03/1985`` (``1985-03``). Every screen, slip and message uses these
helpers, so that one date never appears in three shapes.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from .clock import post_time
from .i18n import N_

DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
#: the placeholder of a date field ("JJ/MM/AAAA" in French)
DATE_PLACEHOLDER = N_("DD/MM/YYYY")
#: the placeholder of a birth date field, which may be partial
PARTIAL_DATE_PLACEHOLDER = N_("DD/MM/YYYY, MM/YYYY or YYYY")

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_MY = re.compile(r"^(\d{1,2})[/.](\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")


def format_date(d: date | datetime | str | None) -> str:
    """``d`` as shown everywhere (``07/12/2026``); a partial ISO date (``1985-03``,
    ``1985``) keeps its precision (``03/1985``, ``1985``); ``None`` gives ``""``."""
    if d is None or d == "":
        return ""
    if isinstance(d, datetime):
        d = post_time(d).date() if d.tzinfo is not None else d.date()
    if isinstance(d, date):
        return d.strftime(DATE_FORMAT)
    text = str(d).strip()
    m = _ISO.match(text)
    if m:
        return f"{int(m.group(3)):02d}/{int(m.group(2)):02d}/{m.group(1)}"
    m = _ISO_MONTH.match(text)
    if m:
        return f"{int(m.group(2)):02d}/{m.group(1)}"
    return text


def format_datetime(at: datetime | None, *, seconds: bool = False) -> str:
    """A moment in the post's time (``07/12/2026 14:05``)."""
    if at is None:
        return ""
    return post_time(at).strftime(DATETIME_FORMAT + (":%S" if seconds else ""))


def parse_date(text: str) -> date | None:
    """A full date typed as ``DD/MM/YYYY`` or ``YYYY-MM-DD``; ``None`` when it is not one."""
    text = (text or "").strip()
    if len(text) > 20:
        return None
    m = _ISO.match(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _DMY.match(text)
        if not m:
            return None
        d, mo, y = (int(g) for g in m.groups())
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def parse_partial_date(text: str) -> str | None:
    """A birth date typed in full or in part, as stored: ``YYYY-MM-DD``, ``YYYY-MM`` or
    ``YYYY``; ``None`` when it is none of them (or does not exist)."""
    text = (text or "").strip()
    full = parse_date(text)
    if full is not None:
        return full.isoformat()
    m = _ISO_MONTH.match(text) or _MY.match(text)
    if m:
        a, b = m.groups()
        y, mo = (int(a), int(b)) if len(a) == 4 else (int(b), int(a))
        return f"{y:04d}-{mo:02d}" if 1 <= mo <= 12 else None
    m = _YEAR.match(text)
    return m.group(1) if m else None
