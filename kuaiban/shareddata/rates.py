"""Contribution rates and the personal account's interest, by period; one source for the
generator (which computes contributions) and the rights record (which computes the account).

Rates are the national rules as Shandong applied them: 养老 unit 20% until April 2019 and 16%
from May 2019 (国办发〔2019〕13号), personal 8%; 失业 from 1999 (《失业保险条例》) unit 2% /
personal 1%, lowered in 2015, 2016 and to 0.7% / 0.3% from May 2019; 工伤 from 2004
(《工伤保险条例》), paid by the unit at its industry's rate. Interest (记账利率) is the
yearly rate 人社部、财政部 publish since 2016; before that the one-year deposit rate
(about 3%) was used. A year not yet published takes the last published rate.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

# (first month of the period, unit rate, personal rate)
_PENSION = ((dt.date(1900, 1, 1), "0.20", "0.08"), (dt.date(2019, 5, 1), "0.16", "0.08"))
_UNEMPLOYMENT = (
    (dt.date(1900, 1, 1), "0", "0"),
    (dt.date(1999, 1, 1), "0.02", "0.01"),
    (dt.date(2015, 3, 1), "0.015", "0.005"),
    (dt.date(2016, 5, 1), "0.01", "0.005"),
    (dt.date(2019, 5, 1), "0.007", "0.003"),
)
INJURY_START = dt.date(2004, 1, 1)
INJURY_RATES = ("0.002", "0.004", "0.007", "0.009", "0.011", "0.013", "0.015", "0.019")
# 灵活就业人员: 20% of the base, 8 points of it to the personal account; no 失业 or 工伤.
FLEXIBLE_RATE = Decimal("0.20")

_INTEREST = {
    2016: "0.0831",
    2017: "0.0712",
    2018: "0.0829",
    2019: "0.0761",
    2020: "0.0604",
    2021: "0.0669",
    2022: "0.0612",
    2023: "0.0397",
    2024: "0.0262",
}
_DEPOSIT_RATE = Decimal("0.03")
_LAST_PUBLISHED = max(_INTEREST)


def _period(table: tuple[tuple[dt.date, str, str], ...], month: dt.date) -> tuple[Decimal, Decimal]:
    unit, personal = table[0][1], table[0][2]
    for start, u, p in table:
        if month >= start:
            unit, personal = u, p
    return Decimal(unit), Decimal(personal)


def pension_rates(month: dt.date) -> tuple[Decimal, Decimal]:
    return _period(_PENSION, month)


def unemployment_rates(month: dt.date) -> tuple[Decimal, Decimal]:
    return _period(_UNEMPLOYMENT, month)


def interest_rate(year: int) -> Decimal:
    if year < min(_INTEREST):
        return _DEPOSIT_RATE
    return Decimal(_INTEREST.get(year, _INTEREST[_LAST_PUBLISHED]))


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def account_year(*, year: int, opening: Decimal, credited: Decimal) -> tuple[Decimal, Decimal]:
    """(interest, closing) of a year of the personal account: the opening balance earns a
    year's interest, the year's contributions half a year's on average."""
    rate = interest_rate(year)
    interest = money(opening * rate + credited * rate / 2)
    return interest, opening + credited + interest
