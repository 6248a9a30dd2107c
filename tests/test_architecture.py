"""The dependency rule ui -> printing, db -> border_app, checked two ways."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
        "    if m.name.startswith('border_app.cli') or m.name == 'border_app.__main__':\n"
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
