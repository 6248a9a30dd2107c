"""zxing-cpp backend (the primary decoder)."""

from __future__ import annotations

from typing import Any

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


class FrameDecoder:
    """Live video (one decoder per camera; not thread-safe: it reuses its buffers).

    Budget: a 1280x720 frame in <= 30 ms on a low-spec laptop, with or without a code in it.
    What a noisy frame costs (measured, see ``benchmarks/bench_barcodes.py``): QR ~5 ms,
    PDF417 with rotation ~17 ms, DataMatrix+Aztec with rotation ~32 ms (the DataMatrix
    detector chases every L-shape it sees in the noise), Code 128/39 ~15 ms. So:

    * QR codes (certificates, slips) are searched in every frame, on the full frame.
    * the other formats in turn, one group per frame, each on the image that suits it:
      PDF417 and DataMatrix/Aztec on a half-size frame (their modules stay >= 2 px at
      document distance; area averaging also smooths the sensor noise that makes the
      detectors slow); Code 128/39 on a frame squeezed vertically only (bars are vertical,
      so the horizontal resolution a 1D code needs is kept, at half the rows).
    * small codes (modules under 2 px) are caught by full-resolution passes *without*
      zxing-cpp's try_rotate (~5 ms instead of ~30 ms): DataMatrix in any orientation anyway,
      PDF417 upright and, on the 1D turn, on the frame turned by 90 degrees; and when a reduced
      pass *detects* a symbol it cannot decode, that region alone is read at full resolution.
    * a turn stops at the first pass that reads its formats (no full-resolution pass once the
      half-size pass has read the PDF417).

    The grey frame is converted once by the caller and the reduced images are written into
    buffers reused from frame to frame.
    """

    # One turn per frame; a turn is a list of passes (formats, image, try_rotate, try_downscale).
    # Images: "full" frame, "half" size, "squeezed" (half the rows: for 1D codes, whose bars
    # are vertical), "turned" (full frame turned by 90 degrees: a rotated PDF417 without
    # zxing-cpp's costly try_rotate). A pass is skipped once an earlier pass of the turn has
    # read a code of its formats (early stop).
    GROUPS = (
        ((("PDF417",), "half", True, False), (("PDF417",), "full", False, False)),
        ((("DataMatrix", "Aztec"), "half", True, False), (("DataMatrix",), "full", False, True)),
        ((("Code128", "Code39"), "squeezed", False, True), (("PDF417",), "turned", False, False)),
    )
    _SCALE = {"full": (1, 1), "half": (2, 2), "squeezed": (1, 2)}

    def __init__(self):
        self._turn = 0
        self._buffers: dict[tuple, Any] = {}     # numpy images, reused between frames
        self._qr: Any = None                      # zxingcpp's formats, resolved on first use
        self._groups: Any = None

    def _resolve(self):
        import zxingcpp as z

        self._qr = (z.BarcodeFormat.QRCode, z.BarcodeFormat.MicroQRCode)
        self._groups = tuple(tuple((names, tuple(getattr(z.BarcodeFormat, n) for n in names), *options)
                                   for names, *options in turn) for turn in self.GROUPS)

    def _image(self, gray, kind: str):
        """The pass's image, written into a buffer reused from frame to frame."""
        import cv2

        if kind == "full":
            return gray
        h, w = gray.shape
        key = (kind, w, h)
        buf = self._buffers.get(key)
        if kind == "turned":
            if buf is None:
                buf = self._buffers[key] = cv2.rotate(gray, cv2.ROTATE_90_CLOCKWISE)
                return buf
            return cv2.rotate(gray, cv2.ROTATE_90_CLOCKWISE, dst=buf)
        sx, sy = self._SCALE[kind]
        size = (w // sx, h // sy)
        if buf is None:
            buf = self._buffers[key] = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
            return buf
        return cv2.resize(gray, size, dst=buf, interpolation=cv2.INTER_AREA)

    def decode(self, gray) -> list[Barcode]:
        import zxingcpp as z

        if self._groups is None:
            self._resolve()
        plain = z.TextMode.Plain
        codes = _convert(z.read_barcodes(gray, formats=self._qr, text_mode=plain, try_invert=False))
        turn = self._groups[self._turn % len(self._groups)]
        self._turn += 1
        done: set[str] = set()
        for names, formats, kind, rotate, downscale in turn:
            if done.intersection(names):
                continue
            image = self._image(gray, kind)
            seen = z.read_barcodes(image, formats=formats, text_mode=plain, try_invert=False, try_rotate=rotate,
                                   try_downscale=downscale, return_errors=True)
            good = _convert(r for r in seen if r.valid)
            if kind == "turned":
                top = gray.shape[0] - 1
                read = [Barcode(c.format, c.text, c.bytes, [(y, top - x) for x, y in c.position], c.backend, c.extra)
                        for c in good]
            else:
                sx, sy = self._SCALE[kind]
                read = _scaled(good, sx, sy)
                failed = [r for r in seen if not r.valid]
                if failed and kind != "full":
                    read += self._full_resolution(gray, failed, formats, rotate, sx, sy)
            if read:
                codes += read
                done.update(names)
        return _unique(codes)

    @staticmethod
    def _full_resolution(gray, failed, formats, rotate, sx, sy) -> list[Barcode]:
        """Read again, at full resolution, the region where a reduced pass saw a symbol."""
        import numpy as np
        import zxingcpp as z

        h, w = gray.shape[:2]
        xs, ys = [], []
        for r in failed[:4]:  # a few candidates at most: bounded time
            p = r.position
            for pt in (p.top_left, p.top_right, p.bottom_right, p.bottom_left):
                xs.append(pt.x * sx)
                ys.append(pt.y * sy)
        margin = max(32, (max(xs) - min(xs) + max(ys) - min(ys)) // 4)
        x0, x1 = max(0, min(xs) - margin), min(w, max(xs) + margin)
        y0, y1 = max(0, min(ys) - margin), min(h, max(ys) + margin)
        if x1 - x0 < 8 or y1 - y0 < 8:
            return []
        crop = np.ascontiguousarray(gray[y0:y1, x0:x1])
        results = z.read_barcodes(crop, formats=formats, text_mode=z.TextMode.Plain, try_invert=False,
                                  try_rotate=rotate)
        return [Barcode(c.format, c.text, c.bytes, [(x + x0, y + y0) for x, y in c.position], c.backend, c.extra)
                for c in _convert(results)]


def _scaled(codes: list[Barcode], sx: float, sy: float) -> list[Barcode]:
    if sx == sy == 1:
        return codes
    return [Barcode(c.format, c.text, c.bytes, [(round(x * sx), round(y * sy)) for x, y in c.position], c.backend,
                    c.extra) for c in codes]


def _unique(codes: list[Barcode]) -> list[Barcode]:
    seen, out = set(), []
    for c in codes:
        key = (c.format, c.bytes)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


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
                codes = [Barcode(c.format, c.text, c.bytes,
                                 [(round(x * scale), round(y * scale)) for x, y in c.position],
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
