"""告知承诺 tests reuse the intake world: real packs, the official calendar, demo accounts (which
load `packs/controls/commitments.yaml`)."""

from tests.applications.conftest import frozen_now, settings_media, world  # noqa: F401
