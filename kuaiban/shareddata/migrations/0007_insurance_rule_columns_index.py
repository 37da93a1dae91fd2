"""The insurance columns the 免申即办 person rules read, in one narrow index beside the table.

A preview counts every rule over all the people: at 10 M, after the people's covering index
(0006), it still read the whole insurance table (1.7 GB: unit names, bank cards, balances) for
a handful of short columns, and the time depended on how much of it the operating system
still held. With this index it reads them by an index-only scan in the people's order. The
amounts' columns (the monthly wage) are in it too, so a run's chunk reads no insurance row
either. PostgreSQL only (INCLUDE); a large load sets it aside and builds it afterwards like
the other indexes (`core/deferred_indexes.py`). `tests/proactive/test_rule_columns_index.py`
keeps every insurance column a shipped rule reads in it."""

from django.db import migrations

from kuaiban.core.migration_sql import postgresql_only

FORWARD = (
    "CREATE INDEX IF NOT EXISTS shareddata_insurance_rule_columns "
    "ON shareddata_insurancerecord (person_id) INCLUDE "
    "(status, contribution_months, injury_grade, last_activity_on, monthly_wage, unit_name)"
)
BACKWARD = "DROP INDEX IF EXISTS shareddata_insurance_rule_columns"


class Migration(migrations.Migration):
    dependencies = [
        ("shareddata", "0006_person_rule_columns_index"),
    ]

    operations = [
        migrations.RunPython(postgresql_only(FORWARD), postgresql_only(BACKWARD), elidable=False),
    ]
