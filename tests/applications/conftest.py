"""A small world for intake tests: the official calendar, two real packs, the demo accounts,
and "now" frozen on a Monday morning in Beijing (2025-03-03 09:30)."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from django.utils import timezone

from kuaiban.accounts.models import User
from tests.worlds import NOW


@pytest.fixture
def world(intake_world: None, settings_media: None) -> dict[str, User]:
    """The intake world (tests/worlds.py): built once per session, rolled back after each test."""
    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def settings_media(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def frozen_now():  # type: ignore[no-untyped-def]
    with mock.patch.object(timezone, "now", return_value=NOW):
        yield NOW
