"""Request and document tests reuse the intake world: real packs, the calendar, demo accounts."""

from tests.applications.conftest import frozen_now, settings_media, world  # noqa: F401
