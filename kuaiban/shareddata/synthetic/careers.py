"""A synthetic working life: insurance, jobs at generated units, unemployment spells."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from decimal import Decimal
from typing import TYPE_CHECKING

from kuaiban.shareddata.models import EmploymentRecord, InsuranceRecord, UnemploymentRecord
from kuaiban.shareddata.synthetic import vocab
from kuaiban.shareddata.synthetic.dates import add_years, first_of_next_month, months_between
from kuaiban.shareddata.synthetic.regions import DISTRICTS

if TYPE_CHECKING:
    from kuaiban.shareddata.synthetic.source import PersonDraft, Synthesizer

RETIREMENT_AGE = {True: 60, False: 55}  # men, women (statutory ages before the 2025 reform)
PEOPLE_PER_ENTERPRISE = 20


def career(
    synth: Synthesizer,
    rng: random.Random,
    *,
    draft: PersonDraft,
    index: int,
    male: bool,
    card: bool,
) -> None:
    """Fill ``draft`` with insurance and employment (the person is 18 or older)."""
    as_of, birth = synth.as_of, draft.person.birth_date
    adult = add_years(birth, 18)
    delay = rng.randrange(min((as_of - adult).days, 12 * 365) + 1)
    first = first_of_next_month(adult + dt.timedelta(days=delay))
    if first >= as_of:
        return
    retire_on = add_years(birth, RETIREMENT_AGE[male])
    retired = retire_on <= as_of
    end = retire_on if retired else as_of
    unemployed = False
    if not retired and rng.random() < 0.04:
        last_day = as_of - dt.timedelta(days=rng.randint(30, 400))
        if last_day > first + dt.timedelta(days=90):
            end, unemployed = last_day, True
    jobs = _jobs(synth, rng, index=index, start=first, end=end, ongoing=not (retired or unemployed))
    draft.employments = jobs
    months = months_between(first, end)
    status = "已退休" if retired else "暂停缴费" if unemployed else "正常参保"
    draft.insurance = _insurance(
        rng,
        region_code=draft.person.region_code,
        first=first,
        months=round(months * rng.uniform(0.6, 1.0)),
        status=status,
        unit_name=jobs[0].unit_name if jobs else "",  # newest first; none: 灵活就业
        card=card,
    )
    draft.unemployments = _unemployments(rng, jobs=jobs, end=end, as_of=as_of, now=unemployed)


def _jobs(
    synth: Synthesizer,
    rng: random.Random,
    *,
    index: int,
    start: dt.date,
    end: dt.date,
    ongoing: bool,
) -> list[EmploymentRecord]:
    """1–3 consecutive jobs between ``start`` and ``end``, newest first (the model's order)."""
    span = (end - start).days
    count = 1 if span < 5 * 365 else rng.choice((1, 2, 2, 3))
    cuts = sorted(rng.sample(range(1, span), count - 1)) if count > 1 else []
    bounds = [start, *(start + dt.timedelta(days=c) for c in cuts), end]
    jobs = []
    for number, (begin, finish) in enumerate(itertools.pairwise(bounds)):
        employer = synth.employer(rng.randrange(index // PEOPLE_PER_ENTERPRISE + 1))
        begin = max(begin, employer.established)
        last = number == count - 1
        if not last:
            finish -= dt.timedelta(days=rng.randint(1, 60))  # a gap between jobs
        if begin >= finish:
            continue  # the unit did not exist yet: this stretch stays unrecorded
        jobs.append(
            EmploymentRecord(
                unit_name=employer.name,
                unit_credit_code=employer.credit_code,
                start_date=begin,
                end_date=None if last and ongoing else finish,
            )
        )
    jobs.reverse()
    return jobs


def _insurance(
    rng: random.Random,
    *,
    region_code: str,
    first: dt.date,
    months: int,
    status: str,
    unit_name: str,
    card: bool,
) -> InsuranceRecord:
    district = DISTRICTS[region_code]
    bank, bin_ = rng.choice(vocab.BANKS) if card else ("", "")
    return InsuranceRecord(
        unit_name=unit_name,
        first_contribution_date=first,
        contribution_months=months,
        status=status,
        region_name=district.city,
        card_bank=f"{bank}{district.city}{district.name}支行" if card else "",
        card_bank_account=(
            vocab.luhn_complete(f"{bin_}{rng.randrange(10**12):012d}") if card else ""
        ),
        pension_account_balance=Decimal(months * rng.uniform(150, 520)).quantize(Decimal("0.01")),
    )


def _unemployments(
    rng: random.Random,
    *,
    jobs: list[EmploymentRecord],
    end: dt.date,
    as_of: dt.date,
    now: bool,
) -> list[UnemploymentRecord]:
    spells = []
    if now:
        spells.append(
            UnemploymentRecord(
                registered_on=min(as_of, end + dt.timedelta(days=rng.randint(3, 45))),
                reason=rng.choice(vocab.UNEMPLOYMENT_REASONS),
                status="登记失业",
            )
        )
    # An earlier spell between two jobs (jobs are newest first).
    if len(jobs) >= 2 and jobs[-1].end_date and rng.random() < 0.08:
        gap_start = jobs[-1].end_date + dt.timedelta(days=1)
        if gap_start < jobs[-2].start_date:
            spells.append(
                UnemploymentRecord(
                    registered_on=gap_start,
                    reason=rng.choice(vocab.UNEMPLOYMENT_REASONS),
                    status="已就业",
                )
            )
    return spells
