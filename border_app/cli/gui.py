"""Open the GUI (the only place the domain reaches for ``ui``, lazily)."""

from __future__ import annotations


def open_gui(ctx) -> int:
    from ui.app import run

    return run(demo=ctx.demo, language=getattr(ctx.args, "lang", None))
