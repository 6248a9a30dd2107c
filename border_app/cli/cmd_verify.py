"""``border-app verify [--json] [--trust FILE] [--at ISO-TIME] TEXT|IMAGE``.

Interprets and verifies a health certificate (EU DCC, WHO DDCC, SMART Health Card) or one
of our attestation slips. When the argument is an existing file it is an image: every code
in it is decoded and interpreted. ``-`` reads the payload text from standard input.

Exit code: 0 only when a code is genuine (signature checked against a trusted key) and valid
at the evaluation moment; 1 otherwise; 2 when the input is unusable (no code in the image,
unreadable trust file, bad --at).
"""

from __future__ import annotations

import json
import os
import sys

from ..errors import InvalidInput
from ..i18n import _


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "verify",
        help=_("verify a health certificate or attestation slip (text or image)"),
        description=_("Interpret and verify a certificate or slip QR code; exit 0 only for a genuine, currently valid one."),
    )
    parser.add_argument("--json", action="store_true", help=_("print the result as JSON (one object per code)"))
    parser.add_argument("--trust", action="append", default=[], metavar="FILE",
                        help=_("trusted certificates or public keys (PEM), JWKS or trust list JSON; may be repeated"))
    parser.add_argument("--at", metavar="ISO-TIME", help=_("evaluate validity at this moment instead of now"))
    parser.add_argument("payload", metavar="TEXT|IMAGE", help=_("the scanned text, an image file, or - for standard input"))
    parser.set_defaults(func=run)


def _parse_at(value: str | None):
    from ..certificates._time import parse_iso

    if value is None:
        return None
    at = parse_iso(value)
    if at is None:
        raise InvalidInput(_("--at must be an ISO date or date-time, e.g. 2021-06-01T12:00:00Z (got {value}).").format(value=value))
    return at


def build_trust(paths, ctx):
    from ..trust import TrustList

    trust = TrustList()
    for path in paths:
        trust.merge(TrustList.load(path))
    try:
        trust.add_keystore(ctx.profile.keystore)
    except Exception:  # the post's own keys are a convenience, never a reason to fail
        pass
    return trust


def run(args, ctx) -> int:
    from ..certificates import interpret

    at = _parse_at(args.at)
    trust = build_trust(args.trust, ctx)
    payload = args.payload
    texts: list[str]
    if payload == "-":
        texts = [sys.stdin.read(64 * 1024).strip()]
    elif os.path.isfile(payload):
        from ..barcodes import decode_image

        codes = decode_image(payload)
        if not codes:
            raise InvalidInput(_("No code was found in the image {file}.").format(file=payload))
        texts = [c.text for c in codes]
    else:
        texts = [payload]
    results = [interpret(text, trust=trust, at=at) for text in texts]
    for i, result in enumerate(results):
        if args.json:
            print(result.to_json())
        else:
            if i:
                print()
            print("\n".join(result.summary_lines()))
    return 0 if any(r.genuine_and_valid for r in results) else 1
