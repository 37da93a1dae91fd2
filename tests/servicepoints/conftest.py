"""The 济南 and 太原 service points as shipped, on the intake world (packs, demo regions and
accounts), and a small region built by hand for the figures computed by hand."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from kuaiban.servicepoints.services import servicepoints_load
from tests.worlds import world_on

DATA = Path(settings.KUAIBAN_PACKS_DIR) / "servicepoints"


@world_on("intake_world")
def points_world() -> None:
    """The intake world and the service points as shipped: loaded once per session
    (tests/worlds.py), in place before each test that asks."""
    for path in sorted(DATA.glob("*.yaml")):
        servicepoints_load(path=path)
