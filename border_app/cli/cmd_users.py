"""``border-app users``: the post's user accounts (post administrator only).

* ``users list [--json]``
* ``users add --username U --full-name NAME --role ROLE [--language fr|en]
  [--new-password-file FILE]`` (else the new password is asked twice)
* ``users deactivate USERNAME`` / ``users activate USERNAME``
* ``users unlock USERNAME``: end the lockout after too many wrong passwords
* ``users reset-password USERNAME [--new-password-file FILE]`` (else the new password is
  asked twice; without a terminal and without the file it is refused)

Sign in with ``--user`` and the administrator's password (``--password-file``,
``BORDER_APP_PASSWORD`` or a prompt).
"""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path

from ..i18n import LANGUAGES, _

ROLE_VALUES = ("border_official", "health_screener", "supervisor", "post_admin", "coordinator")


def register(subparsers) -> None:
    parser = subparsers.add_parser("users", help=_("list, add or deactivate user accounts (administrator)"),
                                   description=_("Manage the post's user accounts (post administrator)."))
    sub = parser.add_subparsers(dest="users_command", metavar="ACTION")
    sub.required = True

    p = sub.add_parser("list", help=_("list the user accounts"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.set_defaults(func=run, users_action="list")

    p = sub.add_parser("add", help=_("add a user account"))
    p.add_argument("--username", required=True, help=_("user name of the new account"))
    p.add_argument("--full-name", required=True, help=_("full name of the new user"))
    p.add_argument("--role", required=True, choices=ROLE_VALUES, help=_("role of the new user"))
    p.add_argument("--language", choices=LANGUAGES, default="fr", help=_("language of the new user (default: fr)"))
    p.add_argument("--new-password-file", metavar="FILE",
                   help=_("read the new user's password from this file (else it is asked)"))
    p.set_defaults(func=run, users_action="add")

    for action, text in (("deactivate", _("deactivate an account (it can no longer sign in)")),
                         ("activate", _("activate an account again"))):
        p = sub.add_parser(action, help=text)
        p.add_argument("username", help=_("user name of the account"))
        p.set_defaults(func=run, users_action=action)

    p = sub.add_parser("unlock", help=_("unlock an account locked after too many wrong passwords"))
    p.add_argument("username", help=_("user name of the account"))
    p.set_defaults(func=run, users_action="unlock")

    p = sub.add_parser("reset-password", help=_("give an account a new password (it is unlocked too)"))
    p.add_argument("username", help=_("user name of the account"))
    p.add_argument("--new-password-file", metavar="FILE",
                   help=_("read the new password from this file (else it is asked twice)"))
    p.set_defaults(func=run, users_action="reset-password")


def _new_password(args, prompt: str | None = None) -> str:
    from ..errors import InvalidInput

    if args.new_password_file:
        try:
            return Path(args.new_password_file).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise InvalidInput(_("Cannot read the password file: {reason}").format(reason=exc.strerror)) from exc
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass(prompt or _("New user's password: "))
        if getpass.getpass(_("Repeat the password: ")) != first:
            raise InvalidInput(_("The two passwords differ; nothing was saved."))
        return first
    raise InvalidInput(_("Give the new password with --new-password-file (or type it twice when asked, "
                         "in a terminal)."))


def run(args, ctx) -> int:
    from db.services import UserService

    from ..roles import Permission, Role

    actor = ctx.login(Permission.MANAGE_USERS)
    users = UserService(ctx.database(), actor)
    action = args.users_action
    if action == "list":
        rows = users.list_users()
        if args.json:
            print(json.dumps([{"id": u.id, "username": u.username, "full_name": u.full_name, "role": u.role.value,
                               "active": u.active, "locked": u.locked, "language": u.language} for u in rows],
                             ensure_ascii=False, indent=2))
            return 0
        for u in rows:
            state = _("active") if u.active else _("deactivated")
            if u.locked:
                state += " " + _("(locked)")
            print(f"{u.username:<20} {u.role.label:<28} {state:<12} {u.full_name}")
        return 0
    if action == "add":
        password = _new_password(args)
        info = users.create_user(username=args.username, full_name=args.full_name, role=Role(args.role),
                                 password=password, language=args.language)
        print(_("Account {user} created ({role}).").format(user=info.username, role=info.role.label))
        return 0
    match = users.find(args.username)
    if action == "unlock":
        info = users.unlock(match.id)
        print(_("Account {user} is unlocked: it can sign in again.").format(user=info.username))
        return 0
    if action == "reset-password":
        password = _new_password(args, _("New password for {user}: ").format(user=match.username))
        users.reset_password(match.id, password)
        print(_("The password of {user} was changed and the account unlocked. Give the new password to "
                "its user in person.").format(user=match.username))
        return 0
    info = users.set_active(match.id, action == "activate")
    if info.active:
        print(_("Account {user} is active.").format(user=info.username))
    else:
        print(_("Account {user} is deactivated.").format(user=info.username))
    return 0
