"""``border-app registrations --day YYYY-MM-DD [--query TEXT] [--json]``: one day's
registrations at the post (sign-in with a role that may see identities)."""

from __future__ import annotations

import json

from .. import clock
from ..i18n import _, ngettext


def register(subparsers) -> None:
    parser = subparsers.add_parser("registrations", help=_("list the registrations of a day"),
                                   description=_("List the post's registrations of one day, newest first."))
    parser.add_argument("--day", required=True, metavar="YYYY-MM-DD", help=_("the day (post's local time)"))
    parser.add_argument("--query", metavar="TEXT", help=_("only names or document numbers matching this text"))
    parser.add_argument("--limit", type=int, default=500, help=_("at most this many (default: 500)"))
    parser.add_argument("--json", action="store_true", help=_("print JSON"))
    parser.set_defaults(func=run)


def run(args, ctx) -> int:
    from datetime import date

    from db.services import RegistrationService

    from ..errors import InvalidInput
    from ..roles import Permission

    try:
        day = date.fromisoformat(args.day)
    except ValueError:
        raise InvalidInput(_("The day must be written YYYY-MM-DD (e.g. 2026-03-02).")) from None
    actor = ctx.login(Permission.VIEW_IDENTITY)
    rows = RegistrationService(ctx.database(), actor).list_day(day, query=args.query, limit=args.limit)
    if args.json:
        print(json.dumps([{
            "crossing_id": r.crossing_id,
            "crossed_at": r.crossing.crossed_at.isoformat(),
            "direction": r.crossing.direction.value,
            "surname": r.person.surname,
            "given_names": r.person.given_names,
            "document_number": r.document.number if r.document else None,
            "issuing_state": r.document.issuing_state if r.document else None,
            "group_size": r.crossing.group_size,
            "voided": r.voided,
        } for r in rows], ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        at = clock.post_time(r.crossing.crossed_at).strftime("%H:%M")
        number = r.document.number if r.document else "-"
        mark = " " + _("(voided)") if r.voided else ""
        print(f"{at}  {r.crossing.direction.label:<8} {number:<14} {r.person.surname}, {r.person.given_names}{mark}")
    print(ngettext("{count} registration.", "{count} registrations.", len(rows)).format(count=len(rows)))
    return 0
