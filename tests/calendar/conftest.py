"""Fixtures for the calendar tests.

`official_calendar` is the maintained calendar, every year of the installed chinesecalendar
package: the session's `calendar_world` (tests/worlds.py), seeded once and put in place before
the test's own transaction, so each test sees it and leaves nothing behind. The seeding itself
is tested in test_calendar_seed.py, on the empty database.

No ``__init__.py`` here on purpose: as a package this folder would be imported as ``calendar``
and clash with the standard library module; test files carry a ``test_calendar_`` prefix instead.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def official_calendar(calendar_world: None) -> None:
    """The maintained calendar (built once per session)."""
