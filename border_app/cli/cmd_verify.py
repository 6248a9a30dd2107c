"""``border-app verify [--json] [--trust FILE] [--at ISO-TIME] TEXT|IMAGE``.

Interprets and verifies a health certificate (EU DCC, WHO DDCC, SMART Health Card) or one
of our attestation slips. When the argument is an existing file it is an image (JPEG, PNG...)
or a PDF: every code in it is decoded and interpreted. For a PDF, the first page's image is
taken as ``border-app scan`` takes it (the largest embedded image); a PDF whose first page
draws its code (a slip saved by this app) is rendered at 200 dpi. ``-`` reads the payload
text from standard input.

A slip signed by a demo post's key says DÉMO (first line of the text, ``"demo": true`` in
``--json``); a real post never trusts a demo key (``border_app.trust``), so there such a
slip is not genuine. Only the demo profile (``--demo``) trusts its own demo keys.

Exit code: 0 only when a code is genuine (signature checked against a trusted key) and valid
at the evaluation moment; 1 otherwise; 2 when the input is unusable (no code in the image,
unreadable trust file, bad --at).
"""

from __future__ import annotations

import os
import sys

from ..errors import InvalidInput
from ..i18n import _


DEMO_HEADLINE = "*** DÉMO ***  *** DÉMO ***  *** DÉMO ***"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "verify",
        help=_("verify a health certificate or attestation slip (text or image)"),
        description=_("Interpret and verify a certificate or slip QR code; "
                      "exit 0 only for a genuine, currently valid one."),
    )
    parser.add_argument("--json", action="store_true", help=_("print the result as JSON (one object per code)"))
    parser.add_argument("--trust", action="append", default=[], metavar="FILE",
                        help=_("trusted certificates or public keys (PEM), JWKS or trust list JSON; may be repeated"))
    parser.add_argument("--at", metavar="ISO-TIME", help=_("evaluate validity at this moment instead of now"))
    parser.add_argument("payload", metavar="TEXT|IMAGE",
                        help=_("the scanned text, an image file, or - for standard input"))
    parser.set_defaults(func=run)


def _parse_at(value: str | None):
    from ..certificates._time import parse_iso

    if value is None:
        return None
    at = parse_iso(value)
    if at is None:
        raise InvalidInput(_("--at must be an ISO date or date-time, e.g. 2021-06-01T12:00:00Z (got {value}).")
                           .format(value=value))
    return at


def build_trust(paths, ctx):
    from ..trust import TrustList

    demo = bool(getattr(ctx, "demo", False))
    trust = TrustList(allow_demo=demo)
    for path in paths:
        trust.merge(TrustList.load(path, allow_demo=demo))
    try:
        trust.add_keystore(ctx.profile.keystore, post_name=_post_name(ctx), demo=demo)
    except Exception:  # the post's own keys are a convenience, never a reason to fail
        pass
    return trust


def _post_name(ctx) -> str | None:
    """The local post's name, to name its own slips (never a reason to fail)."""
    try:
        if not ctx.profile.keystore.exists():  # no post set up here: open (create) no database
            return None
        from db.services import PostService

        post = PostService(ctx.database()).get_post()
        return post.name if post is not None else None
    except Exception:  # noqa: BLE001 - no database yet, or not readable
        return None


MAX_PDF_BYTES = 50 * 1024 * 1024
PDF_DPI = 200


def codes_in_file(path: str) -> list[str]:
    """The texts of every code in an image file or in a PDF's first page."""
    from ..barcodes import decode_image

    with open(path, "rb") as fh:
        head = fh.read(5)
    if head != b"%PDF-":
        return [c.text for c in decode_image(path)]
    from pathlib import Path

    size = Path(path).stat().st_size
    if size > MAX_PDF_BYTES:
        raise InvalidInput(_("The file {file} is too large.").format(file=path))
    data = Path(path).read_bytes()
    name = Path(path).name
    texts: list[str] = []
    try:  # as ``scan`` does: the first page's (largest) embedded image
        from ..ocr.inputs import pdf_first_image

        texts = [c.text for c in decode_image(pdf_first_image(data, name))]
    except InvalidInput:
        texts = []
    if texts:
        return texts
    return [c.text for c in decode_image(_render_first_page(data, name))]


def _render_first_page(data: bytes, name: str):
    """The PDF's first page as a grayscale array (pdfium), for codes drawn as vectors."""
    import numpy as np

    try:
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(data)
        try:
            if len(document) == 0:
                raise InvalidInput(_("{name}: the PDF has no page.").format(name=name))
            page = document[0]
            width, height = page.get_size()
            scale = PDF_DPI / 72.0
            if width * height * scale * scale > 60_000_000:  # bounded memory on a hostile page size
                scale = (60_000_000 / max(width * height, 1.0)) ** 0.5
            image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
            return np.asarray(image)
        finally:
            document.close()
    except InvalidInput:
        raise
    except Exception:  # noqa: BLE001 - any failure of a damaged or hostile PDF
        raise InvalidInput(_("{name}: this PDF cannot be read (damaged or encrypted).").format(name=name)) from None


def run(args, ctx) -> int:
    from ..scanned_codes import interpret

    at = _parse_at(args.at)
    trust = build_trust(args.trust, ctx)
    payload = args.payload
    texts: list[str]
    if payload == "-":
        texts = [sys.stdin.read(64 * 1024).strip()]
    elif os.path.isfile(payload):
        texts = codes_in_file(payload)
        if not texts:
            raise InvalidInput(_("No code was found in the image {file}.").format(file=payload))
    else:
        texts = [payload]
    results = [interpret(text, trust=trust, at=at) for text in texts]
    for i, result in enumerate(results):
        if args.json:
            print(result.to_json())
        else:
            if i:
                print()
            if getattr(result, "demo", False):
                print(DEMO_HEADLINE)
            print("\n".join(result.summary_lines()))
    return 0 if any(r.genuine_and_valid for r in results) else 1
