"""Every PostgreSQL session of the application runs without JIT compilation or parallel
append, with the supervision groupings' working memory and with random page reads costed as
cached (DATABASE_SESSION_OPTIONS in kuaiban/settings.py)."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_a_postgresql_session_has_its_settings() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("session settings of PostgreSQL (run in the PostgreSQL half)")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('jit'), current_setting('work_mem'), "
            "current_setting('enable_parallel_append'), current_setting('random_page_cost')"
        )
        assert cursor.fetchone() == ("off", "32MB", "off", "1.1")
