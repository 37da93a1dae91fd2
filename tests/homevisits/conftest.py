"""Home-visit tests reuse the intake world (real packs, calendar, demo accounts), time frozen."""

from __future__ import annotations

from tests.applications.conftest import frozen_now, settings_media, world  # noqa: F401
