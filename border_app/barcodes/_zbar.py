"""ZBar backend through pyzbar (loaded lazily; absent library = no reads, never a crash)."""

from __future__ import annotations

import logging

from border_app.barcodes import Barcode

log = logging.getLogger(__name__)

_NAMES = {"QRCODE": "QRCode", "PDF417": "PDF417", "CODE128": "Code128", "CODE39": "Code39",
          "DATABAR": "DataBar", "EAN13": "EAN13", "I25": "ITF"}
_WANTED = ("QRCODE", "CODE128", "CODE39", "PDF417")
_broken = False


def decode(gray) -> list[Barcode]:
    global _broken
    if _broken:
        return []
    try:
        from pyzbar import pyzbar
    except (ImportError, OSError) as exc:  # pyzbar missing or libzbar0 missing
        log.info("ZBar backend unavailable: %s", exc)
        _broken = True
        return []
    _fix_orientation(pyzbar)
    symbols = [s for s in pyzbar.ZBarSymbol if s.name in _WANTED]
    try:
        results = pyzbar.decode(gray, symbols=symbols)
    except Exception:  # pragma: no cover - defensive: a C library error must not crash a scan
        log.exception("ZBar failed")
        return []
    out = []
    for r in results:
        data = bytes(r.data)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        corners = [(int(p.x), int(p.y)) for p in (r.polygon or [])]
        if len(corners) != 4:
            x, y, w, h = r.rect
            corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
        out.append(Barcode(format=_NAMES.get(r.type, r.type), text=text, bytes=data, position=corners,
                           backend="zbar"))
    return out


def _fix_orientation(pyzbar) -> None:
    """pyzbar declares zbar_symbol_get_orientation as unsigned; ZBar returns -1 (unknown)."""
    import ctypes

    func = getattr(pyzbar, "zbar_symbol_get_orientation", None)
    if func is not None and getattr(func, "restype", None) is ctypes.c_uint:
        func.restype = ctypes.c_int
