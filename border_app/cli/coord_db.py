"""``border-app coordination init-db|posts|import|status``: the coordination database.

Database commands take ``--db URL``; without it libpq's ``PG*`` variables are used
(``PGHOST``, ``PGDATABASE``, ``PGUSER``, ``PGPASSWORD`` or ``~/.pgpass``: no password in
the shell's history). ``--db`` wins.

* ``init-db [--demo]``, ``posts add --public-keys FILE``, ``posts list [--json]``,
  ``posts revoke POST_ID``: the post administrator of the coordination profile.
* ``import [--json] BUNDLE...``, ``status [--json]``: a coordinator. ``import`` exits 0
  when no bundle was rejected, 1 otherwise; with ``--json`` one object per bundle per line.
"""

from __future__ import annotations

import json

from ..i18n import _, ngettext


def _db_option(parser) -> None:
    parser.add_argument("--db", metavar="URL", help=_("the coordination database (else the PG* variables)"))


def register_coordination(sub) -> None:
    p = sub.add_parser("init-db", help=_("create or upgrade the coordination database and its roles"),
                       description=_("Create (or upgrade) the coordination database on PostgreSQL: its tables, "
                                     "and the roles hhbm_import, hhbm_coordination and hhbm_health."))
    _db_option(p)
    p.add_argument("--demo", dest="demo_db", action="store_true",
                   help=_("a training database: it accepts only demo bundles (a real one refuses them)"))
    p.set_defaults(func=run_init_db)

    posts = sub.add_parser("posts", help=_("register, list and revoke the posts"),
                           description=_("The posts whose bundles this coordination accepts."))
    posts_sub = posts.add_subparsers(dest="coord_posts_command", metavar="ACTION")
    posts_sub.required = True
    p = posts_sub.add_parser("add", help=_("register a post from its public keys file"))
    p.add_argument("--public-keys", required=True, metavar="FILE",
                   help=_("the file the post wrote with 'border-app keys export-public --out'"))
    _db_option(p)
    p.set_defaults(func=run_posts_add)
    p = posts_sub.add_parser("list", help=_("list the registered posts"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    _db_option(p)
    p.set_defaults(func=run_posts_list)
    p = posts_sub.add_parser("revoke", help=_("revoke a post: its bundles are refused from now on"))
    p.add_argument("post_id", metavar="POST_ID")
    _db_option(p)
    p.set_defaults(func=run_posts_revoke)

    p = sub.add_parser("import", help=_("import the posts' bundles into the coordination database"),
                       description=_("Import bundles: each is decrypted, verified and applied whole, or refused "
                                     "whole with its reason. A bundle already imported changes nothing."))
    p.add_argument("bundles", nargs="+", metavar="BUNDLE")
    p.add_argument("--json", action="store_true", help=_("print one JSON object per bundle per line"))
    _db_option(p)
    p.set_defaults(func=run_import)

    p = sub.add_parser("status", help=_("each post's last bundle, counts, clock skew and gaps"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    _db_option(p)
    p.set_defaults(func=run_status)


def _admin(ctx):
    from ..roles import Permission

    return ctx.login(Permission.MANAGE_KEYS)


def run_init_db(args, ctx) -> int:
    from db.coordination import init_db

    _admin(ctx)
    db, done = init_db(args.db, demo=args.demo_db)
    db.dispose()
    kind = _("demo (training)") if db.demo else _("real")
    print({"created": _("Coordination database created ({kind})."),
           "upgraded": _("Coordination database upgraded ({kind})."),
           "current": _("Coordination database already up to date ({kind}).")}[done].format(kind=kind))
    return 0


def run_posts_add(args, ctx) -> int:
    from db.coordination import open_coordination

    from ..usecases.coordination_posts import register_post

    actor = _admin(ctx)
    db = open_coordination(args.db)
    try:
        outcome, post = register_post(db, actor, args.public_keys)
    finally:
        db.dispose()
    print({"added": _("Post {name} ({pcode}, {post_id}) registered."),
           "updated": _("Post {name} ({pcode}, {post_id}): its new keys are registered (rotation)."),
           "unchanged": _("Post {name} ({pcode}, {post_id}) was already registered with these keys.")}[outcome]
          .format(name=post.name or "?", pcode=post.pcode or "?", post_id=post.post_id))
    return 0


def run_posts_list(args, ctx) -> int:
    from db.coordination import open_coordination

    from ..usecases.coordination_posts import posts

    actor = ctx.login()
    db = open_coordination(args.db)
    try:
        found = posts(db, actor)
    finally:
        db.dispose()
    if args.json:
        print(json.dumps({"posts": [p.as_dict() for p in found]}, ensure_ascii=False))
        return 0
    for p in found:
        state = _("revoked") if p.revoked_at else _("active")
        print("{pcode:<10} {name:<30} {post_id}  {key}  {state}".format(
            pcode=p.pcode or "-", name=p.name or "-", post_id=p.post_id, key=p.signing_key_id, state=state))
    n = len(found)
    print(ngettext("{count} post.", "{count} posts.", n).format(count=n))
    return 0


def run_posts_revoke(args, ctx) -> int:
    from db.coordination import open_coordination

    from ..usecases.coordination_posts import revoke

    actor = _admin(ctx)
    db = open_coordination(args.db)
    try:
        changed = revoke(db, actor, args.post_id)
    finally:
        db.dispose()
    print(_("Post {post_id} revoked: its bundles are refused from now on.").format(post_id=args.post_id)
          if changed else _("Post {post_id} was already revoked.").format(post_id=args.post_id))
    return 0


def run_import(args, ctx) -> int:
    import sys

    from db.coordination import open_coordination

    from ..roles import Permission
    from ..usecases.import_bundles import import_bundles

    actor = ctx.login(Permission.IMPORT_BUNDLE)
    db = open_coordination(args.db)

    def show(done, total, result):
        if result is None:
            return
        if args.json:
            print(json.dumps(result.as_dict(), ensure_ascii=False), flush=True)
        elif result.status == "imported":
            print(_("Imported: {bundle} ({post_id}, {rows} rows changed)").format(
                bundle=result.bundle, post_id=result.post_id, rows=result.rows_changed))
        elif result.status == "already_imported":
            print(_("Already imported, nothing changed: {bundle}").format(bundle=result.bundle))
        else:
            print(_("Refused: {bundle}: {reason}").format(bundle=result.bundle, reason=result.reason),
                  file=sys.stderr)

    try:
        results = import_bundles(db, actor, args.bundles, progress=show)
    finally:
        db.dispose()
    return 1 if any(r.status == "rejected" for r in results) else 0


def run_status(args, ctx) -> int:
    from db.coordination import open_coordination

    from ..roles import Permission
    from ..usecases.coordination_status import coordination_status

    actor = ctx.login(Permission.VIEW_REPORTS)
    db = open_coordination(args.db)
    try:
        status = coordination_status(db, actor)
    finally:
        db.dispose()
    if args.json:
        print(json.dumps(status, ensure_ascii=False))
        return 0
    for p in status["posts"]:
        gaps = ", ".join(f"{a}..{b}" for a, b in p["gaps"]) or _("none")
        print(_("{pcode} {name} ({post_id}): last counter {last_seq}, last import {last_import_at}, "
                "clock skew {skew} s, gaps: {gaps}").format(
            pcode=p["pcode"] or "-", name=p["name"] or "-", post_id=p["post_id"], last_seq=p["last_seq"],
            last_import_at=p["last_import_at"] or "-", skew="-" if p["clock_skew_s"] is None else p["clock_skew_s"],
            gaps=gaps))
    return 0
