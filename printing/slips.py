"""Attestation slips (registration, health screening) as PDF bytes, drawn with reportlab.

Three sizes: ``80mm`` (thermal roll: 80 mm wide, as long as the content), ``a6`` and
``a4`` (one page). Bilingual by default (French first, then English), the signed QR code
(see :mod:`border_app.slip_payload`), the photo when there is one (else a clean empty
frame), the DÉMO mark on demo slips and DUPLICATA on reprints. Never the medical details
of a screening: only its outcome label.

Text never disappears: long names wrap, then shrink, and at the smallest size take as many
lines as they need; characters the font cannot draw print as U+FFFD (�) with a notice.

Rendering only: the caller builds the :class:`border_app.slip_data.SlipData` and signs it
(:func:`border_app.slip_data.sign_slip_data`), then passes the signed code to
:func:`render_slip`. Modules: ``slip_text`` (bilingual texts), ``slip_photo``,
``slip_draw`` (drawing operations, QR modules, watermark), ``slip_blocks`` (styles and
blocks), ``slip_layout`` (roll and card layouts) and this one (checks and the PDF).

No Qt, no database: the UI previews and prints the returned bytes; the CLI saves them.
"""

from __future__ import annotations

import io

from reportlab.pdfgen import canvas

from border_app.errors import InvalidInput
from border_app.i18n import LANGUAGES, _, gettext
from border_app.slip_data import SLIP_KINDS, SLIP_SIZES, SlipData

from . import fonts
from .fonts import REGULAR
from .slip_blocks import PAGE_SIZES, serial_lines
from .slip_draw import demo_watermark, qr_matrix
from .slip_layout import layout_card, layout_roll
from .slip_photo import prepare_photo
from .slip_text import TITLES

SIZES = SLIP_SIZES

__all__ = ["PAGE_SIZES", "SIZES", "SLIP_KINDS", "SlipData", "render_slip", "serial_lines"]


def check_args(kind: str, size: str, languages: tuple[str, ...], qr_text: str) -> tuple[str, ...]:
    if kind not in SLIP_KINDS:
        raise InvalidInput(_("Unknown slip kind: {kind}").format(kind=kind))
    if size not in SIZES:
        raise InvalidInput(_("Unknown slip size: {size} (80mm, a6 or a4)").format(size=size))
    languages = tuple(dict.fromkeys(languages))
    if not languages or any(lang not in LANGUAGES for lang in languages):
        raise InvalidInput(_("Slip languages must be among: {languages}").format(languages=", ".join(LANGUAGES)))
    if not qr_text:
        raise InvalidInput(_("A slip needs its signed code."))
    return languages


def render_slip(data: SlipData, *, kind: str, size: str, languages: tuple[str, ...] = ("fr", "en"), demo: bool,
                duplicate: bool = False, qr_text: str) -> bytes:
    """Render one slip; returns the PDF bytes (one page).

    ``kind``: ``registration`` | ``screening``; ``size``: ``80mm`` | ``a6`` | ``a4``;
    ``qr_text``: the signed code, from :func:`border_app.slip_data.sign_slip_data`
    (rendering never signs: it draws the code it is given).
    """
    languages = check_args(kind, size, tuple(languages), qr_text)
    fonts.register_fonts()
    matrix = qr_matrix(qr_text)
    photo = prepare_photo(data.photo)
    if size == "80mm":
        ops, page_w, page_h = layout_roll(data, kind, languages, photo, matrix, demo=demo, duplicate=duplicate)
    else:
        ops, page_w, page_h = layout_card(size, data, kind, languages, photo, matrix, demo=demo,
                                          duplicate=duplicate)
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(page_w, page_h), pageCompression=1, invariant=0,
                      initialFontName=REGULAR,  # type: ignore[arg-type]  # stubs: float, not a font name
                      initialFontSize=9)
    title = gettext(TITLES[kind], languages[0])
    c.setTitle(("DÉMO – " if demo else "") + title + " " + data.serial)
    c.setAuthor(data.post_name)
    c.setCreator("HHBM border-app")
    mark_box = None
    if ops.mark_box is not None:
        mx, mtop, mw, mh = ops.mark_box
        mark_box = (mx, page_h - mtop - mh, mw, mh)
    if size != "80mm" and page_h > PAGE_SIZES[size][1]:
        # content taller than the page (absurdly long texts): scale it down, never cut
        target_w, target_h = PAGE_SIZES[size]
        scale = target_h / page_h
        c.setPageSize((target_w, target_h))
        c.saveState()
        c.translate((target_w - page_w * scale) / 2, 0)
        c.scale(scale, scale)
        ops.draw(c, page_h)
        if demo and mark_box:
            demo_watermark(c, mark_box)
        c.restoreState()
    else:
        ops.draw(c, page_h)
        if demo and mark_box:
            demo_watermark(c, mark_box)
    c.showPage()
    c.save()
    return buffer.getvalue()
