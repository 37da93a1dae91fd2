"""The people's columns the 免申即办 person rules read, in one narrow index beside the table.

A preview counts every rule over all the people: at 10 M it read the whole people table
(3.6 GB, names and addresses included) for five short columns. With this covering index it
reads them by an index-only scan of ≈ 0.7 GB (the preview 3.4–3.5 → 2.7 s at 10 M). PostgreSQL
only (INCLUDE); a large load sets it aside and builds it afterwards like the other indexes
(`shareddata.bulk.indexes_defer`). An index-only scan needs the table's visibility map, which
autovacuum sets after a load (insert-driven vacuums, PostgreSQL ≥ 13)."""

from django.db import migrations

from kuaiban.core.migration_sql import postgresql_only

FORWARD = (
    "CREATE INDEX IF NOT EXISTS shareddata_person_rule_columns ON shareddata_person (id) "
    "INCLUDE (id_number, birth_date, gender, region_code, graduated_on)"
)
BACKWARD = "DROP INDEX IF EXISTS shareddata_person_rule_columns"


class Migration(migrations.Migration):
    dependencies = [
        ("shareddata", "0005_certificate_kinds_disability"),
    ]

    operations = [
        migrations.RunPython(postgresql_only(FORWARD), postgresql_only(BACKWARD), elidable=False),
    ]
