"""``border-app register --from FILE.jsonl [--json]``: register travellers recorded elsewhere
(a paper register typed up after an outage, another tool's log), all or nothing.

The use case is :mod:`border_app.usecases.register_travellers`; the line format is
documented in :mod:`border_app.registration_lines`. Exit codes: 0 saved, 2 refused (nothing
saved: each bad line is reported with its number and reason), 3 sign-in, 4 permission.
"""

from __future__ import annotations

import json
import sys

from ..i18n import _, ngettext


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "register", help=_("register travellers from a file (one JSON object per line)"),
        description=_("Register travellers recorded elsewhere (a paper register typed up after an outage, "
                      "another tool's log): one JSON object per line. All or nothing: a bad line is reported "
                      "with its number and reason and nothing of the file is saved."))
    parser.add_argument("--from", dest="source", required=True, metavar="FILE.jsonl",
                        help=_("the file: one traveller (JSON object) per line"))
    parser.add_argument("--json", action="store_true", help=_("print JSON"))
    parser.set_defaults(func=run)


def run(args, ctx) -> int:
    # imported here: the use case pulls in the database layer, which `border-app mrz` does not need
    from ..roles import Permission
    from ..usecases.register_travellers import register_travellers

    actor = ctx.login(Permission.REGISTER_TRAVELLER)
    outcome = register_travellers(ctx.database(), actor, args.source)
    if args.json:
        if outcome.saved:
            print(json.dumps({"registered": len(outcome.registered),
                              "crossing_ids": [r.crossing_id for r in outcome.registered]}, ensure_ascii=False))
        else:
            print(json.dumps({"registered": 0, "errors": [e.as_dict() for e in outcome.errors]},
                             ensure_ascii=False))
    elif outcome.saved:
        n = len(outcome.registered)
        print(ngettext("{count} traveller registered.", "{count} travellers registered.", n).format(count=n))
    else:
        for e in outcome.errors:
            print(_("Line {line}: {reason}").format(line=e.line, reason=e.reason), file=sys.stderr)
        if outcome.more_errors:
            print(_("… and {count} more.").format(count=outcome.more_errors), file=sys.stderr)
        print(_("Nothing was saved: correct the lines above and run the command again."), file=sys.stderr)
    return 0 if outcome.saved else 2
