"""``border-app mrz [--json] [--today YYYY-MM-DD] [--no-correct] [LINES...]``.

Parse and check a machine readable zone given as arguments (one per line, or glued) or
on standard input (as a keyboard-wedge reader types it). No login: nothing is read from
or written to the database. Exit code: 0 valid, 1 invalid, 2 unusable input.
"""

from __future__ import annotations

import json
import sys

from ..i18n import _


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "mrz",
        help=_("check a machine readable zone (passport, identity card, visa)"),
        description=_("Parse an ICAO 9303 machine readable zone, check every check digit and "
                      "correct reading errors where the check digits prove them. Without LINES, "
                      "read standard input."),
    )
    parser.add_argument("--json", action="store_true", help=_("print one JSON object"))
    parser.add_argument("--today", metavar="YYYY-MM-DD",
                        help=_("reference date for the century of years and for expiry (default: today)"))
    parser.add_argument("--no-correct", action="store_true",
                        help=_("report reading errors without correcting any character"))
    parser.add_argument("lines", nargs="*", metavar="LINES", help=_("the MRZ lines"))
    parser.set_defaults(func=run)


def _read_stdin(limit: int) -> str:
    if sys.stdin is None:
        return ""
    if sys.stdin.isatty():
        print(_("Scan or type the MRZ lines, then press Ctrl+D (Ctrl+Z then Enter on Windows)."),
              file=sys.stderr)
    return sys.stdin.read(limit + 1)  # bounded: longer input is refused by the parser


def run(args, ctx) -> int:
    from datetime import date

    from ..errors import InvalidInput
    from ..mrz import MrzInputError, parse
    from ..mrz.normalise import MAX_INPUT

    today = None
    if args.today:
        try:
            today = date.fromisoformat(args.today)
        except ValueError:
            raise InvalidInput(_("--today must be a date written YYYY-MM-DD (found {value})").format(
                value=args.today)) from None
    text = "\n".join(args.lines) if args.lines else _read_stdin(MAX_INPUT)
    try:
        result = parse(text, today=today, correct=not args.no_correct)
    except MrzInputError as exc:
        if args.json:
            print(json.dumps({"valid": False, "error": exc.message}, ensure_ascii=False))
            return 2
        raise
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        print(describe(result))
    return 0 if result.valid else 1


def describe(result) -> str:
    """The parse, human-readable and translated (also used by other text outputs)."""
    from .. import countries
    from ..mrz import FIELD_LABELS

    ok, failed = _("passed"), _("FAILED")

    def check(name: str) -> str:
        if name not in result.checks:
            return ""
        return "  [" + _("check digit: {status}").format(status=ok if result.checks[name] else failed) + "]"

    def country(code: str) -> str:
        return "{code} ({name})".format(code=code, name=countries.name(code)) if code else "-"

    sexes = {"M": _("male"), "F": _("female"), "X": _("unspecified")}
    birth = result.birth_date or _("unknown")
    expiry = result.expiry_date or "-"
    if result.expired:
        expiry = _("{date} (expired)").format(date=expiry)
    rows = [
        (_("Format"), "{fmt} ({kind})".format(fmt=result.format, kind=result.document_type.label)),
        (_("Document code"), result.document_code),
        (_("Issuing state"), country(result.issuing_state)),
        (_("Surname"), result.surname or "-"),
        (_("Given names"), result.given_names or "-"),
        (_("Document number"), (result.document_number or "-") + check("document_number")),
        (_("Nationality"), country(result.nationality)),
        (_("Birth date"), birth + check("birth_date")),
        (_("Sex"), sexes.get(result.sex or "", _("not stated"))),
        (_("Expiry date"), expiry + check("expiry_date")),
    ]
    optional_label = _("Personal number") if result.format == "TD3" else _("Optional data")
    rows.append((optional_label, (result.optional_data or "-") + check("optional_data")))
    if result.format == "TD1":
        rows.append((_("Optional data (line 2)"), result.optional_data_2 or "-"))
    if "composite" in result.checks:
        rows.append((_(FIELD_LABELS["composite"]).capitalize(), ok if result.checks["composite"] else failed))
    width = max(len(label) for label, _value in rows)
    out = [f"{label.ljust(width)} : {value}" for label, value in rows]
    out.append("")
    out.extend(result.lines)
    if result.corrections:
        out.append("")
        out.append(_("Corrections:"))
        out.extend("  " + c.describe() for c in result.corrections)
    if result.errors:
        out.append("")
        out.append(_("Errors:"))
        out.extend("  " + e for e in result.errors)
    if result.warnings:
        out.append("")
        out.append(_("Warnings:"))
        out.extend("  " + w for w in result.warnings)
    out.append("")
    out.append(_("Result: valid") if result.valid else _("Result: INVALID"))
    return "\n".join(out)
