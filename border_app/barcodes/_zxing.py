"""zxing-cpp backend (the primary decoder)."""

from __future__ import annotations

from border_app.barcodes import Barcode

_FORMAT_NAMES = {
    "QRCode": "QRCode", "MicroQRCode": "QRCode", "RMQRCode": "QRCode", "QRCodeModel1": "QRCode",
    "QRCodeModel2": "QRCode", "PDF417": "PDF417", "CompactPDF417": "PDF417", "MicroPDF417": "PDF417",
    "DataMatrix": "DataMatrix", "Aztec": "Aztec", "AztecCode": "Aztec", "AztecRune": "Aztec",
    "Code128": "Code128", "Code39": "Code39", "Code39Std": "Code39", "Code39Ext": "Code39",
}


_FORMATS = None


def _formats():
    global _FORMATS
    if _FORMATS is None:
        import zxingcpp as z

        wanted = ("QRCode", "MicroQRCode", "PDF417", "DataMatrix", "Aztec", "Code128", "Code39")
        _FORMATS = tuple(getattr(z.BarcodeFormat, name) for name in wanted)
    return _FORMATS


def _convert(results) -> list[Barcode]:
    out = []
    seen = set()
    for r in results:
        p = r.position
        corners = [(p.top_left.x, p.top_left.y), (p.top_right.x, p.top_right.y),
                   (p.bottom_right.x, p.bottom_right.y), (p.bottom_left.x, p.bottom_left.y)]
        name = getattr(r.format, "name", str(r.format))
        key = (name, bytes(r.bytes))
        if key in seen:
            continue
        seen.add(key)
        extra = dict(r.extra) if isinstance(getattr(r, "extra", None), dict) else {}
        extra["symbology"] = getattr(r, "symbology_identifier", "")
        out.append(Barcode(format=_FORMAT_NAMES.get(name, name), text=r.text, bytes=bytes(r.bytes),
                           position=corners, backend="zxing-cpp", extra=extra))
    return out


def decode_default(gray) -> list[Barcode]:
    import zxingcpp as z

    return _convert(z.read_barcodes(gray, text_mode=z.TextMode.Plain))


def decode_fast(gray) -> list[Barcode]:
    """One frame, every format in one call (about 5x slower than :class:`FrameDecoder`)."""
    import zxingcpp as z

    return _convert(z.read_barcodes(gray, formats=_formats(), text_mode=z.TextMode.Plain, try_invert=False))


class FrameDecoder:
    """Live video: QR codes (certificates, slips) are searched in every frame; the other
    formats in turn, one group per frame, so that a 1280x720 frame stays near 20 ms on a
    low-spec laptop while every format is still searched every few frames."""

    GROUPS = (("PDF417",), ("DataMatrix", "Aztec"), ("Code128", "Code39"))

    def __init__(self):
        self._turn = 0

    def decode(self, gray) -> list[Barcode]:
        import zxingcpp as z

        found = z.read_barcodes(gray, formats=(z.BarcodeFormat.QRCode, z.BarcodeFormat.MicroQRCode),
                                text_mode=z.TextMode.Plain, try_invert=False)
        group = self.GROUPS[self._turn % len(self.GROUPS)]
        self._turn += 1
        found += z.read_barcodes(gray, formats=tuple(getattr(z.BarcodeFormat, n) for n in group),
                                 text_mode=z.TextMode.Plain, try_invert=False, try_rotate=group != ("Code128", "Code39"))
        return _convert(found)


def _passes(gray):
    """Image variants and binarizers, cheapest first; used only while nothing was found."""
    import cv2
    import zxingcpp as z

    yield gray, z.Binarizer.LocalAverage
    yield gray, z.Binarizer.GlobalHistogram
    yield gray, z.Binarizer.FixedThreshold
    small = max(gray.shape) < 1200
    if small:
        up = cv2.resize(gray, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
        yield up, z.Binarizer.LocalAverage
        yield up, z.Binarizer.GlobalHistogram
    blurred = cv2.GaussianBlur(gray, (3, 3), 0)
    yield blurred, z.Binarizer.LocalAverage
    yield blurred, z.Binarizer.GlobalHistogram
    eq = cv2.equalizeHist(gray)
    yield eq, z.Binarizer.LocalAverage
    yield eq, z.Binarizer.FixedThreshold
    if max(gray.shape) > 400:
        down = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
        yield down, z.Binarizer.GlobalHistogram


def decode_thorough(gray) -> list[Barcode]:
    import zxingcpp as z

    formats = _formats()
    for image, binarizer in _passes(gray):
        results = z.read_barcodes(image, formats=formats, binarizer=binarizer, text_mode=z.TextMode.Plain,
                                  try_rotate=True, try_invert=True, try_downscale=True)
        if results:
            codes = _convert(results)
            scale = gray.shape[1] / image.shape[1]
            if scale != 1:
                codes = [Barcode(c.format, c.text, c.bytes, [(round(x * scale), round(y * scale)) for x, y in c.position],
                                 c.backend, c.extra) for c in codes]
            return codes
    # last resort: mirrored image (some printers / phone screens mirror codes)
    import cv2

    flipped = cv2.flip(gray, 1)
    results = z.read_barcodes(flipped, formats=formats, text_mode=z.TextMode.Plain)
    if results:
        w = gray.shape[1]
        return [Barcode(c.format, c.text, c.bytes, [(w - 1 - x, y) for x, y in c.position], c.backend,
                        {**c.extra, "mirrored": True}) for c in _convert(results)]
    return []
