"""Rules that refuse an application on submit (`on_submit: refuse`) and `date_within_months`."""

from __future__ import annotations

import datetime as dt

import pytest

from kuaiban.catalogue.checks import check_normalize
from tests.cases.test_checks_evaluate import one, rule


@pytest.mark.parametrize(
    ("on", "date", "passed", "detail"),
    [
        (dt.date(2025, 3, 12), "2025-09-12", True, "退休日期为2025-09-12，在申请日后6个月内"),
        (
            dt.date(2025, 3, 12),
            "2025-09-13",
            False,
            "退休日期为2025-09-13，晚于申请日后6个月（2025-09-12）；请在退休日期前6个月内申请",
        ),
        # From 31 August, six months on is the last day of February.
        (dt.date(2025, 8, 31), "2026-02-28", True, "退休日期为2026-02-28，在申请日后6个月内"),
        (dt.date(2025, 8, 31), "2026-03-01", False, "晚于申请日后6个月（2026-02-28）"),
    ],
)
def test_date_within_months(on: dt.date, date: str, passed: bool, detail: str) -> None:
    check = rule("date_within_months", "retirement_date", months=6)
    result = one(check, {"retirement_date": date}, on=on)
    assert result[0] is passed and detail in result[1]


def test_date_within_months_needs_whole_months() -> None:
    _check, problems = check_normalize(rule("date_within_months", "retirement_date", months=0))
    assert [p.message for p in problems] == ["参数“months”应为 1 至 120 之间的整数（月）"]


def test_on_submit_is_refuse_or_absent() -> None:
    check, problems = check_normalize(rule("present", "phone", on_submit="refuse"))
    assert problems == [] and check["on_submit"] == "refuse"
    check, problems = check_normalize(rule("present", "phone"))
    assert problems == [] and "on_submit" not in check
    _check, problems = check_normalize(rule("present", "phone", on_submit="warn"))
    assert [(p.param, p.message) for p in problems] == [("on_submit", "“on_submit”只能为 refuse")]
