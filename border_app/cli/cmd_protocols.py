"""``border-app protocols``: list the installed screening protocols (or check a folder)."""

from __future__ import annotations

import json

from ..i18n import _


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "protocols", help=_("list the installed health screening protocols"),
        description=_("List the installed health screening protocols with their versions and question ids. "
                      "With --dir, validate and list the protocol files of a folder instead."))
    parser.add_argument("--json", action="store_true", help=_("print JSON"))
    parser.add_argument("--dir", metavar="FOLDER", help=_("validate and list the protocol files in this folder"))
    parser.set_defaults(func=run)


def run(args, ctx) -> int:
    from ..i18n import current_language
    from ..screening import load_protocols

    protocols = load_protocols([args.dir] if args.dir else None)
    lang = current_language()
    if args.json:
        out = [{
            "id": p.id, "version": p.version, "published": p.published.isoformat(),
            "title": p.title.as_dict(), "file": p.file_name, "sha256": p.digest,
            "questions": [q.id for q in p.questions], "definitions": [d.id for d in p.definitions],
            "rules": [{"id": r.id, "outcome": r.outcome.value} for r in p.rules],
            "sources": [{"key": s.key, "url": s.url} for s in p.sources],
        } for p in protocols]
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    for p in protocols:
        print(_("{id} version {version} ({published}): {title}").format(
            id=p.id, version=p.version, published=p.published.isoformat(), title=p.title.get(lang)))
        print("  " + _("Questions: {ids}").format(ids=", ".join(q.id for q in p.questions)))
        print("  " + _("Rules: {ids}").format(ids=", ".join(f"{r.id} ({r.outcome.value})" for r in p.rules)))
        print("  " + _("Sources: {keys}").format(keys=", ".join(s.key for s in p.sources)))
    return 0
