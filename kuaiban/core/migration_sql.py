"""SQL that a migration runs on PostgreSQL only (triggers, covering indexes): SQLite, the
demo's and the tests' other database, has no such feature and gets nothing."""

from __future__ import annotations

from collections.abc import Callable

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def postgresql_only(sql: str) -> Callable[[StateApps, BaseDatabaseSchemaEditor], None]:
    """A `RunPython` function that executes ``sql`` when the database is PostgreSQL."""

    def run(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run
