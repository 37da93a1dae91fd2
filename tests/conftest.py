"""Fixtures shared by every test package: the seeded working-day calendar and small factories."""

from __future__ import annotations

import datetime as dt
import itertools
import os

import pytest

from kuaiban.core.identifiers import credit_code_check_char, id_number_check_digit

# One Chromium per test session for every package that drives a browser; the fake
# data-sharing platform on loopback for every package that reads shared data over HTTP.
pytest_plugins = ["tests.browser_fixtures", "tests.shareddata_platform"]

# Worlds built once per session (tests/worlds.py): the database set before each test's transaction.
from tests.worlds import (  # noqa: E402, F401
    _django_db_helper,
    _world_in_place,
    _worlds_cleared_at_the_end,
    calendar_world,
    cross_region_world,
    demo_world,
    intake_world,
    jinan_world,
    province_packs_world,
    shandong_jiangsu_world,
    shandong_world,
)

# The API fuzz run (tests/api_fuzz) takes minutes: `make fuzz` runs it on its own (CI too).
collect_ignore = [] if os.environ.get("KUAIBAN_API_FUZZ") else ["api_fuzz"]

_serial = itertools.count(1)


def make_id_number(*, region: str = "370102", birth: str = "19650315", seq: str = "123") -> str:
    """A valid 居民身份证号 for the given region, birth date (YYYYMMDD) and sequence."""
    first17 = region + birth + seq
    return first17 + id_number_check_digit(first17)


def make_credit_code(body: str = "91370100MA3C0000") -> str:
    """A valid 统一社会信用代码 from its first 17 characters (padded with 0)."""
    first17 = body.ljust(17, "0")[:17]
    return first17 + credit_code_check_char(first17)


@pytest.fixture
def seeded_calendar(calendar_world: None) -> None:  # noqa: F811
    """The working-day calendar loaded from the maintained package (all the years it covers):
    built once per session (tests/worlds.py), in place before the test's transaction."""


@pytest.fixture
def make_user(db):
    """Create a user: ``make_user(role=Role.CLERK)``, ``make_user(id_number=…)``."""
    from kuaiban.accounts.models import Role, User

    def make(*, role: str = Role.PERSON, id_number: str = "", credit_code: str = "", **extra):
        n = next(_serial)
        return User.objects.create_user(
            username=extra.pop("username", f"user{n}"),
            password=extra.pop("password", "correct horse battery"),
            role=role,
            id_number=id_number,
            credit_code=credit_code,
            **extra,
        )

    return make


@pytest.fixture
def make_person(db):
    """Create a shared-data person; ``insurance=True`` adds an insurance record."""
    from kuaiban.shareddata.models import InsuranceRecord, Person

    def make(
        *,
        id_number: str | None = None,
        name: str = "张三",
        phone: str = "13812345678",
        insurance: bool = False,
        **extra,
    ):
        person = Person.objects.create(
            id_number=id_number or make_id_number(seq=f"{next(_serial) % 1000:03d}"),
            name=name,
            gender=extra.pop("gender", "男"),
            birth_date=extra.pop("birth_date", dt.date(1965, 3, 15)),
            phone=phone,
            address=extra.pop("address", "济南市历下区泉城路1号"),
            region_code=extra.pop("region_code", "370102"),
        )
        if insurance:
            InsuranceRecord.objects.create(
                person=person,
                unit_name=extra.pop("unit_name", "济南某某机械有限公司"),
                first_contribution_date=dt.date(1988, 7, 1),
                contribution_months=extra.pop("contribution_months", 420),
                status="正常参保",
            )
        return person

    return make


@pytest.fixture(autouse=True)
def _policy_cache_cleared():  # type: ignore[no-untyped-def]
    """Each test's database is rolled back, policy generation included: nothing a test built
    from its own policy data may be served to the next one under the same generation."""
    from kuaiban.core.policy_cache import policy_cache_clear

    policy_cache_clear()
    yield
    policy_cache_clear()


@pytest.fixture(autouse=True, scope="session")
def _supervision_readers_closed(django_db_setup: None):  # type: ignore[no-untyped-def]
    """The supervision pages' read threads keep connections of their own
    (`kuaiban/supervision/together.py`): closed before the test database is dropped."""
    from kuaiban.supervision.together import readers_close

    yield
    readers_close()
