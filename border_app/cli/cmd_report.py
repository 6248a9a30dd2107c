"""``border-app report --from DATE --to DATE --out FILE.pdf [--kind internal|shared]``: the
period report as a PDF.

Signed-in user with ``VIEW_REPORTS``. Two kinds: "shared" (the default, for others: counts
below the post's small-count threshold, setting ``report_small_count_threshold`` or
``--threshold``, are suppressed) and "internal" (exact counts, marked confidential on every
page; only for roles that may see identities, ``VIEW_IDENTITY``). :func:`report_pdf` does the
work for the reports screen; the figures are aggregated in the database by
``db.report_services.ReportService.counts``.
"""

from __future__ import annotations

from datetime import date

from ..errors import InvalidInput
from ..i18n import _
from ..report_period import check_report_period

KINDS = ("shared", "internal")


def register(subparsers) -> None:
    parser = subparsers.add_parser("report", help=_("period report (PDF) with charts"),
                                   description=_("Crossings, screening outcomes and referrals over a period, as a PDF."))
    parser.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD", help=_("first day"))
    parser.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD", help=_("last day (included)"))
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help=_("where to write the PDF"))
    parser.add_argument("--threshold", type=int, default=None,
                        help=_("suppress counts below this number (default: the post's setting)"))
    parser.add_argument("--language", choices=("fr", "en"), default=None, help=_("report language"))
    parser.add_argument("--kind", choices=KINDS, default="shared",
                        help=_("shared: small counts hidden, for others (default); internal: exact counts, "
                               "confidential, for roles that see identities"))
    parser.set_defaults(func=run)


def parse_day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise InvalidInput(_("{option}: invalid date {value} (expected YYYY-MM-DD).").format(
            option=option, value=value)) from None


def check_period(start: date, end: date, threshold: int) -> None:
    """Refuse a reversed or too long period, or a threshold out of range (translated)."""
    check_report_period(start, end)
    if not 0 <= threshold <= 50:
        raise InvalidInput(_("The small-count threshold must be between 0 and 50."))


def collect(db, actor, start: date, end: date, progress=None):
    """The period's aggregated counts, through the role-checked ``ReportService``."""
    from db.report_services import ReportService

    return ReportService(db, actor).counts(start, end, progress=progress)


def check_kind(actor, kind: str) -> None:
    """Refuse an unknown kind, and an internal report to a role that may not see identities."""
    from ..roles import Permission, require

    if kind not in KINDS:
        raise InvalidInput(_("Unknown report kind: {kind}").format(kind=kind))
    require(actor.role, Permission.VIEW_REPORTS)
    if kind == "internal":
        require(actor.role, Permission.VIEW_IDENTITY)


def report_pdf(db, actor, *, start: date, end: date, threshold: int, language: str,
               demo: bool = False, kind: str = "shared", progress=None) -> bytes:
    """The period report as PDF bytes (for the command and the reports screen).
    ``progress(days_done, days)`` follows the database's work, day by day."""
    from db.services import PostService
    from printing.reports import render_report, report_from_counts

    check_period(start, end, threshold)
    check_kind(actor, kind)
    counts = collect(db, actor, start, end, progress)
    data = report_from_counts(counts, date_from=start, date_to=end, small_count_threshold=threshold, kind=kind)
    post = PostService(db).get_post()
    return render_report(data, language=language, post=post if post is not None else actor.post_id,
                         demo=bool(demo or actor.demo))


def build_report(ctx, *, start: date, end: date, threshold: int | None, language: str | None,
                 kind: str = "shared") -> bytes:
    from ..roles import Permission
    from ..settings import Settings

    settings_path = ctx.profile.settings
    settings = Settings(settings_path if settings_path.exists() else None)
    if threshold is None:
        threshold = settings.report_small_count_threshold
    check_period(start, end, threshold)
    actor = ctx.login(Permission.VIEW_REPORTS)
    check_kind(actor, kind)
    return report_pdf(ctx.database(), actor, start=start, end=end, threshold=threshold,
                      language=language or actor.language or settings.language, demo=ctx.demo, kind=kind)


def run(args, ctx) -> int:
    from pathlib import Path

    from .cmd_slip import _write

    start = parse_day(args.date_from, "--from")
    end = parse_day(args.date_to, "--to")
    Path(args.out)  # validated by _write
    pdf = build_report(ctx, start=start, end=end, threshold=args.threshold, language=args.language,
                       kind=args.kind)
    out = _write(args.out, pdf)
    print(_("Report written to {path}.").format(path=out))
    return 0
