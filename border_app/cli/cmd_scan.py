"""``border-app scan [--json] IMAGE...``: read the MRZ from document images or scanner PDFs.

Per file: the MRZ parse (the same keys as ``border-app mrz``), the MRZ's corners in the
image and the time taken. With ``--json``: one JSON object per line per file, with
``file``, ``found`` and ``ms`` (plus the parse keys and ``corners`` when found). Exit code
0 when a valid MRZ was read from every file, 1 otherwise, 2 if a file cannot be used.
"""

from __future__ import annotations

import json
import sys
import time

from ..i18n import _


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "scan",
        help=_("read the MRZ from document images (JPEG, PNG, TIFF, BMP) or scanner PDFs"),
        description=_("Read the machine readable zone of passports, ID cards and visas from images, offline."),
    )
    p.add_argument("--json", action="store_true", help=_("one JSON object per line per file"))
    p.add_argument("images", nargs="+", metavar="IMAGE", help=_("image or PDF files"))
    p.set_defaults(func=run)


def _record(path: str, reads, ms: float) -> dict:
    rec: dict = {"file": path, "found": bool(reads), "ms": round(ms, 1)}
    if reads:
        r = reads[0]
        if r.result is not None:
            rec.update(r.result.to_json())
        else:
            rec.update({"valid": False, "format": r.format, "lines": r.lines})
        rec.update(_placed(r))
        if len(reads) > 1:
            rec["others"] = [
                dict((o.result.to_json() if o.result is not None else {"valid": False, "lines": o.lines}), **_placed(o))
                for o in reads[1:]
            ]
    return rec


def _placed(r) -> dict:
    """A reading's corners in the image and its characters read with doubt."""
    return {"corners": [[round(x, 1), round(y, 1)] for x, y in r.corners],
            "uncertain": [list(lp) for lp in r.uncertain]}


def _print_text(rec: dict, error: str | None) -> None:
    print(rec["file"])
    if error:
        print("  " + _("Error: {message}").format(message=error))
        return
    if not rec["found"]:
        print("  " + _("No MRZ found ({ms} ms).").format(ms=rec["ms"]))
        return
    for doc in [rec] + rec.get("others", []):
        state = _("valid") if doc.get("valid") else _("INVALID")
        print("  " + _("MRZ {format}, {state} ({ms} ms)")
                     .format(format=doc.get("format", "?"), state=state, ms=rec["ms"]))
        doubt = {tuple(lp) for lp in doc.get("uncertain", [])}
        for n, line in enumerate(doc.get("lines", []), start=1):
            print("    " + line)
            if any(ln == n for ln, _pos in doubt):
                print("    " + "".join("^" if (n, i) in doubt else " " for i in range(1, len(line) + 1)).rstrip())
        if doubt:
            print("  " + _("^ under a character: read with doubt, and no check digit vouches for it; "
                           "compare with the document."))
        for key in ("document_code", "issuing_state", "surname", "given_names", "document_number", "nationality",
                    "birth_date", "sex", "expiry_date", "expired", "optional_data"):
            if key in doc:
                print(f"  {key}: {doc[key]}")
        for err in doc.get("errors", []) or []:
            print("  " + _("problem: {problem}").format(problem=err))
        print("  " + _("corners: {corners}").format(corners=doc.get("corners")))


def run(args, ctx) -> int:
    from ..errors import InvalidInput
    from ..ocr import read_file

    all_valid = True
    worst = 0
    for path in args.images:
        t0 = time.perf_counter()
        error = None
        try:
            reads = read_file(path)
        except InvalidInput as exc:
            reads, error = [], exc.message
            worst = 2
        ms = (time.perf_counter() - t0) * 1000.0
        rec = _record(path, reads, ms)
        if error:
            rec["error"] = error
        valid = bool(reads) and any(r.valid for r in reads)
        all_valid &= valid
        if args.json:
            print(json.dumps(rec, ensure_ascii=False, default=str))
        else:
            _print_text(rec, error)
        sys.stdout.flush()
    if all_valid:
        return 0
    return worst or 1
