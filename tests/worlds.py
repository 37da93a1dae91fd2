"""Worlds built once per test session and put back, row for row, before each test that asks.

The intake world — the official working-day calendar, the Shandong and Shanxi packs, the demo
accounts — comes from the real services (``calendar_seed_from_package``, ``pack_load``,
``demo_setup``) and takes seconds to build; so does the public pages' world (the calendar and
the Shandong pack). Each is built the first time a test asks for it; its rows are then kept in
memory, table by table. Before every database test the database is set to the rows the test
expects and committed:

- a test that requests one of the world fixtures below (``intake_world``, ``shandong_world``…)
  gets that world;
- every other test gets the database as it was after the migrations, as pytest-django gives it.

A package can add its own world on top of one of these (``world_on`` below: the supervision
tests' generated year of history, for instance): it is built once from its base's rows, kept
and put back the same way, so data that takes seconds to write is written once per session
however many tests read it.

Nothing is done when the database already holds those rows. A test runs in its own transaction,
rolled back at its end, so the rows are still there for the next test; only a transactional test
(live server, worker threads) ends with Django's flush (without its post_migrate signal: the
content types and permissions it would write are in the rows put back), and the next test puts
the rows back — a few thousand inserts in one transaction, milliseconds on SQLite. With pytest-xdist every
worker has its own test database and builds its own worlds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

# A Monday morning in Beijing, so every due date stays inside the seeded calendar.
NOW = dt.datetime(2025, 3, 3, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))

EMPTY = "empty"


def _packs_build(*codes: str, demo_accounts: bool = False) -> Callable[[], None]:
    """The calendar and the named packs (every pack when none is named), maybe the demo
    accounts."""

    def build() -> None:
        from kuaiban.bundles.services import pack_load
        from kuaiban.calendar.services import calendar_seed_from_package
        from kuaiban.demo.setup import demo_setup

        packs = Path(settings.KUAIBAN_PACKS_DIR)
        with mock.patch.object(timezone, "now", return_value=NOW):
            calendar_seed_from_package()
            for path in sorted(packs.glob("*.yaml")):
                if path.name != "catalogue.yaml" and (not codes or path.stem in codes):
                    pack_load(path=path)
            if demo_accounts:
                demo_setup(accounts_file=Path(settings.BASE_DIR) / "demo" / "accounts.json")

    return build


def _calendar_build() -> None:
    from kuaiban.calendar.services import calendar_seed_from_package

    calendar_seed_from_package()


# Every world holds the official calendar: a test asking for it and for another world gets
# the other one.
CALENDAR = "calendar_world"

# The fixture name a test requests → how its world is built.
BUILDERS: dict[str, Callable[[], None]] = {
    # The official working-day calendar alone (every year the maintained package covers).
    CALENDAR: _calendar_build,
    # The intake tests: the calendar, the two packs they use, the demo accounts.
    "intake_world": _packs_build("shandong-2020", "shanxi-2020", demo_accounts=True),
    # The public pages: the calendar and the Shandong pack.
    "shandong_world": _packs_build("shandong-2020"),
    # The public texts of two provinces.
    "shandong_jiangsu_world": _packs_build("shandong-2020", "jiangsu-2021"),
    # A city's own pack: the calendar, Shandong and the 济南 pack extending it, the demo accounts.
    "jinan_world": _packs_build("shandong-2020", "jinan-2020", demo_accounts=True),
    # The three provincial packs as the seeds give them (tests/bundles/test_real_packs.py).
    "province_packs_world": _packs_build("shandong-2020", "shanxi-2020", "jiangsu-2021"),
    # 跨省通办: the Shandong packs (2023 lists the items taken in elsewhere), Jiangsu, accounts.
    "cross_region_world": _packs_build(
        "shandong-2020", "shandong-2023", "jiangsu-2021", demo_accounts=True
    ),
    # The demo as `make demo` sets it up: every pack and the demo accounts.
    "demo_world": _packs_build(demo_accounts=True),
}

# A world built on another one (``world_on``) → the world it starts from.
BASES: dict[str, str] = {}


def world_on(base: str) -> Callable[[Callable[[], None]], Any]:
    """Decorate a function that writes a world on top of ``base``'s rows; the function's name
    becomes the fixture a test requests, and the world is built once per session.

    The function runs in one transaction, after ``base`` is in place; a test that asks for the
    new world and (through other fixtures) for its base gets the new world."""

    def register(build: Callable[[], None]) -> Any:
        name = build.__name__
        if name in BUILDERS or base not in BUILDERS:
            raise ValueError(f"world {name!r} on {base!r}: a new name on a known world")
        BUILDERS[name] = build
        BASES[name] = base

        def in_place(db: None) -> None:
            pass

        in_place.__doc__ = build.__doc__
        return pytest.fixture(name=name)(in_place)

    return register


def _within(name: str) -> set[str]:
    """The worlds whose rows ``name``'s rows contain: its bases, and the calendar."""
    found = set() if name == CALENDAR else {CALENDAR}
    while name in BASES:
        name = BASES[name]
        found.add(name)
    return found


