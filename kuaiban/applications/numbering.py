"""办件编号: region code, date and the day's sequence — unique, readable, sortable."""

from __future__ import annotations

import datetime as dt

from django.db.models import F

from kuaiban.applications.models import NumberSequence


def application_number_next(*, region_code: str, day: dt.date) -> str:
    """The next number for a region and day, e.g. ``370102-20261123-00017``.

    Runs inside the submission's transaction. The increment is a single UPDATE, so two
    submissions at once wait for each other on the row instead of taking the same number,
    on SQLite and PostgreSQL alike.
    """
    sequence, _ = NumberSequence.objects.get_or_create(region_code=region_code, day=day)
    NumberSequence.objects.filter(pk=sequence.pk).update(last=F("last") + 1)
    sequence.refresh_from_db(fields=["last"])
    return f"{region_code}-{day:%Y%m%d}-{sequence.last:05d}"
