"""Drawing a slip: the recorded drawing operations (:class:`Ops`, in top-down
coordinates, so a layout can measure before the page height is known), the QR code's
modules and the DÉMO watermark."""

from __future__ import annotations

import math

import numpy

from border_app.errors import InvalidInput
from border_app.i18n import _

from . import fonts
from .fonts import BOLD

import zxingcpp


class Ops:
    """Drawing operations in *top-down* coordinates (points from the top-left corner)."""

    def __init__(self) -> None:
        self.ops: list[tuple] = []
        self.replaced = False
        self.mark_box: tuple[float, float, float, float] | None = None  # x, top, w, h

    def text(self, x: float, y: float, text: str, font: str, size: float, align: str = "left",
             color: tuple[float, float, float] = (0, 0, 0)) -> None:
        shown, replaced = fonts.printable(text, font)
        self.replaced |= replaced
        self.ops.append(("text", x, y, shown, font, size, align, color))

    def rect(self, x, y, w, h, *, stroke=True, fill=None, width=0.8) -> None:
        self.ops.append(("rect", x, y, w, h, stroke, fill, width))

    def line(self, x1, y1, x2, y2, width=0.5) -> None:
        self.ops.append(("line", x1, y1, x2, y2, width))

    def image(self, reader, x, y, w, h) -> None:
        self.ops.append(("image", reader, x, y, w, h))

    def qr(self, matrix, x, y, module) -> None:
        self.ops.append(("qr", matrix, x, y, module))

    def draw(self, c, page_h: float) -> None:
        for op in self.ops:
            kind = op[0]
            if kind == "text":
                _, x, y, text, font, size, align, color = op
                c.setFillColorRGB(*color)
                c.setFont(font, size)
                if align == "center":
                    c.drawCentredString(x, page_h - y, text)
                elif align == "right":
                    c.drawRightString(x, page_h - y, text)
                else:
                    c.drawString(x, page_h - y, text)
            elif kind == "rect":
                _, x, y, w, h, stroke, fill, width = op
                c.setLineWidth(width)
                if fill is not None:
                    c.setFillColorRGB(*fill)
                c.rect(x, page_h - y - h, w, h, stroke=1 if stroke else 0, fill=1 if fill is not None else 0)
            elif kind == "line":
                _, x1, y1, x2, y2, width = op
                c.setLineWidth(width)
                c.line(x1, page_h - y1, x2, page_h - y2)
            elif kind == "image":
                _, reader, x, y, w, h = op
                c.drawImage(reader, x, page_h - y - h, w, h)
            elif kind == "qr":
                _, matrix, x, y, module = op
                c.setFillColorRGB(0, 0, 0)
                # one filled path of horizontal runs, written as raw PDF operators (fast)
                parts = ["q 0 g"]
                top = page_h - y
                for r, row in enumerate(matrix):
                    edges = numpy.flatnonzero(numpy.diff(numpy.concatenate(([0], row.view(numpy.int8), [0]))))
                    row_y = top - (r + 1) * module
                    for start, end in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True):
                        parts.append("%.3f %.3f %.3f %.3f re" % (x + start * module, row_y,
                                                                (end - start) * module, module))
                parts.append("f Q")
                c.addLiteral("\n".join(parts))
        c.setFillColorRGB(0, 0, 0)


def qr_matrix(qr_text: str):
    """The QR modules as a square numpy bool array (True = dark), error correction level M,
    no quiet zone.

    zxing-cpp's writer (C++, about 1 ms), else, with a zxing-cpp too old to write, segno (pure Python,
    about 40 ms because it scores the eight masks)."""
    if len(qr_text) > 2000:
        raise InvalidInput(_("The slip code is too long for a QR code."))
    try:
        code = zxingcpp.create_barcode(qr_text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
        return numpy.ascontiguousarray(numpy.asarray(code.to_image(scale=1, add_quiet_zones=False)) < 128)
    except (AttributeError, TypeError):  # older zxing-cpp without a writer
        pass
    except Exception as exc:
        raise InvalidInput(_("The slip code is too long for a QR code.")) from exc
    # Imported here: segno is only the fallback when zxing-cpp cannot write, and takes
    # about 35 ms to import (python -X importtime, 2-core development machine).
    import segno

    try:
        qr = segno.make(qr_text, error="m", micro=False, boost_error=False)
    except Exception as exc:  # segno.DataOverflowError and friends
        raise InvalidInput(_("The slip code is too long for a QR code.")) from exc
    return numpy.array([[bool(v) for v in row] for row in qr.matrix], dtype=bool)


def demo_watermark(c, box: tuple[float, float, float, float]) -> None:
    """A big outlined, slanted DÉMO over the identity fields (never over the QR code)."""
    bx, by, bw, bh = box
    c.saveState()
    c.translate(bx + bw / 2, by + bh / 2)
    angle = min(35.0, math.degrees(math.atan2(bh, bw)))
    c.rotate(angle)
    text = "DÉMO"
    size = bw * 0.3
    rad = math.radians(angle)
    # keep the rotated text inside the box
    while size > 8:
        w = fonts.string_width(text, BOLD, size)
        if w * math.sin(rad) + size * 0.75 * math.cos(rad) <= bh and w * math.cos(rad) <= bw:
            break
        size -= 2
    width = fonts.string_width(text, BOLD, size)
    t = c.beginText()
    t.setTextRenderMode(1)  # outline only: the slip stays readable under the mark
    t.setFont(BOLD, size)
    t.setTextOrigin(-width / 2, -size * 0.35)
    t.textOut(text)
    c.setStrokeColorRGB(0.45, 0.45, 0.45)
    c.setLineWidth(1.2)
    c.drawText(t)
    c.restoreState()
