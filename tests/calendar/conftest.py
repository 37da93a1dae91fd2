"""Fixtures for the calendar tests.

The test database starts empty. `official_calendar` seeds every year of the installed
chinesecalendar package inside the test's own transaction (one bulk insert, a few milliseconds),
so each test sees the maintained calendar and leaves nothing behind.

No ``__init__.py`` here on purpose: as a package this folder would be imported as ``calendar``
and clash with the standard library module; test files carry a ``test_calendar_`` prefix instead.
"""

from __future__ import annotations

import pytest

from kuaiban.calendar.services import SeedResult, calendar_seed_from_package


@pytest.fixture
def official_calendar(db: None) -> SeedResult:
    return calendar_seed_from_package()
