"""``border-app slip``: an attestation slip as a PDF file.

* ``slip --demo --out FILE.pdf [--size 80mm|a6|a4] [--kind registration|screening]`` — a
  signed TEST slip for a fictitious traveller, to check a printer's alignment. No sign-in:
  it signs with the demo profile's keys when the demo keystore exists (unlocked with the
  public demo password), else with a one-time key, and says which.
* ``slip RECORD_ID --kind registration|screening --size 80mm|a6|a4 --out FILE.pdf
  [--duplicate]`` — signed-in user with ``PRINT_SLIP`` (``REPRINT_SLIP`` for a
  DUPLICATA). The serial comes from the post's slip register (``db.slip_services``):
  the first print gets a new serial, a reprint keeps it and is marked DUPLICATA; both
  are written to the audit trail by the register.

The PDF is written atomically. The work is the application layer's
(:mod:`border_app.usecases.printer_test_slip`, :mod:`border_app.usecases.issue_slip`); this
module keeps only the arguments and the output.
"""

from __future__ import annotations

import argparse

from ..errors import InvalidInput
from ..i18n import _
from ..roles import Permission
from ..settings import Settings
from ..slip_data import SLIP_KINDS as KINDS
from ..slip_data import SLIP_SIZES as SIZES


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "slip", help=_("print an attestation slip to a PDF file"),
        description=_("Render a signed attestation slip (registration or health screening) as a PDF file."))
    parser.add_argument("record_id", nargs="?", metavar="RECORD_ID",
                        help=_("the registration (crossing) identifier; omit it with --demo"))
    parser.add_argument("--demo", action="store_true", default=argparse.SUPPRESS,
                        help=_("a signed test slip for a fictitious traveller (printer alignment check)"))
    parser.add_argument("--kind", choices=KINDS, default="registration",
                        help=_("which attestation (default: registration)"))
    parser.add_argument("--size", choices=SIZES, default=None,
                        help=_("paper: 80mm thermal roll, A6 or A4 (default: the post's setting)"))
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help=_("where to write the PDF"))
    parser.add_argument("--duplicate", action="store_true",
                        help=_("reprint: marked DUPLICATA (needs the reprint right)"))
    parser.add_argument("--language", choices=("fr+en", "fr", "en"), default=None,
                        help=_("slip languages (default: the post's setting, French and English)"))
    parser.set_defaults(func=run)


def _settings(ctx) -> Settings:
    path = ctx.profile.settings
    return Settings(path if path.exists() else None)


def run(args, ctx) -> int:
    # imported here: the use cases pull in the database layer and reportlab, which building
    # the command line's parser must not load (tests/test_architecture.py)
    from ..usecases.issue_slip import issue_slip
    from ..usecases.pdf_file import write_pdf
    from ..usecases.printer_test_slip import printer_test_slip

    settings = _settings(ctx)
    size = args.size or settings.slip_size
    languages = tuple((args.language or settings.slip_language).split("+"))
    if ctx.demo and not args.record_id:
        pdf, _qr, how = printer_test_slip(ctx.profile, ctx.demo, kind=args.kind, size=size, languages=languages)
        out = write_pdf(args.out, pdf)
        print(_("Test slip written to {path} ({size}, {kind}).").format(path=out, size=size, kind=args.kind))
        if how == "keystore":
            print(_("Signed with the demo post's key."))
        else:
            print(_("No demo keystore found: signed with a one-time test key (the code will show as unknown key)."))
        return 0
    if not args.record_id:
        raise InvalidInput(_("Give the registration's identifier (RECORD_ID), or --demo for a test slip."))
    actor = ctx.login(Permission.REPRINT_SLIP if args.duplicate else Permission.PRINT_SLIP)
    slip = issue_slip(ctx.database(), actor, args.record_id, kind=args.kind, size=size, languages=languages,
                      reprint=args.duplicate, photos_dir=ctx.profile.photos, demo=ctx.demo)
    out = write_pdf(args.out, slip.pdf)
    print(_("Slip written to {path}.").format(path=out))
    return 0
