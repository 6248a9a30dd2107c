"""``border-app report --from DATE --to DATE --out FILE.pdf [--kind internal|shared]``: the
period report as a PDF.

Signed-in user with ``VIEW_REPORTS``. Two kinds: "shared" (the default, for others: counts
below the post's small-count threshold, setting ``report_small_count_threshold`` or
``--threshold``, are suppressed) and "internal" (exact counts, marked confidential on every
page; only for roles that may see identities, ``VIEW_IDENTITY``). The work is the
application layer's :mod:`border_app.usecases.period_report` (also used by the reports
screen); this module keeps only the arguments and the output.
"""

from __future__ import annotations

from datetime import date

from ..errors import InvalidInput
from ..i18n import _
from ..report_period import REPORT_KINDS as KINDS
from ..roles import Permission
from ..settings import Settings



def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "report", help=_("period report (PDF) with charts"),
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


def run(args, ctx) -> int:
    # imported here: the use case pulls in the database layer and reportlab, which building
    # the command line's parser must not load (tests/test_architecture.py)
    from ..usecases.pdf_file import write_pdf
    from ..usecases.period_report import check_kind, check_period, report_pdf

    start = parse_day(args.date_from, "--from")
    end = parse_day(args.date_to, "--to")
    settings_path = ctx.profile.settings
    settings = Settings(settings_path if settings_path.exists() else None)
    threshold = settings.report_small_count_threshold if args.threshold is None else args.threshold
    check_period(start, end, threshold)           # before asking for a password
    actor = ctx.login(Permission.VIEW_REPORTS)
    check_kind(actor, args.kind)
    pdf = report_pdf(ctx.database(), actor, start=start, end=end, threshold=threshold,
                     language=args.language or actor.language or settings.language, demo=ctx.demo, kind=args.kind)
    out = write_pdf(args.out, pdf)
    print(_("Report written to {path}.").format(path=out))
    return 0
