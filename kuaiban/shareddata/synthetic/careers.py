"""A synthetic working life: insurance, jobs at generated units, unemployment spells, and the
facts the 免申即办 rules read off the insurance record (wage, injury grade, recent activity).

Shares are rough national orders of magnitude, enough for realistic counts: about one insured
worker in 250 with a disability grade, one pensioner in ten with no recorded activity for half
a year (the reminder of 静默认证), one worker in twelve insured on their own account (灵活就业,
no unit) and one recent graduate in three.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import TYPE_CHECKING

from kuaiban.shareddata.synthetic import vocab
from kuaiban.shareddata.synthetic.dates import (
    add_days,
    add_years,
    first_of_next_month,
    months_between,
)
from kuaiban.shareddata.synthetic.regions import DISTRICTS
from kuaiban.shareddata.synthetic.rows import EmploymentRow, InsuranceRow, UnemploymentRow

if TYPE_CHECKING:
    from kuaiban.shareddata.synthetic.source import PersonDraft, Synthesizer

RETIREMENT_AGE = {True: 60, False: 55}  # men, women (statutory ages before the 2025 reform)
PEOPLE_PER_ENTERPRISE = 20
# Person i works for one of the EMPLOYER_WINDOW units before unit i // 20: units of every age
# and size keep hiring, and a generating process meets the same few thousand units again and
# again (their names and codes stay in its cache instead of being drawn for each job).
EMPLOYER_WINDOW = 2000
FLEXIBLE_SHARE = 0.08  # insured on their own account (灵活就业人员)
FLEXIBLE_GRADUATE_SHARE = 0.33  # among those within two years of graduating


def career(
    synth: Synthesizer,
    rng: random.Random,
    *,
    draft: PersonDraft,
    index: int,
    male: bool,
    card: bool,
    graduated_on: dt.date | None,
) -> None:
    """Fill ``draft`` with insurance and employment (the person is 18 or older). A graduate
    starts after graduating; a recent one works on their own account more often."""
    as_of, birth = synth.as_of, draft.person.birth_date
    earliest = add_years(birth, 18)
    if graduated_on is not None:
        earliest = max(earliest, add_days(graduated_on, 1))
    if earliest >= as_of:
        return
    delay = rng.randrange(min((as_of - earliest).days, 12 * 365) + 1)
    if graduated_on is not None:
        delay = min(delay, rng.randrange(180))  # most graduates start within half a year
    first = first_of_next_month(add_days(earliest, delay))
    if first >= as_of:
        return
    retire_on = add_years(birth, RETIREMENT_AGE[male])
    retired = retire_on <= as_of
    end = retire_on if retired else as_of
    unemployed = False
    if not retired and rng.random() < 0.04:
        last_day = add_days(as_of, -rng.randint(30, 400))
        if last_day > add_days(first, 90):
            end, unemployed = last_day, True
    recent = graduated_on is not None and months_between(graduated_on, as_of) <= 24
    flexible = rng.random() < (FLEXIBLE_GRADUATE_SHARE if recent else FLEXIBLE_SHARE)
    jobs = (
        []
        if flexible
        else _jobs(
            synth, rng, index=index, start=first, end=end, ongoing=not (retired or unemployed)
        )
    )
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
        as_of=as_of,
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
) -> list[EmploymentRow]:
    """1–3 consecutive jobs between ``start`` and ``end``, newest first (the model's order)."""
    span = (end - start).days
    count = 1 if span < 5 * 365 else rng.choice((1, 2, 2, 3))
    # The first job starts at ``start``, each other one on a day drawn in the span.
    starts = [start]
    if count > 1:
        starts += [add_days(start, cut) for cut in sorted(rng.sample(range(1, span), count - 1))]
    newest = index // PEOPLE_PER_ENTERPRISE
    oldest = max(0, newest - EMPLOYER_WINDOW + 1)
    jobs = []
    for number, begin in enumerate(starts):
        employer = synth.employer(rng.randint(oldest, newest))
        begin = max(begin, employer.established)
        if number == count - 1:  # the last job
            finish, ending = end, None if ongoing else end
        else:  # ends a gap before the next one starts
            finish = ending = add_days(starts[number + 1], -rng.randint(1, 60))
        if begin >= finish:
            continue  # the unit did not exist yet: this stretch stays unrecorded
        # (unit_name, unit_credit_code, start_date, end_date) by position: see `_insurance`.
        jobs.append(EmploymentRow(employer.name, employer.credit_code, begin, ending))
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
    as_of: dt.date,
) -> InsuranceRow:
    district = DISTRICTS[region_code]
    bank, bin_ = rng.choice(vocab.BANKS) if card else ("", "")
    retired = status == "已退休"
    injury = rng.randint(1, 10) if not retired and rng.random() < 0.004 else None
    if retired:
        days = rng.randint(0, 170) if rng.random() < 0.9 else rng.randint(200, 700)
        active: dt.date | None = add_days(as_of, -days)
    elif rng.random() < 0.7:
        active = add_days(as_of, -rng.randint(0, 365))
    else:
        active = None
    # Drawn in the columns' order: account number, balance, wage.
    if card:
        bank_name = f"{bank}{district.city}{district.name}支行"
        account = vocab.luhn_complete(f"{bin_}{rng.randrange(10**12):012d}")
    else:
        bank_name = account = ""
    # Formatting the float to cents rounds its exact value half to even, as
    # Decimal(float).quantize(Decimal("0.01")) does, for a tenth of the cost.
    balance = Decimal(f"{months * rng.uniform(150, 520):.2f}")
    wage = Decimal(rng.randrange(3000, 18000, 10))
    # The columns by position: a NamedTuple's keyword arguments cost three times as much.
    return InsuranceRow(
        unit_name,
        first,  # first_contribution_date
        months,  # contribution_months
        status,
        district.city,  # region_name
        bank_name,  # card_bank
        account,  # card_bank_account
        balance,  # pension_account_balance
        wage,  # monthly_wage
        injury,  # injury_grade
        active,  # last_activity_on
    )


def _unemployments(
    rng: random.Random,
    *,
    jobs: list[EmploymentRow],
    end: dt.date,
    as_of: dt.date,
    now: bool,
) -> list[UnemploymentRow]:
    spells = []
    if now:
        spells.append(
            UnemploymentRow(
                registered_on=min(as_of, add_days(end, rng.randint(3, 45))),
                reason=rng.choice(vocab.UNEMPLOYMENT_REASONS),
                status="登记失业",
            )
        )
    # An earlier spell between two jobs (jobs are newest first).
    if len(jobs) >= 2 and jobs[-1].end_date and rng.random() < 0.08:
        gap_start = add_days(jobs[-1].end_date, 1)
        if gap_start < jobs[-2].start_date:
            spells.append(
                UnemploymentRow(
                    registered_on=gap_start,
                    reason=rng.choice(vocab.UNEMPLOYMENT_REASONS),
                    status="已就业",
                )
            )
    return spells
