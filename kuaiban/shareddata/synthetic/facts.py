"""The facts the proactive rules read: graduation, wage, injury grade, recent activity; a
unit's size, staff, layoffs, arrears and unemployment-insurance contributions.

Shares are rough national orders of magnitude, enough for realistic counts: about one
insured worker in 250 with a disability grade, one pensioner in ten with no recorded activity
for half a year (the reminder of 静默认证), one in a hundred pensioners deceased recently.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import TYPE_CHECKING

from kuaiban.shareddata.models import Enterprise, EnterpriseSize

if TYPE_CHECKING:
    from kuaiban.shareddata.synthetic.source import PersonDraft

DEATH_SHARE = 0.01
_GRADUATES = frozenset({"大学专科", "大学本科", "硕士研究生", "博士研究生"})
# Size → (share per mille cumulated, staff range).
_SIZES = (
    (EnterpriseSize.LARGE, 20, (1000, 3000)),
    (EnterpriseSize.MEDIUM, 100, (300, 999)),
    (EnterpriseSize.SMALL, 400, (20, 299)),
    (EnterpriseSize.MICRO, 1000, (1, 19)),
)


def person_facts(rng: random.Random, *, draft: PersonDraft, age: int, as_of: dt.date) -> None:
    person = draft.person
    if person.education in _GRADUATES and 21 <= age <= 27:
        year = as_of.year - rng.randint(0, 4)
        graduated = dt.date(year, 6, 30)
        person.graduated_on = graduated if graduated <= as_of else dt.date(year - 1, 6, 30)
    insurance = draft.insurance
    if insurance is None:
        return
    insurance.monthly_wage = Decimal(rng.randrange(3000, 18000, 10))
    retired = insurance.status == "已退休"
    if not retired and rng.random() < 0.004:
        insurance.injury_grade = rng.randint(1, 10)
    if retired:
        recent = rng.random() < 0.9
        days = rng.randint(0, 170) if recent else rng.randint(200, 700)
        insurance.last_activity_on = as_of - dt.timedelta(days=days)
    elif rng.random() < 0.7:
        insurance.last_activity_on = as_of - dt.timedelta(days=rng.randint(0, 365))


def unit_facts(rng: random.Random, *, unit: Enterprise, as_of: dt.date) -> None:
    draw = rng.randrange(1000)
    size, low, high = next((s, lo, hi) for s, top, (lo, hi) in _SIZES if draw < top)
    unit.size = size
    unit.employees = rng.randint(low, high)
    assert unit.established is not None
    start = unit.established + dt.timedelta(days=rng.randint(0, 400))
    unit.insured_since = min(start, as_of) if rng.random() < 0.95 else None
    share = rng.uniform(0, 0.04) if rng.random() < 0.85 else rng.uniform(0.04, 0.2)
    unit.layoffs_last_year = int(unit.employees * share)
    unit.arrears = Decimal(rng.randrange(1000, 200000)) if rng.random() < 0.05 else Decimal(0)
    # 失业保险费率 1%（单位 0.5% + 个人 0.5%）of a yearly wage bill.
    wage_bill = unit.employees * 12 * rng.randint(4000, 12000)
    unit.ui_paid_last_year = (Decimal(wage_bill) / 100).quantize(Decimal("0.01"))
