"""The insurance columns the 免申即办 person rules read, carried in the index of the one-to-one
key (PostgreSQL), so a preview or a run reads them by an index-only scan.

Every arm of a preview merges a range of people with the same range of insurance records;
it read the insurance records from the table (2 GB at 10 M, bank accounts and balances
included) through the key's index. A second, covering index beside the key was not taken by
the planner (the key's index with the table behind it looked cheaper), so the key's own
unique constraint now carries the columns: one index, which the planner reads alone (at
10 M, five pairs interleaved in `psql`, the preview's statement 5.35 → 4.39 s median, 0.82).
Building it locks the table for the seconds of one sort (≈ 12 s at 10 M rows). A large load
sets the constraint aside and adds it again with the same definition
(`core/deferred_indexes.py`)."""

from django.db import migrations

from kuaiban.core.migration_sql import postgresql_only

TABLE = "shareddata_insurancerecord"
KEY = "shareddata_insurancerecord_person_id_key"
# Every insurance column a person rule may read (`proactive/language/fields.py`); a test keeps
# the two lists together.
COLUMNS = (
    "status, contribution_months, injury_grade, last_activity_on, unit_name, "
    "first_contribution_date, monthly_wage"
)
FORWARD = (
    f"ALTER TABLE {TABLE} DROP CONSTRAINT {KEY}, "
    f"ADD CONSTRAINT {KEY} UNIQUE (person_id) INCLUDE ({COLUMNS})"
)
BACKWARD = f"ALTER TABLE {TABLE} DROP CONSTRAINT {KEY}, ADD CONSTRAINT {KEY} UNIQUE (person_id)"


class Migration(migrations.Migration):
    dependencies = [
        ("shareddata", "0007_identifier_indexes_without_like"),
    ]

    operations = [
        migrations.RunPython(postgresql_only(FORWARD), postgresql_only(BACKWARD), elidable=False),
    ]
