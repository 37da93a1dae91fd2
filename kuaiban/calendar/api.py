"""Calendar endpoints under /api/v1/calendar."""

from __future__ import annotations

import datetime as dt
import re

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from kuaiban.calendar.selectors import add_working_days
from kuaiban.core.errors import ErrorOut

router = Router(tags=["工作日历"])

# Ten years of working days is far beyond any legal limit; larger numbers are typos.
MAX_WORKING_DAYS = 3650

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INTEGER = re.compile(r"-?[0-9]+")


class DueDateQuery(Schema):
    start: dt.date = Field(
        description="起算日期，格式 YYYY-MM-DD（北京时间）；起算当日不计入。",
        examples=["2025-01-24"],
    )
    working_days: int = Field(
        ge=0,
        le=MAX_WORKING_DAYS,
        description=f"工作日数 N，0 到 {MAX_WORKING_DAYS} 的整数；0 表示当日。",
        examples=[5],
    )

    # Pydantic's lax parsing would accept "5.0", "+5", "5_0" or a Unix timestamp; a due date
    # computed from a misread number is worse than a clear error.
    @field_validator("start", mode="before")
    @classmethod
    def _parse_start(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        if not _ISO_DATE.fullmatch(value):
            raise PydanticCustomError("date_format", "日期格式应为 YYYY-MM-DD，如 2025-01-24")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("date_invalid", "不是有效的日期") from None

    @field_validator("working_days", mode="before")
    @classmethod
    def _parse_working_days(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        if not _INTEGER.fullmatch(value):
            raise PydanticCustomError("integer", "工作日数必须是整数，如 5")
        if value.startswith("-"):
            raise PydanticCustomError("negative", "工作日数不能为负数")
        if len(value) > len(str(MAX_WORKING_DAYS)) or int(value) > MAX_WORKING_DAYS:
            raise PydanticCustomError("too_large", f"工作日数不能超过{MAX_WORKING_DAYS}")
        return int(value)


class DueDateOut(Schema):
    due_date: dt.date = Field(description="办结日期：起算日期之后的第 N 个工作日（YYYY-MM-DD）。")


@router.get(
    "/due-date",
    response={200: DueDateOut, 422: ErrorOut},
    summary="按工作日计算办结日期",
    description=(
        "返回起算日期之后的第 N 个工作日（起算当日不计入），按国务院公布的放假和调休安排计算，"
        "调休上班的周六、周日算工作日。参数不正确返回 422（code 为 invalid，fields 列出各参数的问题）；"
        "计算需要的年份尚未录入工作日历时返回 422，code 为 calendar_not_configured，"
        "message 指明需要录入的年份。"
    ),
)
def due_date(request: HttpRequest, query: Query[DueDateQuery]) -> DueDateOut:
    return DueDateOut(due_date=add_working_days(start=query.start, days=query.working_days))
