"""Fixtures of the page tests: the real packs and the official calendar."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from kuaiban.bundles.models import Pack
from kuaiban.bundles.services import pack_load
from kuaiban.calendar.services import calendar_seed_from_package


def load_real_packs(*codes: str) -> dict[str, Pack]:
    calendar_seed_from_package()
    packs_dir = Path(settings.KUAIBAN_PACKS_DIR)
    loaded = {}
    for path in sorted(packs_dir.glob("*.yaml")):
        if path.name == "catalogue.yaml" or (codes and path.stem not in codes):
            continue
        pack = pack_load(path=path).pack
        loaded[pack.code] = pack
    return loaded


@pytest.fixture
def shandong(shandong_world: None) -> Pack:
    """The Shandong pack and the calendar (tests/worlds.py: built once, rolled back per test)."""
    return Pack.objects.get(code="shandong-2020")
