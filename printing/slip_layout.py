"""The two layouts of a slip: the thermal roll (80 mm wide, as long as the content) and
the A6/A4 card (one page; the caller scales content taller than the page)."""

from __future__ import annotations

from typing import Any

from border_app.i18n import N_
from border_app.slip_data import SlipData

from .fonts import REGULAR
from .slip_blocks import (MM, PAGE_SIZES, STYLES, header, identity_fields, marks, notice, paragraph, photo_frame,
                          text_field)
from .slip_draw import Ops
from .slip_text import bi, direction_text, issued_text, qr_caption


def layout_roll(data: SlipData, kind: str, languages: tuple[str, ...], photo: Any, matrix, *, demo: bool,
                 duplicate: bool) -> tuple[Ops, float, float]:
    st = STYLES["80mm"]
    page_w = 80 * MM
    x, width = st.margin, page_w - 2 * st.margin
    ops = Ops()
    y = st.margin
    y += marks(ops, x, y, width, st, demo=demo, duplicate=duplicate, languages=languages)
    y += header(ops, x, y, width, data, kind, st, languages, "center")

    pw, ph = st.photo_w_mm * MM, st.photo_h_mm * MM
    photo_frame(ops, photo, x, y, pw, ph, st, languages)
    sx, sw = x + pw + 3 * MM, width - pw - 3 * MM
    sy = y
    sy += text_field(ops, sx, sy, sw, bi(N_("No."), languages), data.serial, st, serial=True)
    sy += text_field(ops, sx, sy, sw, bi(N_("Date and time"), languages), issued_text(data), st)
    direction = direction_text(data.direction, languages)
    if direction:
        sy += text_field(ops, sx, sy, sw, bi(N_("Crossing"), languages), direction, st)
    y = max(y + ph, sy) + 2
    fields_top = y
    for label, value, opts in identity_fields(data, kind, languages):
        y += text_field(ops, x, y, width, label, value, st, **opts)

    ops.mark_box = (x, fields_top, width, y - fields_top)
    y += 2
    module = st.qr_mm * MM / len(matrix)
    qr_w = module * len(matrix)
    y += 4 * module  # quiet zone
    ops.qr(matrix, (page_w - qr_w) / 2, y, module)
    y += qr_w + 4 * module
    y += paragraph(ops, x, y, width, qr_caption(languages), REGULAR, st.label, "center")
    if data.record_id:
        y += paragraph(ops, x, y, width,
                       "{label} {ref}".format(label=bi(N_("Ref."), languages), ref=data.record_id), REGULAR,
                        st.label * 0.9, "center")
    if ops.replaced:
        y += 1
        y += notice(ops, x, y, width, st, languages)
    y += st.margin + 2 * MM
    return ops, page_w, y


def layout_card(size: str, data: SlipData, kind: str, languages: tuple[str, ...], photo: Any, matrix, *,
                 demo: bool, duplicate: bool) -> tuple[Ops, float, float]:
    st = STYLES[size]
    page_w, page_h = PAGE_SIZES[size]
    x, width = st.margin, page_w - 2 * st.margin
    ops = Ops()
    y = st.margin
    y += marks(ops, x, y, width, st, demo=demo, duplicate=duplicate, languages=languages)
    y += header(ops, x, y, width, data, kind, st, languages, "left")

    pw, ph = st.photo_w_mm * MM, st.photo_h_mm * MM
    photo_frame(ops, photo, x + width - pw, y, pw, ph, st, languages)
    fw = width - pw - 4 * MM
    fy = fields_top = y
    fy += text_field(ops, x, fy, fw, bi(N_("No."), languages), data.serial, st, serial=True)
    fy += text_field(ops, x, fy, fw, bi(N_("Date and time"), languages), issued_text(data), st)
    direction = direction_text(data.direction, languages)
    if direction:
        fy += text_field(ops, x, fy, fw, bi(N_("Crossing"), languages), direction, st)
    for label, value, opts in identity_fields(data, kind, languages):
        fw_here = fw if fy < y + ph + 2 else width
        fy += text_field(ops, x, fy, fw_here, label, value, st, **opts)
    y = max(fy, y + ph + 2)
    ops.mark_box = (x, fields_top, width, y - fields_top)
    ops.line(x, y, x + width, y, 0.5)
    y += 3

    module = st.qr_mm * MM / len(matrix)
    qr_w = module * len(matrix)
    quiet = 4 * module
    qy = y + quiet * 0.5
    ops.qr(matrix, x + quiet * 0.5, qy, module)
    tx = x + qr_w + quiet * 1.5
    tw = width - (tx - x)
    ty = qy
    ty += paragraph(ops, tx, ty, tw, qr_caption(languages), REGULAR, st.label * 1.1)
    if data.record_id:
        ty += 2
        ty += paragraph(ops, tx, ty, tw,
                        "{label} {ref}".format(label=bi(N_("Ref."), languages), ref=data.record_id), REGULAR,
                         st.label)
    if ops.replaced:
        ty += 2
        ty += notice(ops, tx, ty, tw, st, languages)
    y = max(qy + qr_w + quiet * 0.5, ty)
    return ops, page_w, page_h if y <= page_h - st.margin else y + st.margin
