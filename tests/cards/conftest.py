"""Card tests use the intake world: real packs, the official calendar, the demo accounts and
their cards (kuaiban/cards/demo.py), "now" frozen on 2025-03-03 09:30 in Beijing."""

from tests.applications.conftest import frozen_now, settings_media, world  # noqa: F401
