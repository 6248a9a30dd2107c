"""``border-app registrations --day DATE [--query TEXT] [--json]``: one day's
registrations at the post (sign-in with a role that may see identities)."""

from __future__ import annotations

import json

from .. import clock
from ..i18n import _, ngettext


def register(subparsers) -> None:
    parser = subparsers.add_parser("registrations", help=_("list the registrations of a day"),
                                   description=_("List the post's registrations of one day, newest first."))
    parser.add_argument("--day", required=True, metavar="DATE",
                        help=_("the day (post's local time): DD/MM/YYYY, YYYY-MM-DD or today"))
    parser.add_argument("--query", metavar="TEXT", help=_("only names or document numbers matching this text"))
    parser.add_argument("--limit", type=int, default=500, help=_("at most this many (default: 500)"))
    parser.add_argument("--json", action="store_true", help=_("print JSON"))
    parser.set_defaults(func=run)


def run(args, ctx) -> int:
    from db.services import RegistrationService

    from ..dates import parse_date
    from ..errors import InvalidInput
    from ..roles import Permission

    text = (args.day or "").strip()
    day = clock.post_today() if text.lower() in ("today", "aujourd'hui") else parse_date(text)
    if day is None:
        raise InvalidInput(_("The day must be written DD/MM/YYYY or YYYY-MM-DD (e.g. 02/03/2026), or today."))
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
