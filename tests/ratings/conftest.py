"""Rating tests reuse the intake world: real packs, the official calendar, demo accounts."""

from __future__ import annotations

import pytest

from kuaiban.applications.models import Application
from tests.applications.conftest import frozen_now, settings_media, world  # noqa: F401
from tests.ratings.helpers import complete, submit


@pytest.fixture
def done_app(world) -> Application:  # noqa: F811
    """张建国's retirement application (Shandong 7-1), every stage approved: 已办结."""
    return complete(submit(world))
