"""办不成事 tests reuse the intake world: real packs, the official calendar, demo accounts,
and "now" frozen on a Monday morning in Beijing."""

from __future__ import annotations

from tests.applications.conftest import frozen_now, settings_media, world  # noqa: F401
