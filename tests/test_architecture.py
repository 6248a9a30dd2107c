"""The layers' one-way arrows (docs/architecture.md), checked two ways: import-linter's
contracts in pyproject.toml (with no exemption) and fresh interpreters."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import border_app

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "BROKEN" not in result.stdout


def test_domain_imports_without_qt_sqlalchemy_or_reportlab():
    code = (
        "import sys, pkgutil, importlib, border_app\n"
        "for m in pkgutil.walk_packages(border_app.__path__, 'border_app.'):\n"
        "    if m.name.startswith(('border_app.cli', 'border_app.usecases')) or m.name == 'border_app.__main__':\n"
        "        continue\n"
        "    importlib.import_module(m.name)\n"
        "bad = [n for n in ('PySide6', 'sqlalchemy', 'reportlab', 'ui', 'db', 'printing') if n in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "", f"border_app pulled in: {result.stdout.strip()}"


def test_cli_parser_builds_without_importing_heavy_packages():
    code = (
        "import sys\n"
        "from border_app.cli import build_parser\n"
        "build_parser()\n"
        "print(','.join(n for n in ('PySide6', 'cv2', 'reportlab', 'sqlalchemy') if n in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "", f"CLI start-up imports: {result.stdout.strip()}"


#: the border_app modules that are not the domain: entry points and the application layer
NOT_DOMAIN = {"cli", "__main__", "usecases"}


def _contracts() -> list[dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["contracts"]


def test_importlinter_contracts_have_no_exemptions():
    for contract in _contracts():
        assert "ignore_imports" not in contract, contract["name"]
        assert "skip_descendants" not in contract, contract["name"]


def test_every_border_app_module_is_classified():
    """A new border_app module or subpackage must be named in the domain contract (or be
    one of the entry points or the application layer): else it would escape the rule."""
    domain = next(c for c in _contracts() if c["source_modules"] and "border_app.model" in c["source_modules"])
    listed = {name.removeprefix("border_app.") for name in domain["source_modules"]}
    present = {m.name for m in pkgutil.iter_modules(border_app.__path__)}
    assert present - NOT_DOMAIN - listed == set(), "add them to the domain contract in pyproject.toml"
    assert listed - present == set(), "the domain contract names modules that do not exist"
    assert {"border_app.usecases", "border_app.cli"} <= set(domain["forbidden_modules"])


def test_ui_never_imports_the_command_line():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "ui").rglob("*.py")
                 if "border_app.cli" in p.read_text(encoding="utf-8")]
    assert offenders == []
