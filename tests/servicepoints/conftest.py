"""The 济南 and 太原 service points as shipped, on the intake world (packs, demo regions and
accounts), and a small region built by hand for the figures computed by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from kuaiban.servicepoints.services import servicepoints_load

DATA = Path(settings.KUAIBAN_PACKS_DIR) / "servicepoints"


@pytest.fixture
def points_world(intake_world: None) -> None:
    for path in sorted(DATA.glob("*.yaml")):
        servicepoints_load(path=path)
