"""``border-app barcode [--json] IMAGE...``: list the codes found in image files.

Exit code: 0 when every image holds at least one code, 1 when some image holds none,
2 when some file is not a readable image (the other files are still processed).
"""

from __future__ import annotations

import json
import sys
import time

from ..errors import InvalidInput
from ..i18n import _


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "barcode",
        help=_("read QR, PDF417, DataMatrix, Aztec, Code 128 and Code 39 codes from images"),
        description=_("List each code found in the images: format, text and position."),
    )
    parser.add_argument("--json", action="store_true", help=_("one JSON object per line per file: file, codes, ms"))
    parser.add_argument("images", nargs="+", metavar="IMAGE", help=_("image file (PNG, JPEG, WebP...)"))
    parser.set_defaults(func=run)


def run(args, ctx) -> int:
    from ..barcodes import decode_image

    status = 0
    for path in args.images:
        start = time.perf_counter()
        try:
            codes = decode_image(path)
        except InvalidInput as exc:
            status = 2
            if args.json:
                print(json.dumps({"file": path, "codes": [], "ms": None, "error": exc.message}, ensure_ascii=False))
            else:
                print(_("Error: {message}").format(message=exc.message), file=sys.stderr)
            continue
        ms = round((time.perf_counter() - start) * 1000, 1)
        if not codes and status == 0:
            status = 1
        if args.json:
            print(json.dumps({"file": path, "codes": [c.to_dict() for c in codes], "ms": ms}, ensure_ascii=False))
            continue
        if not codes:
            print(_("{file}: no code found ({ms} ms)").format(file=path, ms=ms))
            continue
        print(_("{file}: {count} code(s) ({ms} ms)").format(file=path, count=len(codes), ms=ms))
        for code in codes:
            corners = " ".join(f"{x},{y}" for x, y in code.position)
            text = code.text.replace("\r", "\\r").replace("\n", "\\n")
            print(f"  {code.format}\t{text}\t[{corners}]")
    return status
