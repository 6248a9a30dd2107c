"""The ``border-app`` command line.

``border-app`` with no sub-command opens the GUI. Every module ``border_app/cli/cmd_*.py``
adds one sub-command: it defines ``register(subparsers)``, which adds its parser and sets
``func`` to a callable ``run(args, ctx) -> int``. Modules import their heavy dependencies
inside ``run`` so that ``border-app mrz`` starts fast.

Exit codes: 0 success, 1 invalid/negative result, 2 unusable input, 3 authentication,
4 permission, 5 not found; a :class:`~border_app.errors.UserFacingError` prints its
translated message on stderr.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from typing import Any

from .. import __version__
from ..errors import UserCancelled, UserFacingError
from ..i18n import LANGUAGES, N_, _, gettext, set_language
from .context import CliContext


# argparse's own words ("usage", "options", its error messages) in the user's language.
# argparse looks its module-level ``_`` up at call time, so our catalogue can serve it.
ARGPARSE_MESSAGES = (
    N_("usage: "), N_("positional arguments"), N_("options"), N_("show this help message and exit"),
    N_("show program's version number and exit"), N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"), N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("%(prog)s: error: %(message)s\n"), N_("expected one argument"), N_("invalid %(type)s value: %(value)r"),
    N_("not allowed with argument %s"), N_("one of the arguments %s is required"),
)
argparse._ = gettext  # type: ignore[attr-defined]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="border-app",
        description=_("HHBM border post: registration, health screening, attestations and data bundles."),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("cmd_"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            module.register(sub)
    for child in _sub_parsers(parser):
        _add_global_options(child, suppress=True)
    return parser


#: the options every sub-command accepts, before or after its name
#: (``border-app registrations --day D --user agent`` as well as ``border-app --user agent registrations ...``)
GLOBAL_OPTIONS = ("--demo", "--lang", "--user", "--password-file")


def _add_global_options(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    """Add the global options to ``parser``. On a sub-command's parser (``suppress``) they
    default to "not given", so that a value given before the sub-command's name is kept; an
    option the sub-command defines itself (``slip --demo``) is left as it is."""
    extra: dict[str, Any] = {"default": argparse.SUPPRESS} if suppress else {}
    specs: tuple[tuple[str, dict[str, Any]], ...] = (
        ("--demo", dict(action="store_true", help=_("use the demo post and its own data folder"))),
        ("--lang", dict(choices=LANGUAGES, help=_("language of messages (default: the post's, else French)"))),
        ("--user", dict(help=_("user name for commands that read or write personal data"))),
        ("--password-file", dict(help=_("read the password from this file (else BORDER_APP_PASSWORD, else a prompt)"))),
    )
    for flag, options in specs:
        if flag not in parser._option_string_actions:
            parser.add_argument(flag, **options, **extra)


def _sub_parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every sub-command's parser, at any depth (``users add``...)."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                found.append(child)
                found.extend(_sub_parsers(child))
    return found


def _early_language(argv: list[str]) -> None:
    """Apply ``--lang`` (or BORDER_APP_LANG) before the parser builds its help texts."""
    lang = os.environ.get("BORDER_APP_LANG")
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
    if lang in LANGUAGES:
        set_language(lang)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _early_language(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    ctx = CliContext(args)
    try:
        if args.command is None:
            from .gui import open_gui

            return open_gui(ctx)
        return int(args.func(args, ctx) or 0)
    except UserCancelled:
        return 130
    except UserFacingError as exc:
        print(_("Error: {message}").format(message=exc.message), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader of our output went away (``border-app scan --json ... | head``): stop
        # quietly, and keep Python from complaining again when it flushes stdout at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    finally:
        ctx.close()
