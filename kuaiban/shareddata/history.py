"""Draw a person's self-service records (``synthetic/history.py``) from their career on file:
for the demo's people, and for the benchmark's busiest people, whose careers were generated
without month-by-month history."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from django.db import transaction

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

_REDRAWN = (ContributionMonth, Benefit, OccupationalAnnuity)


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
    months, benefits, annuities = [], [], []
    for person in people:
        draft = StoredDraft(
            person=person,
            insurance=insurance.get(person.pk),
            employments=jobs.get(person.pk, []),
            unemployments=spells.get(person.pk, []),
        )
        history_add(random.Random(person.id_number), draft=draft, as_of=as_of, months=True)
        for row in draft.extra:
            row.person_id = person.pk  # type: ignore[attr-defined]
        months += [r for r in draft.extra if isinstance(r, ContributionMonth)]
        benefits += [r for r in draft.extra if isinstance(r, Benefit)]
        annuities += [r for r in draft.extra if isinstance(r, OccupationalAnnuity)]
        if draft.insurance is not None:
            draft.insurance.save(update_fields=["contribution_months", "pension_account_balance"])
    ContributionMonth.objects.bulk_create(months, batch_size=2000)
    Benefit.objects.bulk_create(benefits)
    OccupationalAnnuity.objects.bulk_create(annuities)
    return len(months) + len(benefits) + len(annuities)
