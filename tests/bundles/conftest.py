"""Fixtures of the bundle tests: the fixture pack loaded into the database."""

from __future__ import annotations

import pytest

from kuaiban.bundles.models import Pack
from kuaiban.bundles.services import pack_load
from tests.bundles.helpers import PACK_PATH


@pytest.fixture
def loaded_pack(db) -> Pack:
    """tests/bundles/fixtures/test-2020.yaml and its catalogue, loaded."""
    return pack_load(path=PACK_PATH).pack
