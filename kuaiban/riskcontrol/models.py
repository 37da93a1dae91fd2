"""内控: risk points on items (Jiangsu 2021 “查找风险点，逐一细化风控措施”; Shandong 2023 第15条
高风险业务集中审核) and officers' posts per kind of item (岗位权限)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RiskPoint(models.TextChoices):
    LUMP_SUM = "lump_sum", _("支付金额达到限额")
    REFUND = "refund", _("退费")
    BACK_PAYMENT = "back_payment", _("补缴")
    BANK_ACCOUNT = "bank_account", _("变更待遇发放银行账户")
    REOPEN = "reopen", _("重新办理已办结业务")


def decision_risk_points(
    *,
    points: list[str],
    paid_amount: Decimal | None,
    threshold: Decimal,
    reopened: bool,
) -> list[RiskPoint]:
    """The risk points one approval touches; any → a second officer must agree (四眼原则).

    The one rule, pure: 退费、补缴、变更银行账户 always; 支付金额 when the amount paid reaches
    the threshold, or is not stated (an unknown amount is not taken to be small); 重新办理 when
    the sub-case was decided before and reopened, whatever the item."""
    found: list[RiskPoint] = []
    for point in points:
        if point not in RiskPoint.values or point == RiskPoint.REOPEN:
            continue
        if point == RiskPoint.LUMP_SUM and paid_amount is not None and paid_amount < threshold:
            continue
        found.append(RiskPoint(point))
    if reopened:
        found.append(RiskPoint.REOPEN)
    return found


# Before the bureau sets its own (control file or admin).
DEFAULT_AMOUNT_THRESHOLD = Decimal(10000)


class RiskSettings(models.Model):
    """The bureau's one row of global risk settings (the admin edits it)."""

    amount_threshold = models.DecimalField(
        _("支付金额限额（元）"),
        max_digits=12,
        decimal_places=2,
        default=DEFAULT_AMOUNT_THRESHOLD,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("有“支付金额达到限额”风险点的事项，核定发放金额达到此数须复核；事项可另设。"),
    )

    class Meta:
        verbose_name = _("内控设置")
        verbose_name_plural = _("内控设置")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_threshold__gte=0), name="risk_settings_threshold_nonnegative"
            )
        ]

    def __str__(self) -> str:
        return str(_("内控设置"))

    @classmethod
    def current_threshold(cls) -> Decimal:
        row = cls.objects.order_by("pk").first()
        return row.amount_threshold if row is not None else DEFAULT_AMOUNT_THRESHOLD


class ItemRisk(models.Model):
    """An item's risk points; an approval touching one needs a second officer
    (`decision_risk_points`). Pack data (`packs/controls/commitments.yaml`), editable by the
    bureau in the admin."""

    item = models.OneToOneField(
        "catalogue.ServiceItem",
        verbose_name=_("服务事项"),
        on_delete=models.CASCADE,
        related_name="risk",
    )
    points = models.JSONField(
        _("风险点"), default=list, help_text=_("RiskPoint 取值的列表；非空即为高风险事项。")
    )
    amount_threshold = models.DecimalField(
        _("本事项支付金额限额（元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("空则用内控设置中的全局限额。"),
    )
    source = models.CharField(_("政策依据"), max_length=200, help_text=_("种子文件中的位置。"))

    class Meta:
        verbose_name = _("事项风险点")
        verbose_name_plural = _("事项风险点")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_threshold__isnull=True) | Q(amount_threshold__gte=0),
                name="item_risk_threshold_nonnegative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id}:{','.join(self.points)}"

    @property
    def high_risk(self) -> bool:
        return bool(self.points)

    def threshold(self, default: Decimal) -> Decimal:
        return self.amount_threshold if self.amount_threshold is not None else default

    def point_labels(self) -> list[str]:
        return [str(RiskPoint(p).label) for p in self.points if p in RiskPoint.values]


class Post(models.Model):
    """岗位权限: what kind of item an officer may decide or review. An officer without any post
    works every item of their agency (the platform's default); with posts, only those."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.CASCADE,
        related_name="posts",
    )
    category = models.CharField(
        _("业务板块"),
        max_length=20,
        blank=True,
        help_text=_("事项目录的业务板块，如 社会保险；空为全部板块。"),
    )
    may_decide = models.BooleanField(_("可审核办结"), default=True)
    may_review = models.BooleanField(
        _("可复核高风险事项"), default=False, help_text=_("本机构高风险事项的第二审核人。")
    )
    central_review = models.BooleanField(
        _("省集中审核"),
        default=False,
        help_text=_("集中审核单位的岗位：可复核本人所属地区及以下各机构的高风险事项。"),
    )

    class Meta:
        verbose_name = _("岗位权限")
        verbose_name_plural = _("岗位权限")

    def __str__(self) -> str:
        return f"{self.user_id}:{self.category or '全部'}"

    def covers(self, category: str) -> bool:
        return not self.category or self.category == category
