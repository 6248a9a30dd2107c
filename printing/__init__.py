"""PDF output (reportlab): attestation slips and period reports. Returns bytes; no Qt, no db."""

from __future__ import annotations

__all__ = ["SlipData", "render_slip", "compute_report", "render_report", "ReportData"]


def __getattr__(name: str):
    if name in ("SlipData", "render_slip"):
        from . import slips

        return getattr(slips, name)
    if name in ("compute_report", "ReportData"):
        from . import reports

        return getattr(reports, name)
    if name == "render_report":
        from . import report_render

        return report_render.render_report
    raise AttributeError(name)
