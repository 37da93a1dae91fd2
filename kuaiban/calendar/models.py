"""The working-day calendar (工作日历) as data: special dates and the years they cover.

A weekday without a `CalendarDay` row is a working day; a Saturday or Sunday without one is a
rest day. Only years with a complete `CalendarYear` row can be computed with; any other year is
an explicit error (`CalendarNotConfigured`), never a guess.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Years an administrator can enter; the maintained package starts at 2004.
FIRST_YEAR = 2000
LAST_YEAR = 2100


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日休息日")
    WORKDAY = "workday", _("调休上班日")


class CalendarSource(models.TextChoices):
    PACKAGE = "package", _("chinesecalendar 数据包")
    ADMIN = "admin", _("管理员录入")


class CalendarYear(models.Model):
    year = models.PositiveSmallIntegerField(
        _("年份"),
        unique=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
        help_text=_("国务院办公厅公布的该年部分节假日安排所对应的年份，如 2027。"),
    )
    complete = models.BooleanField(
        _("已录入完整"),
        default=False,
        help_text=_("该年全部放假和调休日期都已录入后再勾选；未勾选的年份不能用于计算办结期限。"),
    )
    source = models.CharField(
        _("来源"),
        max_length=10,
        choices=CalendarSource.choices,
        default=CalendarSource.ADMIN,
        help_text=_("数据包载入的年份会随数据包更新；管理员录入或修改过的年份不会被覆盖。"),
    )
    note = models.TextField(
        _("备注"),
        blank=True,
        help_text=_("依据文件，如 国办发明电〔2025〕7号；或数据包版本。"),
    )

    class Meta:
        verbose_name = _("日历年份")
        verbose_name_plural = _("日历年份")
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR),
                name="workcalendar_year_in_range",
            ),
            models.CheckConstraint(
                condition=Q(source__in=CalendarSource.values), name="workcalendar_year_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年"


class CalendarDay(models.Model):
    date = models.DateField(
        _("日期"), unique=True, help_text=_("北京时间的日历日期；每个日期至多一行。")
    )
    kind = models.CharField(
        _("类型"),
        max_length=10,
        choices=CalendarDayKind.choices,
        help_text=_("法定节假日休息日不上班（含放假期间的周末）；调休上班日是要上班的周六或周日。"),
    )
    name = models.CharField(
        _("节日名称"), max_length=60, help_text=_("所属节日，如 春节、国庆节、元旦。")
    )
    source = models.CharField(
        _("来源"),
        max_length=10,
        choices=CalendarSource.choices,
        default=CalendarSource.ADMIN,
        help_text=_("数据包载入的日期会随数据包更新；管理员录入或修改过的日期不会被覆盖。"),
    )

    class Meta:
        verbose_name = _("节假日与调休日")
        verbose_name_plural = _("节假日与调休日")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CalendarDayKind.values), name="workcalendar_day_kind"
            ),
            models.CheckConstraint(
                condition=Q(source__in=CalendarSource.values), name="workcalendar_day_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}（{self.get_kind_display()}）"

    def clean(self) -> None:
        # A make-up working day on a weekday would change nothing: it is almost certainly a typo.
        if self.kind == CalendarDayKind.WORKDAY and self.date and self.date.weekday() < 5:
            raise ValidationError({"kind": _("调休上班日只能是周六或周日。")})
