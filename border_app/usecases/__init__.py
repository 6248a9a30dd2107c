"""The application layer: one module per use case, called by the GUI (``ui/``) and the
command line (``border_app/cli/``) alike.

A use case takes the open database, the acting (signed-in) user and the settings it needs,
does one thing a user asks for (register travellers from a file, issue a slip, write a
period report, ...) and returns plain results or raises the domain's
:class:`~border_app.errors.UserFacingError`\\ s, translated. It knows nothing of Qt or
argparse: screens keep only their widgets, CLI modules only their arguments and output.

Arrows (checked by import-linter, see ``docs/architecture.md``)::

    ui, border_app.cli  ->  border_app.usecases  ->  db, printing  ->  the domain (border_app.*)
"""
