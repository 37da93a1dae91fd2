"""The calendar's one error: a date outside the configured years."""

from __future__ import annotations

from kuaiban.core.errors import Unprocessable


class CalendarNotConfigured(Unprocessable):
    """A computation needed a year whose holiday schedule is not (completely) entered.

    It is an `ApiError`, so any endpoint that computes a due date answers 422 with code
    ``calendar_not_configured`` and this message instead of a 500 or a guessed date.
    """

    code = "calendar_not_configured"

    def __init__(self, *, year: int, incomplete: bool = False) -> None:
        self.year = year
        if incomplete:
            message = (
                f"工作日历中{year}年的节假日安排尚未标记为录入完整，"
                f"请管理员录入{year}年的放假和调休安排后勾选“已录入完整”"
            )
        else:
            message = f"工作日历未配置{year}年的节假日安排，请管理员先录入{year}年的放假和调休安排"
        super().__init__(message)
