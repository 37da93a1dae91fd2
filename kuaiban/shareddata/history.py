"""Draw a person's self-service records (``synthetic/history.py``) from their career on file:
for the demo's people, and for the benchmark's busiest people, whose careers were generated
without month-by-month history."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from django.db import models, transaction

from kuaiban.shareddata.models import (
    Benefit,
    ContributionMonth,
    EmploymentRecord,
    InsuranceRecord,
    OccupationalAnnuity,
    Person,
    UnemploymentRecord,
)
from kuaiban.shareddata.synthetic.history import StoredDraft, history_add

_REDRAWN: tuple[type[models.Model], ...] = (ContributionMonth, Benefit, OccupationalAnnuity)


@transaction.atomic
def history_rebuild(people: Sequence[Person], *, as_of: dt.date) -> int:
    """Replace the people's months, benefits and 职业年金 with ones drawn from their insurance,
    jobs and unemployment on file (seeded by the ID number); the rows written."""
    ids = [p.pk for p in people]
    for model in _REDRAWN:
        model._default_manager.filter(person_id__in=ids).delete()
    insurance = {i.person_id: i for i in InsuranceRecord.objects.filter(person_id__in=ids)}
    jobs: dict[int, list[EmploymentRecord]] = {}
    for job in EmploymentRecord.objects.filter(person_id__in=ids).order_by("-start_date"):
        jobs.setdefault(job.person_id, []).append(job)
    spells: dict[int, list[UnemploymentRecord]] = {}
    for spell in UnemploymentRecord.objects.filter(person_id__in=ids):
        spells.setdefault(spell.person_id, []).append(spell)
    drawn: dict[type[models.Model], list[models.Model]] = {model: [] for model in _REDRAWN}
    for person in people:
        draft = StoredDraft(
            person=person,
            insurance=insurance.get(person.pk),
            employments=jobs.get(person.pk, []),
            unemployments=spells.get(person.pk, []),
        )
        history_add(random.Random(person.id_number), draft=draft, as_of=as_of, months=True)
        for row in draft.extra:
            if row.model in _REDRAWN:  # skill certificates stay as they are on file
                drawn[row.model].append(row.model(person_id=person.pk, **row._asdict()))
        if draft.insurance is not None:
            draft.insurance.save(update_fields=["contribution_months", "pension_account_balance"])
    for model, instances in drawn.items():
        model._default_manager.bulk_create(instances, batch_size=2000)
    return sum(len(instances) for instances in drawn.values())
