"""上门办: 特殊情况上门办 for the old, the disabled and the seriously ill (Jiangsu 2021,
Shandong 2023 “电话预约或上门服务”)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitStatus(models.TextChoices):
    REQUESTED = "requested", _("待安排")
    SCHEDULED = "scheduled", _("已安排上门")
    DONE = "done", _("已上门")
    CANCELLED = "cancelled", _("已取消")


class RequestedAs(models.TextChoices):
    SELF = "self", _("本人申请")
    FAMILY = "family", _("家属代为申请")
    CLERK = "clerk", _("窗口或电话登记")


class VisitReason(models.TextChoices):
    ELDERLY = "elderly", _("年老行动不便")
    DISABLED = "disabled", _("残疾")
    ILL = "ill", _("重病或卧床")
    OTHER = "other", _("其他特殊情况")


class VisitOutcome(models.TextChoices):
    APPLIED = "applied", _("上门受理了申请")
    ANSWERED = "answered", _("上门解答，无需申请")
    NOT_DONE = "not_done", _("未能办理")


class HomeVisit(models.Model):
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="home_visits_requested",
        help_text=_("本人、家属，或接电话登记的综合柜员。"),
    )
    requested_as = models.CharField(_("申请方式"), max_length=8, choices=RequestedAs.choices)
    person_name = models.CharField(_("服务对象"), max_length=60)
    person_id_number = models.CharField(
        _("服务对象身份证号"), max_length=18, help_text=_("列表与日志中脱敏显示。")
    )
    phone = models.CharField(_("联系电话"), max_length=20, help_text=_("列表中脱敏显示。"))
    address = models.CharField(_("上门地址"), max_length=200)
    region = models.ForeignKey(
        "catalogue.Region",
        verbose_name=_("所在地区"),
        on_delete=models.PROTECT,
        help_text=_("上门地址所在的市或区县；由该地区的综合柜员或经办人员上门。"),
    )
    item = models.ForeignKey(
        "catalogue.ServiceItem",
        verbose_name=_("要办的事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    need = models.TextField(_("要办的事"), help_text=_("需要办理什么，有什么困难。"))
    reason = models.CharField(_("上门理由"), max_length=10, choices=VisitReason.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.REQUESTED
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上门人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="home_visits_owned",
        help_text=_("本地区的综合柜员或经办人员。"),
    )
    scheduled_for = models.DateField(_("上门日期"), null=True, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("安排人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(
        _("上门结果"), max_length=10, choices=VisitOutcome.choices, blank=True
    )
    outcome_note = models.TextField(_("情况说明"), blank=True)
    visited_at = models.DateTimeField(_("上门时间"), null=True, blank=True)
    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("受理的办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="home_visit",
        help_text=_("上门受理的申请（受理渠道为综合窗口，受理说明写明上门办）。"),
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    version = models.PositiveIntegerField(
        _("版本"), default=1, help_text=_("每次安排或记录结果加一；两人同时操作时只有一人成功。")
    )

    class Meta:
        verbose_name = _("上门服务")
        verbose_name_plural = _("上门服务")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="scheduled")
                | models.Q(owner__isnull=False, scheduled_for__isnull=False),
                name="home_visit_scheduled_has_owner_and_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome="applied") | models.Q(application__isnull=False),
                name="home_visit_applied_has_application",
            ),
        ]

    def __str__(self) -> str:
        return f"上门服务 {self.pk}"

    @property
    def number(self) -> str:
        return f"上门服务第 {self.pk} 号"
