"""The processing-time roll-ups are read without parallel workers (PostgreSQL).

Their reads group hundreds of thousands of rows into tens of thousands of (pack, item, tenth)
groups. In a parallel plan each worker groups its share, then every partial group passes the
Gather and is grouped again: at 10 M sub-cases the year's read took 225–230 ms that way and
157–162 ms without workers, in turns on the same database (docs/ARCHITECTURE.md,
"Supervision at scale"). ``parallel_workers = 0`` keeps the planner from scanning these two
tables with workers; the sessions' ``enable_parallel_append = off`` (kuaiban/settings.py,
DATABASE_SESSION_OPTIONS) keeps it from running the parts of their one statement in workers.
"""

from django.db import migrations

TABLES = ("supervision_processingdaily", "supervision_processingprovincemonth")


def serial(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} SET (parallel_workers = 0)")


def parallel(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} RESET (parallel_workers)")


class Migration(migrations.Migration):
    dependencies = [("supervision", "0005_processing_province_month")]

    operations = [migrations.RunPython(serial, parallel)]
