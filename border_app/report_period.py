"""The period a report may cover: one rule for the command line, the reports screen, the
report's figures (``printing.reports``) and the database's counts (``db.report_services``).

A report covers whole post-local days from ``start`` to ``end`` included, at most
:data:`MAX_REPORT_DAYS` of them (a leap year): the database counts a period day by day and
the PDF draws one row per day.
"""

from __future__ import annotations

from datetime import date

from .errors import InvalidInput
from .i18n import _

#: a report's kinds: "shared" (small counts suppressed, for others), "internal" (exact counts)
REPORT_KINDS = ("shared", "internal")

#: the longest period a report covers, in days (first and last day included)
MAX_REPORT_DAYS = 366


def check_report_period(start: date, end: date) -> None:
    """Refuse a reversed period or one longer than :data:`MAX_REPORT_DAYS` days
    (:class:`InvalidInput`, translated)."""
    if end < start:
        raise InvalidInput(_("The end date ({end}) is before the start date ({start}).").format(
            end=end.isoformat(), start=start.isoformat()))
    if (end - start).days >= MAX_REPORT_DAYS:
        raise InvalidInput(_("A report covers at most {days} days.").format(days=MAX_REPORT_DAYS))
