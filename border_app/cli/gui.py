"""Open the GUI: the only place where the domain's entry point reaches for ``ui``, lazily,
so that every other command starts without Qt."""

from __future__ import annotations

import importlib


def open_gui(ctx) -> int:
    app = importlib.import_module("ui.app")  # loaded only when the GUI is asked for
    return app.run(demo=ctx.demo, language=getattr(ctx.args, "lang", None))
