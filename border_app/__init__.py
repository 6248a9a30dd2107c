"""HHBM border-post client: the domain core.

Pure Python, no Qt, no database and no printing imports (an import-linter contract in
pyproject.toml and tests/test_architecture.py enforce it). Only the entry modules
(``border_app.__main__`` and ``border_app.cli``) wire the packages together.
"""

__version__ = "0.1.0"
APP_NAME = "border-app"
