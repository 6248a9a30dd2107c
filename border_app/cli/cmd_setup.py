"""``border-app setup``: first run of a post — the post, its administrator, the keys.

``border-app setup --post-name NAME --pcode NE006013 --language fr --admin USER
[--admin-name "Full Name"]``; the administrator's password comes from ``--password-file``,
``BORDER_APP_PASSWORD`` or a prompt. Refused when the post is already set up.
"""

from __future__ import annotations

from ..i18n import LANGUAGES, _


def register(subparsers) -> None:
    parser = subparsers.add_parser("setup", help=_("first set-up of the post and its administrator"),
                                   description=_("First set-up of the post: its name, P-code and language, and "
                                                 "the administrator's account and keys."))
    parser.add_argument("--post-name", required=True, help=_("name of the border post"))
    parser.add_argument("--pcode", required=True,
                        help=_("P-code of the post's place (NE followed by 3, 6 or 9 digits)"))
    parser.add_argument("--language", choices=LANGUAGES, default="fr", help=_("language of the post (default: fr)"))
    parser.add_argument("--admin", required=True, metavar="USER", help=_("user name of the post administrator"))
    parser.add_argument("--admin-name", metavar="NAME", help=_("full name of the post administrator"))
    parser.set_defaults(func=run)


def run(args, ctx) -> int:
    from db.services import AuthService, PostService

    from ..errors import ConflictError

    database = ctx.database()
    if not AuthService(database).needs_setup():  # say so before asking for a password
        raise ConflictError(_("This post is already set up."))
    actor = PostService(database).setup_post(
        name=args.post_name, pcode=args.pcode, language=args.language, admin_username=args.admin,
        admin_full_name=args.admin_name or args.admin, admin_password=ctx.password(), demo=ctx.demo)
    post = PostService(database).get_post()
    assert post is not None                 # just set up
    print(_("Post {name} ({pcode}) is set up. Administrator: {user}.").format(
        name=post.name, pcode=post.pcode, user=actor.username))
    return 0
