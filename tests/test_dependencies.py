"""The package's declared dependencies tell the truth (issue #19, item 5).

Every third-party module that the application's packages import (``border_app``, ``db``, ``printing``,
``ui``) belongs to a distribution in ``[project] dependencies``, not only in a test extra; and every
declared run-time dependency is imported by the application (or says why not, below).
"""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("border_app", "db", "printing", "ui")

# Run-time dependencies that no module imports by name, and why they are needed all the same.
USED_WITHOUT_IMPORT = {
    "psycopg": "SQLAlchemy's driver for postgresql+psycopg:// URLs",
}


def _name(requirement: str) -> str:
    """The normalised distribution name of a requirement string ('psycopg[binary]>=3.1' -> 'psycopg')."""
    head = re.match(r"[A-Za-z0-9._-]+", requirement.strip())
    assert head, requirement
    return re.sub(r"[-_.]+", "-", head.group(0)).lower()


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _third_party_imports() -> dict[str, set[str]]:
    """Top-level third-party module -> the source files importing it (any depth, lazy ones too)."""
    found: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top in PACKAGES or top == "__future__" or top in sys.stdlib_module_names:
                        continue
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def _distributions(module: str) -> set[str]:
    return {_name(d) for d in metadata.packages_distributions().get(module, [])}


def test_every_runtime_import_is_a_declared_runtime_dependency():
    declared = {_name(r) for r in _pyproject()["project"]["dependencies"]}
    missing = []
    for module, files in sorted(_third_party_imports().items()):
        dists = _distributions(module)
        if not dists:
            missing.append(f"{module} (not installed) imported by {sorted(files)}")
        elif not dists & declared:
            missing.append(f"{module} ({', '.join(sorted(dists))}) imported by {sorted(files)}")
    assert not missing, "imported at run time but not a run-time dependency:\n" + "\n".join(missing)


def test_every_runtime_dependency_is_used():
    project = _pyproject()["project"]
    imported = set()
    for module in _third_party_imports():
        imported |= _distributions(module)
    unused = sorted({_name(r) for r in project["dependencies"]} - imported - set(USED_WITHOUT_IMPORT))
    assert not unused, f"declared run-time dependencies that the application never imports: {unused}"


def test_runtime_and_test_lists_do_not_overlap():
    project = _pyproject()["project"]
    runtime = {_name(r) for r in project["dependencies"]}
    test_only = {_name(r) for r in project["optional-dependencies"]["test"]}
    assert not runtime & test_only, f"listed twice: {sorted(runtime & test_only)}"


def test_tests_import_runtime_dependencies_plainly():
    """``pytest.importorskip`` would hide a missing run-time dependency as a skip."""
    runtime = {_name(r) for r in _pyproject()["project"]["dependencies"]}
    hidden = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "importorskip" and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                module = node.args[0].value
                top = module.split(".")[0]
                if top in PACKAGES or _distributions(top) & runtime:
                    hidden.append(f"{path.relative_to(ROOT)}:{node.lineno} importorskip({module!r})")
    assert not hidden, "run-time dependencies must be imported plainly in tests:\n" + "\n".join(hidden)
