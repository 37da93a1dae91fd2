"""Workbench tests: the intake world (real packs, the official calendar, demo accounts) and a
clock the tests can move, so that deadlines pass without waiting for them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from unittest import mock

import pytest
from django.utils import timezone

from tests.applications.conftest import NOW, settings_media, world  # noqa: F401


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture(autouse=True)
def clock(request: pytest.FixtureRequest) -> Iterator[Clock | None]:
    """A Monday morning in Beijing (2025-03-03 09:30), movable with ``clock.advance(hours=2)``.

    Browser tests run on the real clock: a frozen past date would expire the session cookie.
    """
    if request.node.get_closest_marker("browser"):
        yield None
        return
    frozen = Clock(NOW)
    with mock.patch.object(timezone, "now", side_effect=lambda: frozen.now):
        yield frozen
