"""内控: risk points on items (Jiangsu 2021 “查找风险点，逐一细化风控措施”; Shandong 2023 第15条
高风险业务集中审核) and officers' posts per kind of item (岗位权限)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskPoint(models.TextChoices):
    LUMP_SUM = "lump_sum", _("一次性支付大额资金")
    REFUND = "refund", _("退费")
    BACK_PAYMENT = "back_payment", _("补缴")
    BANK_ACCOUNT = "bank_account", _("变更待遇发放银行账户")
    REOPEN = "reopen", _("重新办理已办结业务")


class ItemRisk(models.Model):
    """An item's risk points; an item with any point is high-risk: its approval needs a second
    officer. Pack data (`packs/risk-control.yaml`), editable by the bureau in the admin."""

    item = models.OneToOneField(
        "catalogue.ServiceItem",
        verbose_name=_("服务事项"),
        on_delete=models.CASCADE,
        related_name="risk",
    )
    points = models.JSONField(
        _("风险点"), default=list, help_text=_("RiskPoint 取值的列表；非空即为高风险事项。")
    )
    source = models.CharField(_("政策依据"), max_length=200, help_text=_("种子文件中的位置。"))

    class Meta:
        verbose_name = _("事项风险点")
        verbose_name_plural = _("事项风险点")

    def __str__(self) -> str:
        return f"{self.item_id}:{','.join(self.points)}"

    @property
    def high_risk(self) -> bool:
        return bool(self.points)

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
