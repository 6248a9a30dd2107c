"""``border-app demo --travellers N [--seed S]``: fill the DEMO post with fictitious data.

Always works on the demo profile (its own data folder), whatever ``--demo`` says, so that
demo records can never mix with a real post's. Prepares the demo post and its accounts if
missing (passwords are public: see ``db.demo.DEMO_ACCOUNTS``), then adds N travellers, one in
ten of them screened (``db.demo.add_demo_screenings``: cleared, secondary, referral and isolation).
"""

from __future__ import annotations

from ..i18n import _, ngettext


def register(subparsers) -> None:
    parser = subparsers.add_parser("demo", help=_("add fictitious travellers to the demo post"),
                                   description=_("Prepare the demo post (accounts, keys) and add fictitious "
                                                 "travellers. Always uses the demo data folder."))
    parser.add_argument("--travellers", type=int, default=300, metavar="N",
                        help=_("number of fictitious registrations to add (default: 300)"))
    parser.add_argument("--seed", type=int, default=0, metavar="S",
                        help=_("seed of the generator (same seed, same travellers)"))
    parser.set_defaults(func=run)


def run(args, ctx) -> int:
    from db import open_database
    from db.demo import (DEMO_ACCOUNTS, SCREENED_SHARE, add_demo_screenings, add_demo_travellers, counts,
                         ensure_demo_accounts)

    from ..errors import InvalidInput
    from ..paths import profile

    if args.travellers < 0 or args.travellers > 10_000_000:
        raise InvalidInput(_("The number of travellers must be between 0 and 10,000,000."))
    demo = profile(demo=True).ensure()
    database = open_database(demo.database_url, profile=demo)
    try:
        prepared = ensure_demo_accounts(database)
        added = add_demo_travellers(database, args.travellers, args.seed)
        screened = add_demo_screenings(database, min(added // SCREENED_SHARE, 1000)) if added else {}
        totals = counts(database)
    finally:
        database.dispose()
    if prepared["accounts_created"]:
        print(_("Demo accounts created: {count}.").format(count=prepared["accounts_created"]))
        for account in DEMO_ACCOUNTS:
            print(f"  {account['username']:<14} {account['password']:<10} {account['role'].label}")
    print(message(added, totals, sum(screened.values())))
    return 0


def message(added: int, totals: dict, screened: int = 0) -> str:
    """What the command did, each count with its own singular or plural form."""
    parts = [
        ngettext("{count} fictitious registration added.", "{count} fictitious registrations added.",
                 added).format(count=added),
    ]
    if screened:
        parts.append(ngettext("{count} traveller screened.", "{count} travellers screened (every outcome).",
                              screened).format(count=screened))
    parts.append(_("The demo post now holds {persons}, {documents}, {crossings} and {screenings}.").format(
        persons=ngettext("{count} person", "{count} persons", totals["persons"]).format(count=totals["persons"]),
        documents=ngettext("{count} document", "{count} documents", totals["documents"]).format(
            count=totals["documents"]),
        crossings=ngettext("{count} crossing", "{count} crossings", totals["crossings"]).format(
            count=totals["crossings"]),
        screenings=ngettext("{count} screening", "{count} screenings", totals.get("screenings", 0)).format(
            count=totals.get("screenings", 0)),
    ))
    return " ".join(parts)
