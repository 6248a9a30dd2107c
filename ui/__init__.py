"""PySide6 user interface: thin screens over the domain (``border_app``) and the services
(``db``). Slow work runs off the GUI thread through :mod:`ui.ops`."""
