"""The blocks a slip is made of, shared by the roll and card layouts: the style of each
size, the DÉMO and DUPLICATA banners, wrapped paragraphs, labelled fields (names shrink,
serials break only after a hyphen), the photo frame, the identity fields and the header."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from border_app.i18n import N_, gettext
from border_app.slip_data import SlipData

from . import fonts
from .fonts import BOLD, REGULAR, REPLACEMENT
from .slip_draw import Ops
from .slip_text import TITLES, bi, birth_date_text, country_text, document_text, outcome_text

MM = 72.0 / 25.4


@dataclass
class Style:
    margin: float
    base: float            # value font size
    label: float           # label font size
    title: float
    qr_mm: float
    photo_w_mm: float
    photo_h_mm: float
    gap: float             # vertical gap between fields (points)
    name_max_lines: int
    name_min: float


STYLES = {
    "80mm": Style(margin=4 * MM, base=9.5, label=6.5, title=10.0, qr_mm=56, photo_w_mm=24, photo_h_mm=30,
                   gap=2.2, name_max_lines=2, name_min=7.0),
    "a6": Style(margin=6 * MM, base=9.0, label=6.3, title=10.5, qr_mm=40, photo_w_mm=26, photo_h_mm=33,
                 gap=2.0, name_max_lines=2, name_min=6.5),
    "a4": Style(margin=15 * MM, base=14.0, label=9.0, title=17.0, qr_mm=55, photo_w_mm=40, photo_h_mm=50,
                 gap=4.0, name_max_lines=2, name_min=9.0),
}
PAGE_SIZES = {"a6": (105 * MM, 148 * MM), "a4": (210 * MM, 297 * MM)}


def _banner(ops: Ops, x: float, y: float, width: float, text: str, size: float, *, inverse: bool) -> float:
    lines, size = fonts.fit(fonts.printable(text, BOLD)[0], BOLD, size, width - 4, max_lines=2, min_size=5.5)
    height = len(lines) * size * 1.2 + size * 0.6
    if inverse:
        ops.rect(x, y, width, height, stroke=False, fill=(0, 0, 0))
    else:
        ops.rect(x, y, width, height, stroke=True, width=1.4)
    for i, line in enumerate(lines):
        ops.text(x + width / 2, y + size * 0.3 + (i + 1) * size * 1.2 - size * 0.22, line, BOLD, size, "center",
                 color=(1, 1, 1) if inverse else (0, 0, 0))
    return height


def marks(ops: Ops, x: float, y: float, width: float, st: Style, *, demo: bool, duplicate: bool,
           languages: tuple[str, ...]) -> float:
    top = y
    if demo:
        y += _banner(ops, x, y, width, bi(N_("DEMO – test slip, not valid"), languages), st.base * 1.05,
                     inverse=True) + 2
    if duplicate:
        y += _banner(ops, x, y, width, "DUPLICATA – " + bi(N_("reprint"), languages), st.base * 1.05,
                     inverse=False) + 2
    return y - top


def paragraph(ops: Ops, x: float, y: float, width: float, text: str, font: str, size: float,
               align: str = "left", leading: float = 1.2) -> float:
    """Wrapped text with its first baseline at ``y + size``; returns the height used."""
    shown, replaced = fonts.printable(text, font)
    ops.replaced |= replaced
    lines = fonts.wrap(shown, font, size, width)
    ax = x + width / 2 if align == "center" else x
    for i, line in enumerate(lines):
        ops.text(ax, y + size + i * size * leading, line, font, size, align)
    return len(lines) * size * leading


def text_field(ops: Ops, x: float, y: float, width: float, label: str, value: str, st: Style, *,
           name: bool = False, boxed: bool = False, serial: bool = False) -> float:
    """A label line and a bold value that wraps (a name shrinks first; a serial shrinks and
    breaks only after a hyphen); returns height."""
    h = paragraph(ops, x, y, width, label, REGULAR, st.label, leading=1.15)
    y += h + 0.6
    shown, replaced = fonts.printable(value, BOLD)
    ops.replaced |= replaced
    pad = 2.5 if boxed else 0.0
    if serial:
        lines, size = serial_lines(shown, BOLD, st.base, width - 2 * pad, min_size=st.name_min)
    elif name:
        lines, size = fonts.fit(shown, BOLD, st.base * 1.12, width - 2 * pad, max_lines=st.name_max_lines,
                                min_size=st.name_min)
    else:
        size = st.base * (1.1 if boxed else 1.0)
        lines = fonts.wrap(shown, BOLD, size, width - 2 * pad)
    block = len(lines) * size * 1.18 + 2 * pad
    if boxed:
        y += 1.5
        ops.rect(x, y - 0.5, width, block + 1, stroke=True, width=1.2)
    for i, line in enumerate(lines):
        ops.text(x + pad, y + pad + size * 0.92 + i * size * 1.18, line, BOLD, size)
    return h + 0.6 + block + st.gap + (2.5 if boxed else 0)


def serial_lines(serial: str, font: str, size: float, width: float, *, min_size: float
                 ) -> tuple[list[str], float]:
    """A serial (``NE006013-2026-000001``) never breaks inside a number: it shrinks to fit
    ``width`` (down to ``min_size``); only then does it break, and only after a hyphen
    (a part longer than the line at ``min_size`` stays whole and may overhang a little)."""
    serial = serial.strip()
    current = size
    while fonts.string_width(serial, font, current) > width and current > min_size:
        current = max(min_size, current - 0.25)
    if fonts.string_width(serial, font, current) <= width:
        return [serial], current
    parts = [p + "-" for p in serial.split("-")]
    parts[-1] = parts[-1][:-1]
    lines: list[str] = []
    for part in parts:
        if lines and fonts.string_width(lines[-1] + part, font, current) <= width:
            lines[-1] += part
        else:
            lines.append(part)
    return lines, current


def photo_frame(ops: Ops, photo: Any, x: float, y: float, w: float, h: float, st: Style,
           languages: tuple[str, ...]) -> None:
    ops.rect(x, y, w, h, stroke=True, width=0.7)
    if photo is None:
        return
    if photo == "bad":
        paragraph(ops, x + 2, y + h / 2 - st.label, w - 4, bi(N_("Photo unreadable"), languages), REGULAR,
                   st.label * 0.9, align="center")
        return
    reader, pw, ph = photo
    scale = min((w - 2) / pw, (h - 2) / ph)
    iw, ih = pw * scale, ph * scale
    ops.image(reader, x + (w - iw) / 2, y + (h - ih) / 2, iw, ih)


def identity_fields(data: SlipData, kind: str, languages: tuple[str, ...]) -> list[tuple[str, str, dict]]:
    items = [
        (bi(N_("Name"), languages), data.full_name or "?", {"name": True}),
        (bi(N_("Date of birth"), languages),
         birth_date_text(data.birth_date, data.birth_date_approximate, languages), {}),
        (bi(N_("Nationality"), languages), country_text(data.nationality, languages), {}),
        (bi(N_("Document"), languages), document_text(data, languages), {}),
    ]
    if kind == "screening":
        items.append((bi(N_("Screening outcome"), languages), outcome_text(data, languages), {"boxed": True}))
    return items


def notice(ops: Ops, x: float, y: float, width: float, st: Style, languages: tuple[str, ...]) -> float:
    return paragraph(ops, x, y, width, "⚠ " + bi(N_("Characters that cannot be printed are shown as {mark}."),
                                                   languages, mark=REPLACEMENT), REGULAR, st.label)


def header(ops: Ops, x: float, y: float, width: float, data: SlipData, kind: str, st: Style,
            languages: tuple[str, ...], align: str) -> float:
    top = y
    y += paragraph(ops, x, y, width, data.post_name, BOLD, st.base, align)
    if data.post_pcode:
        y += paragraph(ops, x, y, width,
                       "{label} {pcode}".format(label=bi(N_("P-code"), languages), pcode=data.post_pcode), REGULAR,
                        st.label, align)
    y += 2
    ops.line(x, y, x + width, y, 0.8)
    y += 2
    for i, lang in enumerate(languages):
        text = gettext(TITLES[kind], lang).upper()
        y += paragraph(ops, x, y, width, text, BOLD if i == 0 else REGULAR, st.title if i == 0 else st.title * 0.85,
                        align, leading=1.15)
    y += 2
    ops.line(x, y, x + width, y, 0.8)
    return y - top + 3
