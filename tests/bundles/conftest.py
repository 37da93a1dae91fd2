"""Fixtures of the bundle tests: the fixture pack loaded into the database."""

from __future__ import annotations

import pytest

from kuaiban.bundles.models import Pack
from kuaiban.bundles.services import pack_load
from tests.bundles.helpers import PACK_PATH
from tests.worlds import world_on


@world_on("calendar_world")
def fixture_pack_world() -> None:
    """The official calendar and tests/bundles/fixtures/test-2020.yaml with its catalogue:
    loaded once per session (tests/worlds.py), in place before each test that asks."""
    pack_load(path=PACK_PATH)


@pytest.fixture
def loaded_pack(fixture_pack_world: None) -> Pack:
    """tests/bundles/fixtures/test-2020.yaml and its catalogue, loaded (and the calendar)."""
    return Pack.objects.get(code="test-2020")
