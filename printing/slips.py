"""Attestation slips (registration, health screening) as PDF bytes, drawn with reportlab.

Three sizes: ``80mm`` (thermal roll: 80 mm wide, as long as the content), ``a6`` and
``a4`` (one page). Bilingual by default (French first, then English), the signed QR code
(see :mod:`border_app.slip_payload`), the photo when there is one (else a clean empty
frame), the DÉMO mark on demo slips and DUPLICATA on reprints. Never the medical details
of a screening: only its outcome label.

Text never disappears: long names wrap, then shrink, and at the smallest size take as many
lines as they need; characters the font cannot draw print as U+FFFD (�) with a notice.

No Qt, no database: the UI previews and prints the returned bytes; the CLI saves them.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from border_app.clock import POST_UTC_OFFSET_MINUTES
from border_app.errors import InvalidInput
from border_app.i18n import LANGUAGES, N_, _, gettext

from . import fonts
from .fonts import BOLD, REGULAR, REPLACEMENT

log = logging.getLogger(__name__)

MM = 72.0 / 25.4
SIZES = ("80mm", "a6", "a4")
SLIP_KINDS = ("registration", "screening")
MAX_PHOTO_BYTES = 15 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
PHOTO_MAX_SIDE = 900  # pixels kept in the PDF (about 450 dpi at 50 mm)

TITLES = {
    "registration": N_("Registration attestation"),
    "screening": N_("Health screening attestation"),
}



@dataclass
class SlipData:
    """Everything a slip shows (pure data; build it from a Registration with
    :meth:`from_registration`)."""

    post_name: str
    issued_at: datetime                      # aware; printed in the post's local time
    serial: str
    surname: str
    given_names: str = ""
    post_pcode: str | None = None
    birth_date: str | None = None            # partial ISO
    birth_date_approximate: bool = False
    nationality: str | None = None           # ICAO code
    document_type: str | None = None         # border_app.model.DocumentType value
    document_number: str | None = None       # None: identity declared (no document)
    photo: bytes | None = None               # JPEG or PNG
    screening_outcome: str | None = None     # outcome code ("cleared", "referral"...)
    outcome_labels: dict[str, str] | None = None  # {lang: label}; else known codes' labels
    direction: str | None = None             # "entry" | "exit"
    record_id: str | None = None
    utc_offset_minutes: int = POST_UTC_OFFSET_MINUTES  # Niger: UTC+1 all year
    extra: dict[str, Any] = field(default_factory=dict)
    sex: str | None = None                   # "M", "F", "X": in the signed code (version 2)
    document_issuing_state: str | None = None  # ICAO code: the code's document fingerprint

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.surname.strip(), self.given_names.strip()) if part)

    @property
    def identity_declared(self) -> bool:
        return not self.document_number

    @classmethod
    def from_registration(cls, registration: Any, *, post_name: str, post_pcode: str | None, serial: str,
                          issued_at: datetime, photo: bytes | None = None,
                          screening_outcome: str | None = None) -> "SlipData":
        """Build from a :class:`border_app.model.Registration`."""
        person, document = registration.person, registration.document
        doc_type = None
        if document is not None:
            doc_type = getattr(document.doc_type, "value", document.doc_type)
        direction = registration.crossing.direction if registration.crossing else None
        return cls(
            post_name=post_name,
            post_pcode=post_pcode,
            issued_at=issued_at,
            serial=serial,
            surname=person.surname,
            given_names=person.given_names or "",
            birth_date=person.birth_date,
            birth_date_approximate=person.birth_date_approximate,
            nationality=person.nationality,
            document_type=doc_type,
            document_number=(document.number or None) if document is not None else None,
            photo=photo,
            screening_outcome=screening_outcome or registration.screening_outcome,
            direction=getattr(direction, "value", direction),
            record_id=registration.crossing_id,
            sex=getattr(person, "sex", None),
            document_issuing_state=getattr(document, "issuing_state", None) if document is not None else None,
        )


def payload_for(data: SlipData, *, kind: str, post_id: str, record_id: str | None = None):
    """The (unsigned) :class:`border_app.slip_payload.SlipPayload` for this slip: version 2
    (names, birth date, sex, outcome, date, post, a fingerprint of the document number;
    no record id, no number in clear)."""
    from border_app.slip_payload import new_payload

    document = None
    if not data.identity_declared:
        document = (data.document_type or "other", data.document_number or "")
    return new_payload(
        post_id=data.post_pcode or post_id,  # the p-code names the post in 8 characters (a UUID takes 16 bytes)
        post_name=data.post_name,
        name=data.full_name,
        birth_date=data.birth_date,
        birth_date_approximate=data.birth_date_approximate,
        sex=data.sex,
        document=document,
        issuing_state=data.document_issuing_state,
        kind=kind,
        outcome=data.screening_outcome if kind == "screening" else None,
        serial=data.serial,
        issued_at=data.issued_at,
    )


def make_slip(data: SlipData, *, kind: str, size: str, keys: Any, post_id: str, demo: bool,
              duplicate: bool = False, languages: tuple[str, ...] = ("fr", "en")) -> tuple[bytes, str]:
    """Sign the payload with ``keys`` and render: returns (PDF bytes, QR text)."""
    from border_app.slip_payload import sign_slip

    # a demo slip is signed as demo (also with a demo profile's key that predates the mark)
    qr_text = sign_slip(payload_for(data, kind=kind, post_id=post_id), keys, demo=demo)
    pdf = render_slip(data, kind=kind, size=size, languages=languages, demo=demo, duplicate=duplicate,
                      qr_text=qr_text)
    return pdf, qr_text


# ---------------------------------------------------------------------------- text helpers

def _bi(message: str, languages: tuple[str, ...], **fields: Any) -> str:
    """``message`` in every language, joined with " / " (duplicates removed)."""
    seen: list[str] = []
    for lang in languages:
        text = gettext(message, lang)
        if fields:
            text = text.format(**fields)
        if text not in seen:
            seen.append(text)
    return " / ".join(seen)


def _format_partial_date(value: str) -> str:
    parts = value.split("-")
    return "/".join(reversed(parts))


def birth_date_text(value: str | None, approximate: bool, languages: tuple[str, ...]) -> str:
    if not value:
        return _bi(N_("Unknown"), languages)
    shown = _format_partial_date(value)
    if approximate:
        return _bi(N_("about {date}"), languages, date=shown)
    return shown


def _country(code: str | None, languages: tuple[str, ...]) -> str:
    if not code:
        return _bi(N_("Unknown"), languages)
    names: list[str] = []
    for lang in languages:
        try:
            from border_app.countries import name

            text = name(code, lang)
        except Exception:  # module missing or odd code: show the code itself
            text = code
        if text not in names:
            names.append(text)
    return " / ".join(names)


def _document_type_label(value: str | None, lang: str) -> str:
    from border_app.model import DOCUMENT_TYPE_LABELS, DocumentType

    try:
        return gettext(DOCUMENT_TYPE_LABELS[DocumentType(value)], lang)
    except (ValueError, KeyError):
        return value or gettext(N_("Document"), lang)


def document_text(data: SlipData, languages: tuple[str, ...]) -> str:
    if data.identity_declared:
        return _bi(N_("Identity declared (no document)"), languages)
    labels: list[str] = []
    for lang in languages:
        label = _document_type_label(data.document_type, lang)
        if label not in labels:
            labels.append(label)
    return "{types} {number}".format(types=" / ".join(labels), number=data.document_number)


def outcome_text(data: SlipData, languages: tuple[str, ...]) -> str:
    code = data.screening_outcome
    if not code:
        return _bi(N_("Not screened"), languages)
    labels: list[str] = []
    for lang in languages:
        label = (data.outcome_labels or {}).get(lang)
        if not label:
            message = None
            try:  # the screening module owns the outcome codes and their labels
                from border_app.screening.model import OUTCOME_LABELS, Outcome

                message = OUTCOME_LABELS[Outcome(code)]
            except Exception:
                message = None
            label = gettext(message, lang) if message else code
        if label not in labels:
            labels.append(label)
    return " / ".join(labels)


def direction_text(value: str | None, languages: tuple[str, ...]) -> str | None:
    if not value:
        return None
    from border_app.model import DIRECTION_LABELS, Direction

    try:
        return _bi(DIRECTION_LABELS[Direction(value)], languages)
    except (ValueError, KeyError):
        return value


def issued_text(data: SlipData) -> str:
    at = data.issued_at
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    local = at.astimezone(timezone(timedelta(minutes=data.utc_offset_minutes)))
    hours, minutes = divmod(abs(data.utc_offset_minutes), 60)
    sign = "+" if data.utc_offset_minutes >= 0 else "-"
    offset = f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")
    return "{date} {time} ({offset})".format(date=local.strftime("%d/%m/%Y"), time=local.strftime("%H:%M"),
                                             offset=offset)


# ---------------------------------------------------------------------------- photo

def prepare_photo(photo: bytes | None) -> tuple[Any, float, float] | None | str:
    """A reportlab ImageReader and pixel size, ``None`` without photo, ``"bad"`` when the
    bytes are not a usable JPEG/PNG (bounded: size and pixel count are checked first)."""
    if not photo:
        return None
    if len(photo) > MAX_PHOTO_BYTES:
        return "bad"
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(photo))
        with img:
            if img.format not in ("JPEG", "PNG"):
                return "bad"
            width, height = img.size
            if width * height > MAX_PHOTO_PIXELS or width < 8 or height < 8:
                return "bad"
            if img.format == "JPEG" and max(width, height) <= PHOTO_MAX_SIDE and img.mode in ("RGB", "L"):
                return ImageReader(io.BytesIO(photo)), width, height
            img.load()
            small = img.convert("RGB")
            small.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            buffer = io.BytesIO()
            small.save(buffer, "JPEG", quality=88)
            buffer.seek(0)
            return ImageReader(buffer), small.size[0], small.size[1]
    except Exception:  # truncated or hostile file: the slip prints with an empty frame
        log.warning("photo unreadable; slip printed with an empty frame")
        return "bad"


# ---------------------------------------------------------------------------- layout ops

class _Ops:
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
        import numpy

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
                    for start, end in zip(edges[::2].tolist(), edges[1::2].tolist()):
                        parts.append("%.3f %.3f %.3f %.3f re" % (x + start * module, row_y,
                                                                (end - start) * module, module))
                parts.append("f Q")
                c.addLiteral("\n".join(parts))
        c.setFillColorRGB(0, 0, 0)


def _qr_matrix(qr_text: str):
    """The QR modules as a square numpy bool array (True = dark), error correction level M,
    no quiet zone.

    zxing-cpp's writer (C++, about 1 ms) when available, else segno (pure Python, about
    40 ms because it scores the eight masks)."""
    if len(qr_text) > 2000:
        raise InvalidInput(_("The slip code is too long for a QR code."))
    try:
        import zxingcpp

        code = zxingcpp.create_barcode(qr_text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
        import numpy

        return numpy.ascontiguousarray(numpy.asarray(code.to_image(scale=1, add_quiet_zones=False)) < 128)
    except (ImportError, AttributeError, TypeError):  # older zxing-cpp without a writer
        pass
    except Exception as exc:
        raise InvalidInput(_("The slip code is too long for a QR code.")) from exc
    import segno

    try:
        code = segno.make(qr_text, error="m", micro=False, boost_error=False)
    except Exception as exc:  # segno.DataOverflowError and friends
        raise InvalidInput(_("The slip code is too long for a QR code.")) from exc
    import numpy

    return numpy.array([[bool(v) for v in row] for row in code.matrix], dtype=bool)


# ---------------------------------------------------------------------------- shared blocks

@dataclass
class _Style:
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


_STYLES = {
    "80mm": _Style(margin=4 * MM, base=9.5, label=6.5, title=10.0, qr_mm=56, photo_w_mm=24, photo_h_mm=30,
                   gap=2.2, name_max_lines=2, name_min=7.0),
    "a6": _Style(margin=6 * MM, base=9.0, label=6.3, title=10.5, qr_mm=40, photo_w_mm=26, photo_h_mm=33,
                 gap=2.0, name_max_lines=2, name_min=6.5),
    "a4": _Style(margin=15 * MM, base=14.0, label=9.0, title=17.0, qr_mm=55, photo_w_mm=40, photo_h_mm=50,
                 gap=4.0, name_max_lines=2, name_min=9.0),
}
PAGE_SIZES = {"a6": (105 * MM, 148 * MM), "a4": (210 * MM, 297 * MM)}


def _banner(ops: _Ops, x: float, y: float, width: float, text: str, size: float, *, inverse: bool) -> float:
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


def _marks(ops: _Ops, x: float, y: float, width: float, st: _Style, *, demo: bool, duplicate: bool,
           languages: tuple[str, ...]) -> float:
    top = y
    if demo:
        y += _banner(ops, x, y, width, _bi(N_("DEMO – test slip, not valid"), languages), st.base * 1.05,
                     inverse=True) + 2
    if duplicate:
        y += _banner(ops, x, y, width, "DUPLICATA – " + _bi(N_("reprint"), languages), st.base * 1.05,
                     inverse=False) + 2
    return y - top


def _paragraph(ops: _Ops, x: float, y: float, width: float, text: str, font: str, size: float,
               align: str = "left", leading: float = 1.2) -> float:
    """Wrapped text with its first baseline at ``y + size``; returns the height used."""
    shown, replaced = fonts.printable(text, font)
    ops.replaced |= replaced
    lines = fonts.wrap(shown, font, size, width)
    ax = x + width / 2 if align == "center" else x
    for i, line in enumerate(lines):
        ops.text(ax, y + size + i * size * leading, line, font, size, align)
    return len(lines) * size * leading


def _field(ops: _Ops, x: float, y: float, width: float, label: str, value: str, st: _Style, *,
           name: bool = False, boxed: bool = False, serial: bool = False) -> float:
    """A label line and a bold value that wraps (a name shrinks first; a serial shrinks and
    breaks only after a hyphen); returns height."""
    h = _paragraph(ops, x, y, width, label, REGULAR, st.label, leading=1.15)
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


def _photo(ops: _Ops, photo: Any, x: float, y: float, w: float, h: float, st: _Style,
           languages: tuple[str, ...]) -> None:
    ops.rect(x, y, w, h, stroke=True, width=0.7)
    if photo is None:
        return
    if photo == "bad":
        _paragraph(ops, x + 2, y + h / 2 - st.label, w - 4, _bi(N_("Photo unreadable"), languages), REGULAR,
                   st.label * 0.9, align="center")
        return
    reader, pw, ph = photo
    scale = min((w - 2) / pw, (h - 2) / ph)
    iw, ih = pw * scale, ph * scale
    ops.image(reader, x + (w - iw) / 2, y + (h - ih) / 2, iw, ih)


def _fields(data: SlipData, kind: str, languages: tuple[str, ...]) -> list[tuple[str, str, dict]]:
    items = [
        (_bi(N_("Name"), languages), data.full_name or "?", {"name": True}),
        (_bi(N_("Date of birth"), languages),
         birth_date_text(data.birth_date, data.birth_date_approximate, languages), {}),
        (_bi(N_("Nationality"), languages), _country(data.nationality, languages), {}),
        (_bi(N_("Document"), languages), document_text(data, languages), {}),
    ]
    if kind == "screening":
        items.append((_bi(N_("Screening outcome"), languages), outcome_text(data, languages), {"boxed": True}))
    return items


def _notice(ops: _Ops, x: float, y: float, width: float, st: _Style, languages: tuple[str, ...]) -> float:
    return _paragraph(ops, x, y, width, "⚠ " + _bi(N_("Characters that cannot be printed are shown as {mark}."),
                                                   languages, mark=REPLACEMENT), REGULAR, st.label)


def _header(ops: _Ops, x: float, y: float, width: float, data: SlipData, kind: str, st: _Style,
            languages: tuple[str, ...], align: str) -> float:
    top = y
    y += _paragraph(ops, x, y, width, data.post_name, BOLD, st.base, align)
    if data.post_pcode:
        y += _paragraph(ops, x, y, width, "{label} {pcode}".format(label=_bi(N_("P-code"), languages), pcode=data.post_pcode), REGULAR,
                        st.label, align)
    y += 2
    ops.line(x, y, x + width, y, 0.8)
    y += 2
    for i, lang in enumerate(languages):
        text = gettext(TITLES[kind], lang).upper()
        y += _paragraph(ops, x, y, width, text, BOLD if i == 0 else REGULAR, st.title if i == 0 else st.title * 0.85,
                        align, leading=1.15)
    y += 2
    ops.line(x, y, x + width, y, 0.8)
    return y - top + 3


def _qr_caption(languages: tuple[str, ...]) -> str:
    return _bi(N_("Signed by the post: scan this code to check the attestation, even offline."), languages)


# ---------------------------------------------------------------------------- layouts

def _layout_roll(data: SlipData, kind: str, languages: tuple[str, ...], photo: Any, matrix, *, demo: bool,
                 duplicate: bool) -> tuple[_Ops, float, float]:
    st = _STYLES["80mm"]
    page_w = 80 * MM
    x, width = st.margin, page_w - 2 * st.margin
    ops = _Ops()
    y = st.margin
    y += _marks(ops, x, y, width, st, demo=demo, duplicate=duplicate, languages=languages)
    y += _header(ops, x, y, width, data, kind, st, languages, "center")

    pw, ph = st.photo_w_mm * MM, st.photo_h_mm * MM
    _photo(ops, photo, x, y, pw, ph, st, languages)
    sx, sw = x + pw + 3 * MM, width - pw - 3 * MM
    sy = y
    sy += _field(ops, sx, sy, sw, _bi(N_("No."), languages), data.serial, st, serial=True)
    sy += _field(ops, sx, sy, sw, _bi(N_("Date and time"), languages), issued_text(data), st)
    direction = direction_text(data.direction, languages)
    if direction:
        sy += _field(ops, sx, sy, sw, _bi(N_("Crossing"), languages), direction, st)
    y = max(y + ph, sy) + 2
    fields_top = y
    for label, value, opts in _fields(data, kind, languages):
        y += _field(ops, x, y, width, label, value, st, **opts)

    ops.mark_box = (x, fields_top, width, y - fields_top)
    y += 2
    module = st.qr_mm * MM / len(matrix)
    qr_w = module * len(matrix)
    y += 4 * module  # quiet zone
    ops.qr(matrix, (page_w - qr_w) / 2, y, module)
    y += qr_w + 4 * module
    y += _paragraph(ops, x, y, width, _qr_caption(languages), REGULAR, st.label, "center")
    if data.record_id:
        y += _paragraph(ops, x, y, width, "{label} {ref}".format(label=_bi(N_("Ref."), languages), ref=data.record_id), REGULAR,
                        st.label * 0.9, "center")
    if ops.replaced:
        y += 1
        y += _notice(ops, x, y, width, st, languages)
    y += st.margin + 2 * MM
    return ops, page_w, y


def _layout_card(size: str, data: SlipData, kind: str, languages: tuple[str, ...], photo: Any, matrix, *,
                 demo: bool, duplicate: bool) -> tuple[_Ops, float, float]:
    st = _STYLES[size]
    page_w, page_h = PAGE_SIZES[size]
    x, width = st.margin, page_w - 2 * st.margin
    ops = _Ops()
    y = st.margin
    y += _marks(ops, x, y, width, st, demo=demo, duplicate=duplicate, languages=languages)
    y += _header(ops, x, y, width, data, kind, st, languages, "left")

    pw, ph = st.photo_w_mm * MM, st.photo_h_mm * MM
    _photo(ops, photo, x + width - pw, y, pw, ph, st, languages)
    fw = width - pw - 4 * MM
    fy = fields_top = y
    fy += _field(ops, x, fy, fw, _bi(N_("No."), languages), data.serial, st, serial=True)
    fy += _field(ops, x, fy, fw, _bi(N_("Date and time"), languages), issued_text(data), st)
    direction = direction_text(data.direction, languages)
    if direction:
        fy += _field(ops, x, fy, fw, _bi(N_("Crossing"), languages), direction, st)
    for label, value, opts in _fields(data, kind, languages):
        fw_here = fw if fy < y + ph + 2 else width
        fy += _field(ops, x, fy, fw_here, label, value, st, **opts)
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
    ty += _paragraph(ops, tx, ty, tw, _qr_caption(languages), REGULAR, st.label * 1.1)
    if data.record_id:
        ty += 2
        ty += _paragraph(ops, tx, ty, tw, "{label} {ref}".format(label=_bi(N_("Ref."), languages), ref=data.record_id), REGULAR,
                         st.label)
    if ops.replaced:
        ty += 2
        ty += _notice(ops, tx, ty, tw, st, languages)
    y = max(qy + qr_w + quiet * 0.5, ty)
    return ops, page_w, page_h if y <= page_h - st.margin else y + st.margin


# ---------------------------------------------------------------------------- render

def _check_args(kind: str, size: str, languages: tuple[str, ...], qr_text: str) -> tuple[str, ...]:
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


def _demo_watermark(c, box: tuple[float, float, float, float]) -> None:
    """A big outlined, slanted DÉMO over the identity fields (never over the QR code)."""
    import math

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


def render_slip(data: SlipData, *, kind: str, size: str, languages: tuple[str, ...] = ("fr", "en"), demo: bool,
                duplicate: bool = False, qr_text: str) -> bytes:
    """Render one slip; returns the PDF bytes (one page).

    ``kind``: ``registration`` | ``screening``; ``size``: ``80mm`` | ``a6`` | ``a4``;
    ``qr_text``: the signed code from :func:`border_app.slip_payload.sign_slip`.
    """
    languages = _check_args(kind, size, tuple(languages), qr_text)
    from reportlab.pdfgen import canvas

    fonts.register_fonts()
    matrix = _qr_matrix(qr_text)
    photo = prepare_photo(data.photo)
    if size == "80mm":
        ops, page_w, page_h = _layout_roll(data, kind, languages, photo, matrix, demo=demo, duplicate=duplicate)
    else:
        ops, page_w, page_h = _layout_card(size, data, kind, languages, photo, matrix, demo=demo,
                                           duplicate=duplicate)
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(page_w, page_h), pageCompression=1, invariant=0,
                      initialFontName=REGULAR, initialFontSize=9)
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
            _demo_watermark(c, mark_box)
        c.restoreState()
    else:
        ops.draw(c, page_h)
        if demo and mark_box:
            _demo_watermark(c, mark_box)
    c.showPage()
    c.save()
    return buffer.getvalue()
