"""The period report as a PDF (reportlab): tables, charts, marks. No Qt, no database."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from border_app.clock import post_time
from border_app.errors import InvalidInput
from border_app.i18n import N_, _, gettext

from . import fonts
from .fonts import BOLD, REGULAR
from .reports import AGE_GROUPS, NOT_SCREENED, OTHER, SEXES, ReportData


# ---------------------------------------------------------------------------- labels

SEX_LABELS = {"F": N_("Women"), "M": N_("Men"), "X": N_("Unspecified"), "unknown": N_("Unknown")}
AGE_LABELS = {"0-4": N_("0-4 years"), "5-17": N_("5-17 years"), "18-59": N_("18-59 years"),
              "60+": N_("60 years and over"), "unknown": N_("Age unknown")}


def _label_direction(key: str, lang: str) -> str:
    from border_app.model import DIRECTION_LABELS, Direction

    try:
        return gettext(DIRECTION_LABELS[Direction(key)], lang)
    except ValueError:
        return key


def _label_country(key: str, lang: str) -> str:
    if key == OTHER:
        return gettext(N_("Other nationalities"), lang)
    if key == "unknown":
        return gettext(N_("Nationality unknown"), lang)
    try:
        from border_app.countries import name

        return name(key, lang)
    except Exception:
        return key


def _label_outcome(key: str, lang: str) -> str:
    if key == NOT_SCREENED:
        return gettext(N_("Not screened"), lang)
    try:
        from border_app.screening.model import OUTCOME_LABELS, Outcome

        return gettext(OUTCOME_LABELS[Outcome(key)], lang)
    except Exception:
        return key


def _fmt_date(d: date) -> str:
    return d.strftime("%d/%m/%Y")


# ---------------------------------------------------------------------------- render

def _styles():
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    # borderPadding as (top, right, bottom, left): reportlab takes it, its stubs know only a float
    padding: Any = (3, 4, 3, 4)
    return {
        "title": ParagraphStyle("t", fontName=BOLD, fontSize=16, leading=20, spaceAfter=4),
        "h2": ParagraphStyle("h2", fontName=BOLD, fontSize=12, leading=15, spaceBefore=10, spaceAfter=4),
        "body": ParagraphStyle("b", fontName=REGULAR, fontSize=9, leading=12),
        "small": ParagraphStyle("s", fontName=REGULAR, fontSize=7.5, leading=9.5),
        "confidential": ParagraphStyle("c", fontName=BOLD, fontSize=11, leading=14, textColor=colors.white,
                                       backColor=colors.HexColor("#B00020"), borderPadding=padding, spaceAfter=8),
        "kind": ParagraphStyle("k", fontName=BOLD, fontSize=9, leading=12, spaceAfter=2),
        "demo": ParagraphStyle("d", fontName=BOLD, fontSize=11, leading=14, textColor=colors.white,
                               backColor=colors.black, borderPadding=padding, spaceAfter=8),
    }


def _p(text: str, style) -> Any:
    from reportlab.platypus import Paragraph
    from xml.sax.saxutils import escape

    shown, _replaced = fonts.printable(text, style.fontName)
    return Paragraph(escape(shown), style)


def _table(rows: list[list[str]], widths: list[float], *, header: bool = True, total_row: bool = False):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    rows = [[fonts.printable(str(v))[0] for v in row] for row in rows]
    t = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), REGULAR, 8.5),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#BBBBBB")),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    if header:
        style += [("FONT", (0, 0), (-1, 0), BOLD, 8.5), ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                  ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE"))]
    if total_row:
        style += [("FONT", (0, -1), (-1, -1), BOLD, 8.5), ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black)]
    t.setStyle(TableStyle(style))
    return t


def _bar_chart_days(data: ReportData, lang: str, width: float):
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    rows = data.by_day
    days = len(rows)
    height = 150
    d = Drawing(width, height + 30)
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 30
    chart.width, chart.height = width - 40, height - 20  # type: ignore[assignment]  # stubs: int only
    # a day whose entries and exits are both hidden but whose total is shown: one grey bar
    # of the total (never total minus a shown part: the line rule leaves no such day)
    split_hidden = [r.total.value if r.entries.value is None and r.exits.value is None and r.total.value else 0
                    for r in rows]
    chart.data = [[r.entries.plotted for r in rows], [r.exits.plotted for r in rows], split_hidden]
    chart.categoryAxis.style = "stacked"
    step = max(1, (days + 15) // 16)
    chart.categoryAxis.categoryNames = [r.day.strftime("%d/%m") if i % step == 0 else "" for i, r in enumerate(rows)]
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.angle = 45 if days > 10 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if days > 10 else "n"
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    peak = max([r.entries.plotted + r.exits.plotted + h for r, h in zip(rows, split_hidden, strict=True)] + [1])
    chart.valueAxis.valueMax = peak * 1.1 + 1
    chart.valueAxis.valueStep = _nice_step(peak)
    chart.bars[0].fillColor = colors.HexColor("#1f4e79")
    chart.bars[1].fillColor = colors.HexColor("#9dc3e6")
    chart.bars[2].fillColor = colors.HexColor("#bdbdbd")
    chart.bars.strokeWidth = 0
    chart.bars.strokeColor = None
    chart.barSpacing = 0.5  # type: ignore[assignment]  # stubs: int only
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = 40, height + 22
    legend.fontName, legend.fontSize = REGULAR, 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.colorNamePairs = [(colors.HexColor("#1f4e79"), _label_direction("entry", lang)),
                             (colors.HexColor("#9dc3e6"), _label_direction("exit", lang))]
    if any(split_hidden):
        legend.colorNamePairs.append((colors.HexColor("#bdbdbd"),
                                      fonts.printable(gettext(N_("Total (split hidden)"), lang))[0]))
    d.add(legend)
    return d


def _nice_step(peak: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if peak / step <= 8:
            return step
    return max(1, peak // 8)


def _hbar_chart(labels: list[str], values: list[int], width: float, color: str):
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    n = max(1, len(values))
    height = 14 * n + 20
    d = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 110, 15
    chart.width, chart.height = width - 130, height - 20  # type: ignore[assignment]  # stubs: int only
    chart.data = [list(reversed(values)) or [0]]
    chart.categoryAxis.categoryNames = [fonts.printable(x)[0][:28] for x in reversed(labels)] or [""]
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 7.5
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    peak = max(values + [1])
    chart.valueAxis.valueMax = peak * 1.1 + 1
    chart.valueAxis.valueStep = _nice_step(peak)
    chart.bars[0].fillColor = colors.HexColor(color)
    chart.bars.strokeWidth = 0
    chart.bars.strokeColor = None
    d.add(chart)
    return d


OUTCOME_COLOURS = {"cleared": "#2e7d32", "secondary": "#f9a825", "referral": "#ef6c00", "isolation": "#c62828",
                   NOT_SCREENED: "#9e9e9e"}


def _pie(labels: list[str], values: list[int], width: float, keys: list[str] | None = None):
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.charts.piecharts import Pie
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    palette = ["#2e7d32", "#f9a825", "#ef6c00", "#c62828", "#9e9e9e", "#5c6bc0", "#8d6e63"]
    d = Drawing(width, 130)
    if sum(values) == 0:
        d.add(String(10, 60, fonts.printable(_("No data to plot"))[0], fontName=REGULAR, fontSize=8))
        return d
    pie = Pie()
    pie.x, pie.y, pie.width, pie.height = 10, 10, 110, 110
    pie.data = values
    pie.labels = None
    pie.slices.strokeWidth = 0.5
    pie.slices.strokeColor = colors.white
    keys = keys or [""] * len(values)
    fills = [OUTCOME_COLOURS.get(keys[i]) or palette[i % len(palette)] for i in range(len(values))]
    for i in range(len(values)):
        pie.slices[i].fillColor = colors.HexColor(fills[i])
    d.add(pie)
    legend = Legend()
    legend.x, legend.y = 140, 110
    legend.fontName, legend.fontSize = REGULAR, 8
    legend.alignment = "right"
    legend.columnMaximum = 10
    legend.colorNamePairs = [(colors.HexColor(fills[i]), fonts.printable(labels[i])[0]) for i in range(len(values))]
    d.add(legend)
    return d


def render_report(data: ReportData, *, language: str = "fr", post: Any, demo: bool) -> bytes:
    """The report as PDF bytes (A4, one language). ``post``: a ``border_app.model.Post`` or
    a post name."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer

    if language not in ("fr", "en"):
        raise InvalidInput(_("Unknown language: {language}").format(language=language))
    fonts.register_fonts()
    L = lambda message: gettext(message, language)  # noqa: E731
    post_name = getattr(post, "name", None) or str(post)
    pcode = getattr(post, "pcode", None)
    st = _styles()
    width = A4[0] - 36 * mm

    story: list[Any] = []
    if demo:
        story.append(_p(L(N_("DEMO – fictitious data, not for publication")), st["demo"]))
    internal = getattr(data, "kind", "shared") == "internal"
    confidential = L(N_("CONFIDENTIAL"))
    if internal:
        story.append(_p(confidential + " – " + L(N_("internal report: exact counts, not to be shared outside "
                                                     "the service")), st["confidential"]))
    story.append(_p(L(N_("Crossings report")), st["title"]))
    if internal:
        story.append(_p(L(N_("Internal report (exact counts)")), st["kind"]))
    else:
        story.append(_p(L(N_("Report for sharing (small counts hidden)")) if data.threshold > 1
                        else L(N_("Report for sharing")), st["kind"]))
    post_line = post_name + (" (" + L(N_("P-code: {pcode}")).format(pcode=pcode) + ")" if pcode else "")
    story.append(_p(post_line, st["body"]))
    story.append(_p(L(N_("Period: {start} to {end}")).format(start=_fmt_date(data.date_from),
                                                              end=_fmt_date(data.date_to)), st["body"]))
    story.append(_p(L(N_("Produced on {date}")).format(
        date=post_time(data.generated_at).strftime("%d/%m/%Y %H:%M")), st["small"]))
    if data.threshold > 1:
        story.append(_p(L(N_("To protect travellers, counts from 1 to {max} are shown as \"<{threshold}\" "
                             "and drawn as 0 in the charts.")).format(max=data.threshold - 1,
                                                                      threshold=data.threshold), st["small"]))
        story.append(_p(L(N_("\"x\" marks a count hidden so that a small count cannot be worked out by "
                             "subtraction from a total; it is also drawn as 0.")), st["small"]))
    story.append(_p(L(N_("Counts are registered crossings (voided registrations are excluded).")), st["small"]))

    story.append(_p(L(N_("Summary")), st["h2"]))
    entries, exits = data.by_direction
    story.append(_table([
        [L(N_("Indicator")), L(N_("Count"))],
        [L(N_("Crossings")), data.total.text],
        [_label_direction("entry", language), entries.text],
        [_label_direction("exit", language), exits.text],
        [L(N_("Screened")), data.screened.text],
        [L(N_("Referrals")), data.referrals.text],
    ], [width * 0.6, width * 0.2]))

    story.append(_p(L(N_("Crossings by day")), st["h2"]))
    story.append(_bar_chart_days(data, language, width))
    rows = [[L(N_("Day")), _label_direction("entry", language), _label_direction("exit", language), L(N_("Total"))]]
    rows += [[_fmt_date(r.day), r.entries.text, r.exits.text, r.total.text] for r in data.by_day]
    story.append(Spacer(1, 4))
    story.append(_table(rows, [width * 0.3, width * 0.2, width * 0.2, width * 0.2]))

    nat_labels = [_label_country(c.key, language) for c in data.by_nationality]
    story.append(KeepTogether([
        _p(L(N_("Crossings by nationality")), st["h2"]),
        _hbar_chart(nat_labels, [c.plotted for c in data.by_nationality], width, "#1f4e79"),
        _table([[L(N_("Nationality")), L(N_("Count"))]] +
               [[label, c.text] for label, c in zip(nat_labels, data.by_nationality, strict=True)],
               [width * 0.6, width * 0.2]),
    ]))

    age_labels = [L(AGE_LABELS[g]) for g in AGE_GROUPS]
    sex_rows = [[L(N_("Age group"))] + [L(SEX_LABELS[s]) for s in SEXES] + [L(N_("Total"))]]
    for i in range(len(AGE_GROUPS)):
        sex_rows.append([age_labels[i]] + [data.by_sex_age[s][i].text for s in SEXES] + [data.by_age_group[i].text])
    sex_rows.append([L(N_("Total"))] + [c.text for c in data.by_sex] + [data.total.text])
    story.append(KeepTogether([
        _p(L(N_("Crossings by sex and age group")), st["h2"]),
        _hbar_chart(age_labels, [c.plotted for c in data.by_age_group], width, "#2e75b6"),
        _table(sex_rows, [width * 0.28] + [width * 0.13] * 5, total_row=True),
    ]))

    out_labels = [_label_outcome(c.key, language) for c in data.by_outcome]
    story.append(KeepTogether([
        _p(L(N_("Health screening outcomes")), st["h2"]),
        _pie(out_labels, [c.plotted for c in data.by_outcome], width, [c.key for c in data.by_outcome]),
        _table([[L(N_("Outcome")), L(N_("Count"))]] +
               [[label, c.text] for label, c in zip(out_labels, data.by_outcome, strict=True)],
               [width * 0.6, width * 0.2]),
    ]))

    dir_rows = [[L(N_("Direction")), L(N_("Referrals"))]]
    dir_rows += [[_label_direction(c.key, language), c.text] for c in data.referrals_by_direction]
    dir_rows.append([L(N_("Total")), data.referrals.text])
    age_rows = [[L(N_("Age group")), L(N_("Referrals"))]]
    age_rows += [[age_labels[i], c.text] for i, c in enumerate(data.referrals_by_age_group)]
    age_rows.append([L(N_("Total")), data.referrals.text])
    story.append(KeepTogether([
        _p(L(N_("Referrals (referral to a health facility or isolation)")), st["h2"]),
        _table(dir_rows, [width * 0.6, width * 0.2], total_row=True),
        Spacer(1, 6),
        _table(age_rows, [width * 0.6, width * 0.2], total_row=True),
    ]))

    footer_text = fonts.printable(post_name)[0]
    page_label = L(N_("Page {number}"))

    confidential_mark = fonts.printable(confidential + " – " + L(N_("internal report")), BOLD)[0]
    shared_mark = fonts.printable(L(N_("Report for sharing")), REGULAR)[0]

    def on_page(c, doc):
        c.saveState()
        c.setFont(REGULAR, 7.5)
        c.drawString(18 * mm, 10 * mm, footer_text + " – " + L(N_("Crossings report")) + " "
                     + _fmt_date(data.date_from) + " – " + _fmt_date(data.date_to))
        c.drawRightString(A4[0] - 18 * mm, 10 * mm, page_label.format(number=doc.page))
        if internal:
            c.setFont(BOLD, 10)
            c.setFillColorRGB(0.69, 0, 0.13)
            c.drawCentredString(A4[0] / 2, A4[1] - 10 * mm, confidential_mark)
            c.drawCentredString(A4[0] / 2, 5 * mm, confidential_mark)
            c.setFillColorRGB(0, 0, 0)
            c.setFont(REGULAR, 7.5)
        else:
            c.drawCentredString(A4[0] / 2, A4[1] - 10 * mm, shared_mark)
        if demo:
            c.translate(A4[0] / 2, A4[1] / 2)
            c.rotate(50)
            t = c.beginText()
            t.setTextRenderMode(1)
            t.setFont(BOLD, 150)
            t.setTextOrigin(-fonts.string_width("DÉMO", BOLD, 150) / 2, -50)
            t.textOut("DÉMO")
            c.setStrokeColorRGB(0.6, 0.6, 0.6)
            c.setLineWidth(1.5)
            c.drawText(t)
        c.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=18 * mm,
                            title=("DÉMO – " if demo else "") + (confidential + " – " if internal else "")
                            + L(N_("Crossings report")),
                            author=post_name, creator="HHBM border-app")
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
