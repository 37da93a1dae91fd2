"""Computing the default views ahead: a supervisor's first look is a cache hit."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kuaiban.supervision.warm import supervision_warm
from tests.supervision.conftest import client_for

pytestmark = pytest.mark.django_db


def _statements(user, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    client = client_for(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] or "" for q in queries.captured_queries]


def _queries(user, url: str) -> int:  # type: ignore[no-untyped-def]
    return len(_statements(user, url))


def _figures_read(statements: list[str]) -> list[str]:
    """The statements that compute figures: reads of the roll-ups or of the sub-cases."""
    return [s for s in statements if 'daily"' in s or '"cases_subcase"' in s]


def test_first_looks_after_warming_are_cache_hits(world, ledger, cached) -> None:
    cold = _queries(world["supervisor-sx"], "/supervision/")
    cache.clear()
    result = supervision_warm()
    # Supervisors of 山东省, 济南市, 山西省 and 江苏省 (the demo's), and the administrators.
    assert result.scopes == 5 and result.views == 5 * 2 * 3
    for name in ("supervisor-sd", "supervisor-jn", "supervisor-sx", "admin"):
        for url in ("/supervision/", "/supervision/items/", "/supervision/contact-points/"):
            assert _queries(world[name], url) <= cold - 15, (name, url)
    # The report's default month was computed too.
    sd = world["supervisor-sd"]
    assert _queries(sd, "/supervision/report.pdf") < cold


def test_officers_agencies_only_when_asked(world, ledger, cached) -> None:
    supervision_warm()
    officer = world["officer-jn-si"]
    assert _figures_read(_statements(officer, "/supervision/"))  # computed at the look
    cache.clear()
    supervision_warm(officers=True)
    assert not _figures_read(_statements(officer, "/supervision/"))  # a cache hit


def test_the_command_says_what_it_did_and_refuses_when_the_cache_is_off(
    world, ledger, cached, settings, capsys
) -> None:
    call_command("supervision_warm")
    out = capsys.readouterr()
    assert "已预计算 5 个范围、30 个视图" in out.out
    assert "KUAIBAN_REDIS_URL" in out.err  # the per-process cache is no use to other processes
    settings.KUAIBAN_SUPERVISION_CACHE_SECONDS = 0
    with pytest.raises(CommandError, match="缓存已关闭"):
        call_command("supervision_warm")