Rows = dict[str, tuple[list[str], list[tuple[Any, ...]]]]


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    return [name for name in names if name != "django_migrations"]


def _derived() -> set[str]:
    """Tables the database's own triggers write from the rows put back (the people's facts):
    not taken, and emptied but not written when rows are put back."""
    from kuaiban.shareddata.models import PersonFacts

    return {PersonFacts._meta.db_table}


def rows_take() -> Rows:
    """Every row of every table (the migrations' own bookkeeping and derived tables aside)."""
    taken: Rows = {}
    derived = _derived()
    with connection.cursor() as cursor:
        for table in _tables():
            if table in derived:
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [column[0] for column in cursor.description]
            taken[table] = (columns, [tuple(row) for row in cursor.fetchall()])
    return taken


def _adapt(value: Any) -> Any:
    # PostgreSQL hands jsonb back as Python objects; it takes them in only through its adapter.
    if isinstance(value, dict | list):
        return connection.ops.adapt_json_value(value, None)
    return value


def rows_restore(rows: Rows) -> None:
    """Make the database hold exactly ``rows``; foreign keys are checked at commit."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for table in _tables():
            cursor.execute(f"DELETE FROM {quote(table)}")
        for table, (columns, values) in rows.items():
            if not values:
                continue
            names = ", ".join(quote(column) for column in columns)
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})",
                [tuple(_adapt(value) for value in row) for row in values],
            )
        from django.apps import apps

        for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(statement)
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    cache.clear()


@dataclass
class Worlds:
    """The worlds' rows, and which of them the database holds now (None: not known)."""

    rows: dict[str, Rows] = field(default_factory=dict)
    current: str | None = None

    def enter(self, name: str) -> None:
        if self.current == name:
            return
        if EMPTY not in self.rows:
            self.rows[EMPTY] = rows_take()  # the first database test: just migrated
        if name not in self.rows:
            if name in BASES:
                self.enter(BASES[name])
            else:
                rows_restore(self.rows[EMPTY])
            self.current = None  # written to from here on
            with transaction.atomic():
                BUILDERS[name]()
            self.rows[name] = rows_take()
        else:
            rows_restore(self.rows[name])
        self.current = name


_worlds = Worlds()


def _transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args[:1] == (True,))):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(scope="session")
def _worlds_cleared_at_the_end(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Leave the test database as migrated, for a later session that keeps it (--reuse-db)."""
    yield
    if EMPTY in _worlds.rows and _worlds.current != EMPTY:
        with django_db_blocker.unblock():
            rows_restore(_worlds.rows[EMPTY])
        _worlds.current = EMPTY


@pytest.fixture
def _world_in_place(
    request: pytest.FixtureRequest, _worlds_cleared_at_the_end: None, django_db_blocker: Any
) -> Iterator[None]:
    asked = [name for name in BUILDERS if name in request.fixturenames]
    wanted = [name for name in asked if not any(name in _within(other) for other in asked)]
    if len(wanted) > 1:
        raise pytest.UsageError(f"a test can have one world, not {wanted}")
    with django_db_blocker.unblock():
        _worlds.enter(wanted[0] if wanted else EMPTY)
    if not _transactional(request):
        yield
        return
    # Django's flush at the end of the test then empties every table; the next database test
    # puts its world's rows back (content types and permissions included, as migrated), so
    # the content types and permissions that the flush's post_migrate signal would write again
    # for every model are not written, only to be deleted.
    with mock.patch("django.core.management.commands.flush.emit_post_migrate_signal"):
        yield
    _worlds.current = None  # Django has flushed the tables at the end of the test


@pytest.fixture
def _django_db_helper(_world_in_place: None, _django_db_helper: None) -> None:
    """pytest-django's per-test database set-up, preceded by putting the test's world in place.

    The arguments are set up in their order: the world first, then the test's transaction.
    """


@pytest.fixture
def calendar_world(db: None) -> None:
    """The official working-day calendar, in place before the test's transaction."""


@pytest.fixture
def intake_world(db: None) -> None:
    """The intake world (see the module's docstring), in place before the test's transaction."""


@pytest.fixture
def shandong_world(db: None) -> None:
    """The calendar and the Shandong pack, in place before the test's transaction."""


@pytest.fixture
def shandong_jiangsu_world(db: None) -> None:
    """The calendar, the Shandong and the Jiangsu packs, in place before the test's transaction."""


@pytest.fixture
def jinan_world(db: None) -> None:
    """The calendar, the Shandong and 济南 packs and the demo accounts, in place before the test."""


@pytest.fixture
def province_packs_world(db: None) -> None:
    """The calendar and the three provincial packs, in place before the test's transaction."""


@pytest.fixture
def cross_region_world(db: None) -> None:
    """The calendar, the Shandong 2020 and 2023 and the Jiangsu packs and the demo accounts."""


@pytest.fixture
def demo_world(db: None) -> None:
    """The calendar, every pack and the demo accounts, in place before the test's transaction."""
