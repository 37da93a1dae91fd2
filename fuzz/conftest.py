"""The API fuzz run reuses the test suite's intake world and its database set-up (tests/worlds.py)."""

from tests.worlds import _django_db_helper, _world_in_place, intake_world  # noqa: F401
