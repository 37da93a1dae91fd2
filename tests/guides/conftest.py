"""Fixtures of the page tests: the real packs and the official calendar, loaded per test."""

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
def shandong(db: None) -> Pack:
    return load_real_packs("shandong-2020")["shandong-2020"]
