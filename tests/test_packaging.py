"""The wheel alone makes a working application (issue #19, item 5).

Builds the wheel (``pip wheel --no-deps``), installs it WITHOUT extras into a fresh virtual environment
(no system site-packages, so nothing of the test environment leaks in), then runs from that
environment what a post does first: ``border-app --help``, the demo post with 20 travellers, a week's
report and a test slip. A run-time import missing from ``[project] dependencies`` fails here.

Slow (a few minutes: the run-time dependencies come from the package index or pip's cache), so it is
marked ``slow`` and every step has a time limit; ``./dev test`` (and so CI) runs it.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow

BUILD_TIMEOUT = 300     # seconds: building the wheel (setuptools from the index the first time)
INSTALL_TIMEOUT = 900   # seconds: the run-time dependencies (PySide6, OpenCV... from the index or the cache)
RUN_TIMEOUT = 180       # seconds: each border-app command


def _run(args, *, timeout, env=None, cwd=None) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout,
                          env=env, cwd=cwd)
    assert done.returncode == 0, (
        f"{' '.join(str(a) for a in args)} exited {done.returncode}\n"
        f"--- stdout\n{done.stdout[-4000:]}\n--- stderr\n{done.stderr[-4000:]}")
    return done


def _bin(env_dir: Path, name: str) -> Path:
    return env_dir / ("Scripts" if os.name == "nt" else "bin") / name


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtual environment holding the project's wheel and its run-time dependencies only."""
    work = tmp_path_factory.mktemp("packaging")
    # Built from a clean copy: setuptools' build/ folder in the checkout could keep modules since removed.
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", ".*-env", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis",
        "tests", "benchmarks"))
    wheels = work / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, source], timeout=BUILD_TIMEOUT)
    (wheel,) = wheels.glob("hhbm_border_app-*.whl")
    env_dir = work / "env"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    _run([_bin(env_dir, "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", wheel],
         timeout=INSTALL_TIMEOUT)
    return env_dir


@pytest.fixture
def app_env(installed, tmp_path) -> dict[str, str]:
    """The environment for border-app: a private home, the demo password, no test-suite leftovers."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("BORDER_APP_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(BORDER_APP_HOME=str(tmp_path / "home"), BORDER_APP_PASSWORD="demo1234",
               QT_QPA_PLATFORM="offscreen", LANG="C.UTF-8")
    (tmp_path / "home").mkdir()
    return env


def test_the_installed_wheel_has_no_test_only_packages(installed):
    listed = _run([_bin(installed, "python"), "-m", "pip", "list", "--format=freeze"], timeout=RUN_TIMEOUT)
    names = {line.split("==")[0].lower() for line in listed.stdout.splitlines()}
    assert "hhbm-border-app" in names
    assert not names & {"pytest", "pytest-qt", "hypothesis", "import-linter", "scipy", "ruff", "mypy"}


def test_help_demo_report_and_slip_from_the_wheel(installed, app_env, tmp_path):
    app = _bin(installed, "border-app")
    helped = _run([app, "--help"], env=app_env, cwd=tmp_path, timeout=RUN_TIMEOUT)
    assert "border-app" in helped.stdout

    _run([app, "--demo", "demo", "--travellers", "20"], env=app_env, cwd=tmp_path, timeout=RUN_TIMEOUT)

    last = dt.date.today()
    first = last - dt.timedelta(days=6)
    report = tmp_path / "week.pdf"
    _run([app, "--demo", "report", "--from", first.isoformat(), "--to", last.isoformat(),
          "--out", report, "--user", "superviseur"], env=app_env, cwd=tmp_path, timeout=RUN_TIMEOUT)
    assert report.read_bytes().startswith(b"%PDF-")

    slip = tmp_path / "slip.pdf"
    _run([app, "slip", "--demo", "--out", slip], env=app_env, cwd=tmp_path, timeout=RUN_TIMEOUT)
    assert slip.read_bytes().startswith(b"%PDF-")
