"""The facts the proactive rules read beyond a working life: a graduation date; a unit's size,
staff, layoffs, arrears and unemployment-insurance contributions.

Shares are rough national orders of magnitude: one pensioner in a hundred deceased recently,
one unit in twenty in arrears, most units laying off under 4% a year.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from kuaiban.shareddata.models import EnterpriseSize

DEATH_SHARE = 0.01
# Age on leaving a 高校 by the highest degree (a year either way for some).
_GRADUATION_AGE = {"大学专科": 21, "大学本科": 22, "硕士研究生": 25, "博士研究生": 29}
# Size → (share per mille cumulated, staff range).
_SIZES = (
    (EnterpriseSize.LARGE, 20, (1000, 3000)),
    (EnterpriseSize.MEDIUM, 100, (300, 999)),
    (EnterpriseSize.SMALL, 400, (20, 299)),
    (EnterpriseSize.MICRO, 1000, (1, 19)),
)
_CENT = Decimal("0.01")


def graduation(
    rng: random.Random, *, education: str, birth: dt.date, as_of: dt.date
) -> dt.date | None:
    """30 June of the year the person left a 高校 (none without a tertiary degree, or later)."""
    age = _GRADUATION_AGE.get(education)
    if age is None:
        return None
    graduated = dt.date(birth.year + age + rng.choice((-1, 0, 0, 0, 1)), 6, 30)
    return graduated if graduated <= as_of else None


def unit_facts(
    rng: random.Random, *, established: dt.date, as_of: dt.date
) -> tuple[str, int, dt.date | None, int, Decimal, Decimal]:
    """Size, insured staff, 失业保险 since, last year's layoffs, arrears, last year's 失业保险费."""
    draw = rng.randrange(1000)
    size, low, high = next((s, lo, hi) for s, top, (lo, hi) in _SIZES if draw < top)
    employees = rng.randint(low, high)
    start = established + dt.timedelta(days=rng.randint(0, 400))
    insured_since = min(start, as_of) if rng.random() < 0.95 else None
    share = rng.uniform(0, 0.04) if rng.random() < 0.85 else rng.uniform(0.04, 0.2)
    arrears = Decimal(rng.randrange(1000, 200000)) if rng.random() < 0.05 else Decimal(0)
    # 失业保险费率 1%（单位 0.5% + 个人 0.5%）of a yearly wage bill.
    wage_bill = employees * 12 * rng.randint(4000, 12000)
    paid = (Decimal(wage_bill) / 100).quantize(_CENT)
    return str(size), employees, insured_since, int(employees * share), arrears, paid
