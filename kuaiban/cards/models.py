"""The social security card (社会保障卡, 一卡办): the bureau's own card record and its history.

The card's lifecycle is the rule table in `rules.py`; every change is a `CardEvent` with its
actor and an audit row (`services.py`). The electronic card is not stored: it mirrors the
physical card's state (`rules.ECardState`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CardStatus(models.TextChoices):
    APPLIED = "applied", _("已申领")
    MAKING = "making", _("制卡中")
    READY = "ready", _("待领取")
    COLLECTED = "collected", _("已领卡")
    ENABLED = "enabled", _("已启用（银行账户未激活）")
    BANK_ACTIVATED = "bank_activated", _("银行账户已激活（社保功能未启用）")
    NORMAL = "normal", _("正常")
    TEMPORARY_LOSS = "temporary_loss", _("临时挂失")
    FORMAL_LOSS = "formal_loss", _("正式挂失")
    REPLACED = "replaced", _("已补换（原卡作废）")
    CANCELLED = "cancelled", _("已注销")


class CardAction(models.TextChoices):
    APPLY = "apply", _("申领")
    ADOPT = "adopt", _("从持卡库导入")
    PRODUCE = "produce", _("开始制卡")
    POINT_CHOOSE = "point_choose", _("选择领卡网点")
    FINISH = "finish", _("制卡完成")
    COLLECT = "collect", _("领卡")
    ENABLE = "enable", _("启用社会保障功能")
    BANK_ACTIVATE = "bank_activate", _("激活银行账户")
    LOSS_TEMPORARY = "loss_temporary", _("临时挂失")
    LOSS_FORMAL = "loss_formal", _("正式挂失")
    UNLOSS = "unloss", _("解挂")
    HOLD_LAPSE = "hold_lapse", _("临时挂失到期自动解除")
    REISSUE = "reissue", _("补领")
    EXCHANGE = "exchange", _("换领、换发")
    CANCEL = "cancel", _("注销")
    PASSWORD_CHANGE = "password_change", _("修改密码")
    PASSWORD_RESET = "password_reset", _("重置密码")


class CardChannel(models.TextChoices):
    ONLINE = "online", _("网上（本人登录）")
    PHONE = "phone", _("电话（12333）")
    WINDOW = "window", _("服务网点窗口")
    SUBCASE = "subcase", _("办件办结")
    SYSTEM = "system", _("系统")


class CardPoint(models.Model):
    """A place where cards are handed out (and, with a card printer, made while you wait)."""

    code = models.CharField(
        _("网点代码"), max_length=40, unique=True, help_text=_("本局内唯一，如 370102-hall。")
    )
    name = models.CharField(_("网点名称"), max_length=120, help_text=_("如 历下区人社服务大厅。"))
    region = models.ForeignKey(
        "catalogue.Region",
        verbose_name=_("所在地区"),
        on_delete=models.PROTECT,
        related_name="card_points",
        help_text=_("网点所在的区县或市；柜员看到本地区网点的制卡队列。"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True, help_text=_("领卡地址。"))
    instant_print = models.BooleanField(
        _("即时制卡（立等可取）"),
        default=False,
        help_text=_("网点有制卡设备：申领进入本网点的打印队列，当天制成。"),
    )

    class Meta:
        verbose_name = _("社保卡服务网点")
        verbose_name_plural = _("社保卡服务网点")
        ordering = ["region__code", "code"]

    def __str__(self) -> str:
        return self.name


class SocialSecurityCard(models.Model):
    number = models.CharField(
        _("社会保障卡卡号"),
        max_length=40,
        unique=True,
        help_text=_("补换后启用新卡号，原卡号作废。"),
    )
    id_number = models.CharField(
        _("持卡人身份证号"), max_length=18, db_index=True, help_text=_("列表与日志中脱敏显示。")
    )
    name = models.CharField(_("持卡人姓名"), max_length=40, help_text=_("与身份证一致。"))
    region = models.ForeignKey(
        "catalogue.Region",
        verbose_name=_("发卡地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cards",
        help_text=_("申领地的地区。"),
    )
    status = models.CharField(
        _("卡状态"), max_length=16, choices=CardStatus.choices, default=CardStatus.APPLIED
    )
    held_status = models.CharField(
        _("挂失前状态"),
        max_length=16,
        choices=CardStatus.choices,
        blank=True,
        help_text=_("解挂或临时挂失到期后恢复到的状态。"),
    )
    hold_until = models.DateTimeField(
        _("临时挂失自动解除时间"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("到期未转为正式挂失的，由系统自动解除临时挂失。"),
    )
    point = models.ForeignKey(
        CardPoint,
        verbose_name=_("领卡网点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cards",
        help_text=_("制成的卡送达此网点，本人到此领卡。"),
    )
    due_at = models.DateTimeField(
        _("制卡期限"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("立等可取网点为当天；其他网点按零星制发时限。"),
    )
    bank_name = models.CharField(
        _("金融账户开户银行"), max_length=80, blank=True, help_text=_("社会保障卡的合作银行。")
    )
    pin_hash = models.CharField(
        _("密码摘要"),
        max_length=128,
        blank=True,
        help_text=_("只存不可逆的摘要，从不保存或显示明文。"),
    )
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("补换的原卡"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        help_text=_("补领、换领、换发的新卡指向被替换的原卡。"),
    )
    application_number = models.CharField(
        _("办件编号"), max_length=40, blank=True, help_text=_("申领或补换的办件。")
    )
    applied_at = models.DateTimeField(_("申领时间"), help_text=_("记录建立的时间。"))
    collected_at = models.DateTimeField(_("领卡时间"), null=True, blank=True)
    version = models.PositiveIntegerField(
        _("版本"), default=0, help_text=_("每次状态变化加一；同时操作时后提交者会被告知。")
    )

    class Meta:
        verbose_name = _("社会保障卡")
        verbose_name_plural = _("社会保障卡")
        constraints = [
            # A person holds at most one card that is not replaced or cancelled.
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~Q(status__in=["replaced", "cancelled"]),
                name="card_one_live_per_person",
            ),
            models.CheckConstraint(
                condition=Q(hold_until__isnull=True) | Q(status="temporary_loss"),
                name="card_hold_only_when_temporary",
            ),
        ]
        indexes = [models.Index(fields=["point", "status", "due_at"], name="card_queue_idx")]

    def __str__(self) -> str:
        return self.number


class CardEvent(models.Model):
    """One change of a card: what, from which state to which, by whom, through which channel."""

    card = models.ForeignKey(
        SocialSecurityCard,
        verbose_name=_("社会保障卡"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    action = models.CharField(_("操作"), max_length=20, choices=CardAction.choices)
    from_status = models.CharField(
        _("原状态"), max_length=16, choices=CardStatus.choices, blank=True
    )
    to_status = models.CharField(_("新状态"), max_length=16, choices=CardStatus.choices)
    channel = models.CharField(_("渠道"), max_length=10, choices=CardChannel.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="card_events",
        help_text=_("系统自动操作时为空。"),
    )
    note = models.CharField(
        _("说明"), max_length=200, blank=True, help_text=_("不含密码等敏感信息。")
    )
    application_number = models.CharField(_("办件编号"), max_length=40, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        verbose_name = _("社会保障卡业务记录")
        verbose_name_plural = _("社会保障卡业务记录")
        ordering = ["card", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.card_id} {self.action}"

    def holder_wording(self) -> str:
        """The line as the holder reads it in their history: a card taken over from the
        card-holder register was simply the card they already had."""
        if self.action == CardAction.ADOPT:
            return str(_("原有社会保障卡（已在用）"))
        label = str(self.get_action_display())
        return f"{label}（{self.note}）" if self.note else label
