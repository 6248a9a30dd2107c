"""``border-app report --from DATE --to DATE --out FILE.pdf``: the period report as a PDF.

Signed-in user with ``VIEW_REPORTS``. Counts below the post's small-count threshold
(setting ``report_small_count_threshold``, or ``--threshold``) are suppressed.
:func:`build_report` does the work for the GUI and tests.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..errors import InvalidInput
from ..i18n import _

MAX_DAYS = 366
PER_DAY_LIMIT = 5000


def register(subparsers) -> None:
    parser = subparsers.add_parser("report", help=_("period report (PDF) with charts"),
                                   description=_("Crossings, screening outcomes and referrals over a period, as a PDF."))
    parser.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD", help=_("first day"))
    parser.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD", help=_("last day (included)"))
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help=_("where to write the PDF"))
    parser.add_argument("--threshold", type=int, default=None,
                        help=_("suppress counts below this number (default: the post's setting)"))
    parser.add_argument("--language", choices=("fr", "en"), default=None, help=_("report language"))
    parser.set_defaults(func=run)


def parse_day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise InvalidInput(_("{option}: invalid date {value} (expected YYYY-MM-DD).").format(
            option=option, value=value)) from None


def collect(db, actor, start: date, end: date) -> list:
    """Registrations of the period, day by day through the role-checked service."""
    from db.services import RegistrationService

    service = RegistrationService(db, actor)
    rows = []
    day = start
    while day <= end:
        batch = service.list_day(day, limit=PER_DAY_LIMIT)
        if len(batch) >= PER_DAY_LIMIT:
            raise InvalidInput(_("More than {n} crossings on {day}: this report cannot be produced in one go.")
                               .format(n=PER_DAY_LIMIT, day=day.isoformat()))
        rows.extend(batch)
        day += timedelta(days=1)
    return rows


def build_report(ctx, *, start: date, end: date, threshold: int | None, language: str | None) -> bytes:
    from db.services import PostService
    from printing.reports import compute_report, render_report

    from ..roles import Permission
    from ..settings import Settings

    if end < start:
        raise InvalidInput(_("The end date ({end}) is before the start date ({start}).").format(
            end=end.isoformat(), start=start.isoformat()))
    if (end - start).days >= MAX_DAYS:
        raise InvalidInput(_("A report covers at most {days} days.").format(days=MAX_DAYS))
    actor = ctx.login(Permission.VIEW_REPORTS)
    settings_path = ctx.profile.settings
    settings = Settings(settings_path if settings_path.exists() else None)
    if threshold is None:
        threshold = settings.report_small_count_threshold
    if not 0 <= threshold <= 50:
        raise InvalidInput(_("The small-count threshold must be between 0 and 50."))
    db = ctx.database()
    registrations = collect(db, actor, start, end)
    data = compute_report(registrations, date_from=start, date_to=end, small_count_threshold=threshold)
    post = PostService(db).get_post()
    return render_report(data, language=language or actor.language or settings.language,
                         post=post if post is not None else actor.post_id, demo=bool(actor.demo or ctx.demo))


def run(args, ctx) -> int:
    from pathlib import Path

    from .cmd_slip import _write

    start = parse_day(args.date_from, "--from")
    end = parse_day(args.date_to, "--to")
    Path(args.out)  # validated by _write
    pdf = build_report(ctx, start=start, end=end, threshold=args.threshold, language=args.language)
    out = _write(args.out, pdf)
    print(_("Report written to {path}.").format(path=out))
    return 0
