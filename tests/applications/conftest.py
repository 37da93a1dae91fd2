"""A small world for intake tests: the official calendar, two real packs, the demo accounts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone

from kuaiban.accounts.demo import demo_setup
from kuaiban.accounts.models import User
from kuaiban.bundles.services import pack_load
from kuaiban.calendar.services import calendar_seed_from_package

# A Monday morning in Beijing, so every due date stays inside the seeded calendar.
NOW = dt.datetime(2025, 3, 3, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def world(db: None, tmp_path: Path, settings_media: None) -> dict[str, User]:
    calendar_seed_from_package()
    packs = Path(settings.KUAIBAN_PACKS_DIR)
    for name in ("shandong-2020.yaml", "shanxi-2020.yaml"):
        pack_load(path=packs / name)
    demo_setup(accounts_file=Path(settings.BASE_DIR) / "demo" / "accounts.json")
    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def settings_media(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def frozen_now():  # type: ignore[no-untyped-def]
    with mock.patch.object(timezone, "now", return_value=NOW):
        yield NOW
