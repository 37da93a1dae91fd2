"""告知承诺 checked afterwards (事中事后核查): the rules, one check per commitment, 失信 records.

Shanxi 2020 四(四): “通过内部核查、部门间行政协助、必要的现场勘查等方式，对有关办理要件进行核实”;
Jiangsu 2021 三.1: “采取在线核查、现场核查、行政机关协助核查等措施，加强事中事后监管”.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CheckMethod(models.TextChoices):
    ONLINE = "online", _("在线核查（共享数据）")
    ASSISTANCE = "assistance", _("部门协助核查")
    ON_SITE = "on_site", _("现场核查")


class CheckStatus(models.TextChoices):
    NOT_DRAWN = "not_drawn", _("未抽中，免于核查")
    PENDING = "pending", _("待核查")
    REQUESTED = "requested", _("已请求协助核查")
    SCHEDULED = "scheduled", _("已安排现场核查")
    CONFIRMED = "confirmed", _("核查属实")
    FALSE = "false", _("核查不实")


CHECK_OPEN: tuple[CheckStatus, ...] = (
    CheckStatus.PENDING,
    CheckStatus.REQUESTED,
    CheckStatus.SCHEDULED,
)


def overdue_q(now: dt.datetime) -> Q:
    """Open checks past their due time: overdue from that moment, whether or not the sweeper
    has marked (and alerted) them yet."""
    return Q(status__in=CHECK_OPEN, due_at__lt=now)


class Recovery(models.TextChoices):
    NONE = "none", _("不涉及")
    FLAGGED = "flagged", _("待追回已发放资金")
    CLEARED = "cleared", _("异议成立，不再追回")


class DecisionReview(models.TextChoices):
    NONE = "none", _("无须复查")
    PENDING = "pending", _("待复查办结决定")
    REVOKED = "revoked", _("已撤销办结决定")
    AMENDED = "amended", _("已更正办结决定")


class CheckRule(models.Model):
    """How a committed material is checked; pack data (`packs/commitment-checks.yaml`)."""

    material_code = models.CharField(
        _("材料代码"), max_length=60, unique=True, help_text=_("目录中允许告知承诺的材料。")
    )
    method = models.CharField(_("核查方式"), max_length=12, choices=CheckMethod.choices)
    online_path = models.CharField(
        _("在线核查数据项"),
        max_length=60,
        blank=True,
        help_text=_("与承诺内容比对的共享数据项，如 employment.end_date（劳动关系终止日期）。"),
    )
    promised_fields = models.JSONField(
        _("承诺内容所在的表单字段"),
        default=list,
        blank=True,
        help_text=_("申请表中载明所承诺事实的字段，按顺序取第一个已填写的，与共享数据比对。"),
    )
    false_without_value = models.BooleanField(
        _("有记录无此项即不实"),
        default=False,
        help_text=_("共享数据已有该类记录但此项为空时认定不实（如劳动关系仍存续）。"),
    )
    partner_kind = models.CharField(
        _("协助单位类型"), max_length=40, blank=True, help_text=_("如 civil_affairs（民政部门）。")
    )
    due_working_days = models.PositiveSmallIntegerField(
        _("核查期限（工作日）"), default=10, help_text=_("自受理之日起的工作日数。")
    )
    source = models.CharField(_("政策依据"), max_length=200, help_text=_("种子文件中的位置。"))

    class Meta:
        verbose_name = _("承诺核查规则")
        verbose_name_plural = _("承诺核查规则")
        ordering = ["material_code"]

    def __str__(self) -> str:
        return f"{self.material_code}:{self.method}"


class ItemPolicy(models.Model):
    """What the bureau sets per item: the sampling rate and whether 失信 stops commitments."""

    item = models.OneToOneField(
        "catalogue.ServiceItem",
        verbose_name=_("服务事项"),
        on_delete=models.CASCADE,
        related_name="commitment_policy",
    )
    sample_rate = models.DecimalField(
        _("抽查比例"),
        max_digits=4,
        decimal_places=3,
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("协助核查、现场核查按此比例随机抽取；1 为全部核查。在线核查总是进行。"),
    )
    sample_seed = models.CharField(
        _("抽查种子"),
        max_length=40,
        default="2026",
        help_text=_("抽取可复现：同一种子、同一办件与材料总得出同一结果。"),
    )
    refuse_when_discredited = models.BooleanField(
        _("失信后不再适用告知承诺"),
        default=True,
        help_text=_("有告知承诺不实记录的个人或单位，办理本事项须提交材料原件。"),
    )
    source = models.CharField(_("政策依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("事项承诺核查设置")
        verbose_name_plural = _("事项承诺核查设置")
        constraints = [
            models.CheckConstraint(
                condition=Q(sample_rate__gte=0) & Q(sample_rate__lte=1),
                name="item_policy_rate_0_1",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.sample_rate}"


class AssistancePartner(models.Model):
    """Another administrative body that answers assistance requests (行政协助) with its system."""

    code = models.SlugField(_("代码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=120, help_text=_("如 济南市民政局。"))
    kind = models.CharField(
        _("单位类型"), max_length=40, help_text=_("与核查规则的协助单位类型对应。")
    )
    region = models.ForeignKey(
        "catalogue.Region",
        verbose_name=_("所在地区"),
        on_delete=models.PROTECT,
        help_text=_("办件地区及其上级地区中最近的协助单位被请求。"),
    )
    webhook_url = models.URLField(_("协助请求地址"), help_text=_("接收签名的协助核查请求。"))
    webhook_secret = models.CharField(
        _("签名密钥"), max_length=120, help_text=_("请求与答复均以此密钥签名。")
    )

    class Meta:
        verbose_name = _("协助核查单位")
        verbose_name_plural = _("协助核查单位")

    def __str__(self) -> str:
        return self.name


class CommitmentCheck(models.Model):
    OPEN: ClassVar[tuple[CheckStatus, ...]] = CHECK_OPEN

    commitment = models.OneToOneField(
        "applications.ApplicationCommitment",
        verbose_name=_("承诺"),
        on_delete=models.PROTECT,
        related_name="commitment_check",
    )
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("办件"),
        on_delete=models.PROTECT,
        related_name="commitment_checks",
    )
    subcase = models.ForeignKey(
        "cases.SubCase",
        verbose_name=_("依据该承诺办理的子件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitment_checks",
    )
    material_code = models.CharField(_("材料代码"), max_length=60)
    material_name = models.CharField(_("材料名称"), max_length=120)
    method = models.CharField(_("核查方式"), max_length=12, choices=CheckMethod.choices)
    status = models.CharField(
        _("状态"), max_length=12, choices=CheckStatus.choices, default=CheckStatus.PENDING
    )
    agency = models.ForeignKey(
        "catalogue.Agency",
        verbose_name=_("核查机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitment_checks",
        help_text=_("依据该承诺办理事项的机构。"),
    )
    region = models.ForeignKey(
        "catalogue.Region", verbose_name=_("办理地区"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核查责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_at = models.DateTimeField(_("核查期限"), db_index=True)
    overdue = models.BooleanField(
        _("已超期"), default=False, help_text=_("由巡检更新；超期时提醒一次。")
    )
    sample_rate = models.DecimalField(
        _("抽查比例"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    sample_seed = models.CharField(_("抽查种子"), max_length=40, blank=True)
    sample_value = models.FloatField(
        _("抽取值"),
        null=True,
        blank=True,
        help_text=_("由种子、办件编号与材料代码算出的 [0,1) 数；小于抽查比例即抽中。"),
    )
    promised_label = models.CharField(
        _("承诺内容名称"),
        max_length=120,
        blank=True,
        help_text=_("如 证书编号、解除/终止劳动关系日期。"),
    )
    promised_value = models.CharField(
        _("承诺内容"),
        max_length=200,
        blank=True,
        help_text=_("提交时申请表所载、在线核查与共享数据比对的值。"),
    )
    next_try_at = models.DateTimeField(_("下次在线核查时间"), null=True, blank=True, db_index=True)
    tries = models.PositiveIntegerField(_("在线核查次数"), default=0)
    last_try_note = models.CharField(_("最近一次在线核查情况"), max_length=200, blank=True)
    partner = models.ForeignKey(
        AssistancePartner,
        verbose_name=_("协助单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checks",
    )
    requested_at = models.DateTimeField(_("请求协助时间"), null=True, blank=True)
    scheduled_for = models.DateField(_("现场核查日期"), null=True, blank=True)
    findings = models.TextField(_("核查情况"), blank=True)
    decided_at = models.DateTimeField(_("核查结论时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作出结论的经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by_system = models.CharField(
        _("作出结论的系统"),
        max_length=80,
        blank=True,
        help_text=_("在线核查的数据来源，或答复协助请求的单位。"),
    )
    recovery = models.CharField(
        _("资金追回"), max_length=10, choices=Recovery.choices, default=Recovery.NONE
    )
    decision_review = models.CharField(
        _("办结决定复查"),
        max_length=10,
        choices=DecisionReview.choices,
        default=DecisionReview.NONE,
    )
    version = models.PositiveIntegerField(_("版本"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("告知承诺核查")
        verbose_name_plural = _("告知承诺核查")
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["status", "due_at"], name="check_status_due_idx")]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.material_code}"

    @property
    def is_open(self) -> bool:
        return self.status in CHECK_OPEN

    def is_overdue(self, now: dt.datetime) -> bool:
        return self.is_open and self.due_at < now


class CreditRecord(models.Model):
    """失信 record: a commitment found false. Later submissions of the same person or unit see
    it; nothing is deleted, a lifted record stays with who lifted it and why."""

    id_number = models.CharField(_("身份证号"), max_length=18, blank=True, db_index=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    name = models.CharField(_("姓名或单位名称"), max_length=120)
    commitment_check = models.OneToOneField(
        CommitmentCheck,
        verbose_name=_("核查"),
        on_delete=models.PROTECT,
        related_name="credit_record",
    )
    reason = models.TextField(_("失信事由"))
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("认定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("由协助单位或共享数据认定时为空，见核查的结论来源。"),
    )
    active = models.BooleanField(_("有效"), default=True)
    lifted_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("解除人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lift_reason = models.TextField(_("解除理由"), blank=True)

    class Meta:
        verbose_name = _("告知承诺失信记录")
        verbose_name_plural = _("告知承诺失信记录")
        ordering = ["-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(id_number="") | ~Q(credit_code=""), name="credit_record_has_subject"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class CheckObjection(models.Model):
    commitment_check = models.ForeignKey(
        CommitmentCheck,
        verbose_name=_("核查"),
        on_delete=models.PROTECT,
        related_name="objections",
    )
    text = models.TextField(_("异议理由"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    status = models.CharField(
        _("处理状态"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    note = models.TextField(_("处理意见"), blank=True)

    class Meta:
        verbose_name = _("核查结论异议")
        verbose_name_plural = _("核查结论异议")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment_check"],
                condition=Q(status="open"),
                name="one_open_objection_per_check",
            )
        ]

    def __str__(self) -> str:
        return f"{self.commitment_check_id}:{self.status}"
