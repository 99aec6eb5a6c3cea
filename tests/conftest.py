"""Shared pytest hooks: browser tests screenshot a failing page, and the run ends by listing the screenshots."""
import time
from pathlib import Path

import pytest

ARTEFACTS = Path(__file__).resolve().parent/'artefacts'
_START = time.time()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    "Keep each test's call report on the item, so that a fixture can tell whether the test failed"
    rep = (yield).get_result()
    if rep.when == 'call': item.rep_call = rep


def pytest_terminal_summary(terminalreporter):
    "Name the screenshots this run saved (tests/test_browser.py)"
    new = sorted(p for p in ARTEFACTS.glob('*.png') if p.stat().st_mtime >= _START) if ARTEFACTS.exists() else []
    if new:
        terminalreporter.section('screenshots')
        for p in new: terminalreporter.write_line(str(p))
