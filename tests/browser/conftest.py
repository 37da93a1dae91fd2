"""Everything in this folder drives a real headless Chromium: mark it `browser`.

The fixtures themselves (`browser`, `desktop`, `phone`) are in tests/browser_fixtures.py, loaded by
the root conftest, so that every package shares one Chromium per test session.
"""

from __future__ import annotations

from pathlib import Path

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)
