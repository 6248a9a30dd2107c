"""``border-app coordination ...``: the HHBM coordination's commands (its keys, its
PostgreSQL database, imports, status).

This module creates the ``coordination`` parser and its sub-commands' group; every module
``border_app/cli/coord_*.py`` adds its own sub-commands by defining
``register_coordination(subparsers)`` (``coord_keys.py``: ``keys init``, ``keys
export-public``; ``coord_db.py`` etc.: ``init-db``, ``posts``, ``import``, ``status``).
"""

from __future__ import annotations

import importlib
import pkgutil

from ..i18n import _


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "coordination", help=_("the HHBM coordination: its keys, its database, imports of the posts' bundles"),
        description=_("Commands of the HHBM coordination computer: its keys, its database, imports of the "
                      "posts' bundles."))
    sub = parser.add_subparsers(dest="coordination_command", metavar="COMMAND")
    sub.required = True
    from .. import cli

    for info in sorted(pkgutil.iter_modules(cli.__path__), key=lambda m: m.name):
        if info.name.startswith("coord_"):
            module = importlib.import_module(f"{cli.__name__}.{info.name}")
            module.register_coordination(sub)
