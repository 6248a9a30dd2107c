"""Tests that need ``../shared/data`` skip locally when it is absent, and fail in CI (issue #19, item 5)."""

from __future__ import annotations

from pathlib import Path


pytest_plugins = ["pytester"]

CONFTEST = Path(__file__).with_name("conftest.py")

NEEDS_DATA = '''
import pytest

pytestmark = pytest.mark.shared_data("no-such-sample-set")


def test_module_marked():
    pass


@pytest.mark.parametrize("folder", [])
def test_over_an_empty_listing(folder):
    pass


def test_by_fixture(shared_data):
    assert (shared_data / "no-such-sample-set").exists()
'''


def _run(pytester, monkeypatch, ci: str | None):
    # The project's conftest, with ../shared/data pointing to a folder that does not exist.
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8").replace(
        'Path(__file__).resolve().parents[2] / "shared" / "data"', 'Path(__file__).parent / "absent"'))
    pytester.makepyfile(test_needs_data=NEEDS_DATA)
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    return pytester.runpytest_subprocess("-p", "no:cacheprovider")


def test_absent_shared_data_is_a_skip_outside_ci(pytester, monkeypatch):
    result = _run(pytester, monkeypatch, None)
    result.assert_outcomes(skipped=3)


def test_absent_shared_data_fails_in_ci(pytester, monkeypatch):
    result = _run(pytester, monkeypatch, "true")
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(["*shared sample data not found at*CI must provide ../shared/data*"])
