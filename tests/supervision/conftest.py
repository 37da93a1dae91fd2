"""The supervision world: the official calendar, the Shandong and Shanxi packs, the demo
accounts (regions 山东省 › 济南市 › 历下区, 山西省 › 太原市 › 迎泽区, one agency of every kind per
city), "now" frozen at Thursday 2025-03-20 12:00, and the hand-made ledger."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from kuaiban.accounts.models import Role, User
from tests.supervision.ledger import NOW, Ledger, ledger_build
from tests.worlds import world_on


@pytest.fixture(autouse=True)
def frozen_now():  # type: ignore[no-untyped-def]
    with mock.patch.object(timezone, "now", return_value=NOW):
        yield NOW


@world_on("intake_world")
def supervision_world() -> None:
    """The intake world (tests/worlds.py), and two supervisors of a province and of a city."""
    officers = {u.username: u for u in User.objects.filter(username__startswith="officer-")}
    User.objects.create_user(
        username="supervisor-sx",
        password="kuaiban-demo",
        role=Role.SUPERVISOR,
        region=officers["officer-ty-si"].agency.region.parent,  # 山西省
    )
    User.objects.create_user(
        username="supervisor-jn",
        password="kuaiban-demo",
        role=Role.SUPERVISOR,
        region=officers["officer-jn-si"].agency.region,  # 济南市
    )


@pytest.fixture
def world(supervision_world: None) -> dict[str, User]:
    """The supervision world's accounts by username (built once per session)."""
    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def ledger(world: dict[str, User]) -> Ledger:
    return ledger_build(world["clerk-lixia"])


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def cached(settings):  # type: ignore[no-untyped-def]
    """The figure cache on (the test settings turn it off), empty before and after."""
    settings.KUAIBAN_SUPERVISION_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()
