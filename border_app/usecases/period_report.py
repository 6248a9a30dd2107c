"""The period report as a PDF (``border-app report``, the reports screen): crossings,
screening outcomes and referrals over a period.

Two kinds: "shared" (for others: counts below the small-count threshold are suppressed) and
"internal" (exact counts, marked confidential on every page; only for roles that may see
identities, ``VIEW_IDENTITY``). The period's limit is :mod:`border_app.report_period`'s; the
figures are aggregated in the database by ``db.report_services.ReportService.counts``.
"""

from __future__ import annotations

from datetime import date

from db.report_services import ReportService
from db.services import PostService
from printing.report_render import render_report
from printing.reports import report_from_counts

from ..errors import InvalidInput
from ..i18n import _
from ..report_period import REPORT_KINDS as KINDS
from ..report_period import check_report_period
from ..roles import Permission, require


def check_period(start: date, end: date, threshold: int) -> None:
    """Refuse a reversed or too long period, or a threshold out of range (translated)."""
    check_report_period(start, end)
    if not 0 <= threshold <= 50:
        raise InvalidInput(_("The small-count threshold must be between 0 and 50."))


def check_kind(actor, kind: str) -> None:
    """Refuse an unknown kind, and an internal report to a role that may not see identities."""
    if kind not in KINDS:
        raise InvalidInput(_("Unknown report kind: {kind}").format(kind=kind))
    require(actor.role, Permission.VIEW_REPORTS)
    if kind == "internal":
        require(actor.role, Permission.VIEW_IDENTITY)


def report_pdf(db, actor, *, start: date, end: date, threshold: int, language: str,
               demo: bool = False, kind: str = "shared", progress=None) -> bytes:
    """The period report as PDF bytes. ``progress(days_done, days)`` follows the database's
    work, day by day."""
    check_period(start, end, threshold)
    check_kind(actor, kind)
    counts = ReportService(db, actor).counts(start, end, progress=progress)
    data = report_from_counts(counts, date_from=start, date_to=end, small_count_threshold=threshold, kind=kind)
    post = PostService(db).get_post()
    return render_report(data, language=language, post=post if post is not None else actor.post_id,
                         demo=bool(demo or actor.demo))
