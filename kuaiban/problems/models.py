"""“办不成事”反映: one report, one owner, one due time in working days, one end."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    OPEN = "open", _("处理中")
    RESOLVED = "resolved", _("已答复，待评价")
    CLOSED = "closed", _("已办结")


class ReportChannel(models.TextChoices):
    ONLINE = "online", _("网上反映")
    WINDOW = "window", _("窗口反映")


class ProblemReportQuerySet(models.QuerySet["ProblemReport"]):
    def running(self) -> ProblemReportQuerySet:
        return self.filter(status=ReportStatus.OPEN)

    def overdue(self, now: dt.datetime) -> ProblemReportQuerySet:
        """Still open past the due time: the one rule for escalation and for the counts."""
        return self.running().filter(due_at__lt=now)


class ProblemReport(models.Model):
    RUNNING: ClassVar[tuple[ReportStatus, ...]] = (ReportStatus.OPEN,)

    number = models.CharField(
        _("反映编号"),
        max_length=24,
        unique=True,
        help_text=_("BC-地区代码-日期-当日序号，如 BC-370102-20261202-0003。"),
    )
    channel = models.CharField(_("反映渠道"), max_length=8, choices=ReportChannel.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="problem_reports_filed",
        help_text=_("网上反映为反映人本人；窗口反映为登记的综合柜员。"),
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("反映人账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problem_reports",
        help_text=_("在窗口反映且没有账号的群众为空。"),
    )
    reporter_name = models.CharField(_("反映人"), max_length=60)
    contact = models.CharField(
        _("联系电话"), max_length=20, help_text=_("答复用；列表与日志中脱敏显示。")
    )
    region = models.ForeignKey(
        "catalogue.Region",
        verbose_name=_("所在地区"),
        on_delete=models.PROTECT,
        help_text=_("问题发生的地区；与事项一起决定责任机构。"),
    )
    item = models.ForeignKey(
        "catalogue.ServiceItem",
        verbose_name=_("涉及事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("说不清是哪个事项时为空，由本地区人社服务大厅负责。"),
    )
    description = models.TextField(_("反映内容"), help_text=_("没有办成的事和经过。"))
    owner_agency = models.ForeignKey(
        "catalogue.Agency",
        verbose_name=_("责任机构"),
        on_delete=models.PROTECT,
        related_name="problem_reports",
        help_text=_("按地区和事项的分派路由确定；未指明事项时为本地区人社服务大厅。"),
    )
    filed_at = models.DateTimeField(_("反映时间"))
    due_at = models.DateTimeField(
        _("答复期限"), db_index=True, help_text=_("自反映之日起按工作日计算。")
    )
    escalated_at = models.DateTimeField(
        _("督办时间"), null=True, blank=True, help_text=_("超过答复期限后提请监督人员督办。")
    )
    resolution = models.TextField(_("处理结果"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    satisfied = models.BooleanField(
        _("反映人是否满意"), null=True, blank=True, help_text=_("反映人对答复的评价。")
    )
    feedback = models.TextField(_("反映人意见"), blank=True)
    feedback_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    version = models.PositiveIntegerField(
        _("版本"), default=1, help_text=_("每次处理加一；两人同时处理时只有一人成功。")
    )

    objects = ProblemReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("办不成事反映")
        verbose_name_plural = _("办不成事反映")
        ordering = ["-filed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ReportStatus.OPEN) | ~Q(resolution=""),
                name="problem_report_resolved_has_resolution",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def is_overdue(self, now: dt.datetime) -> bool:
        return self.status == ReportStatus.OPEN and self.due_at < now


class ProblemSequence(models.Model):
    """The last report number given for a region on a day; counted on atomically."""

    region_code = models.CharField(_("地区代码"), max_length=6)
    day = models.DateField(_("日期"))
    last = models.PositiveIntegerField(_("当日最后序号"), default=0)

    class Meta:
        verbose_name = _("反映编号序列")
        verbose_name_plural = _("反映编号序列")
        constraints = [
            models.UniqueConstraint(fields=["region_code", "day"], name="unique_problem_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.region_code}-{self.day}:{self.last}"
