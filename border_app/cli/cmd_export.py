"""``border-app export --out DIR [--full] [--json]``: write this post's next data bundle for
the HHBM coordination (supervisor or post administrator: ``EXPORT_BUNDLE``).

One file in DIR named ``<P-code>-<first 8 of post_id>-<from_seq>-<to_seq>.hhbm``, signed by
the post and encrypted to the pinned coordination key (``keys pin-coordination``). The use
case is :mod:`border_app.usecases.export_bundle`; the format is in ``docs/bundles.md``.

Exit codes: 0 written; 1 nothing new to export (``"bundle": null``); 2 refused (keys not
pinned, folder not writable, disk full) with the reason on stderr; 3 sign-in; 4 permission.
With ``--json`` one object ``{"bundle", "post_id", "from_seq", "to_seq", "counts"}``.
"""

from __future__ import annotations

import json

from ..i18n import _, ngettext


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "export", help=_("write this post's data bundle for the coordination (USB stick)"),
        description=_("Write this post's new records since the last export (or all with --full) to one signed, "
                      "encrypted bundle file in the folder given, for the HHBM coordination."))
    parser.add_argument("--out", required=True, metavar="DIR", help=_("the folder to write the bundle to"))
    parser.add_argument("--full", action="store_true", help=_("export every record, not only the new ones"))
    parser.add_argument("--json", action="store_true", help=_("print JSON"))
    parser.set_defaults(func=run)


def run(args, ctx) -> int:
    from ..roles import Permission
    from ..usecases.export_bundle import export_bundle

    actor = ctx.login(Permission.EXPORT_BUNDLE)
    result = export_bundle(ctx.database(), actor, args.out, full=args.full)
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
    elif result.bundle is None:
        print(_("Nothing new to export since the last bundle (counter {seq}).").format(seq=result.to_seq))
    else:
        n = result.counts.get("crossings", 0)
        print(_("Bundle written: {path}").format(path=result.bundle))
        print(ngettext("{count} crossing", "{count} crossings", n).format(count=n) + "; " +
              _("records {first} to {last}; {size} kB").format(first=result.from_seq + 1, last=result.to_seq,
                                                                size=max(1, round(result.size / 1000))))
        if result.demo:
            print(_("Demo bundle: only a training coordination database (init-db --demo) accepts it."))
    return 0 if result.bundle is not None else 1
