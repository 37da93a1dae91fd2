"""Users and their roles: applicants (个人 / 单位), window clerks, agency officers, supervisors."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PERSON = "person", _("个人申请人")
    UNIT = "unit", _("单位申请人")
    CLERK = "clerk", _("综合柜员")
    OFFICER = "officer", _("经办人员")
    SUPERVISOR = "supervisor", _("监督人员")
    ADMIN = "admin", _("管理员")


class User(AbstractUser):
    role = models.CharField(
        _("角色"),
        max_length=16,
        choices=Role.choices,
        default=Role.PERSON,
        help_text=_("决定可见的页面与可访问的对象。"),
    )
    display_name = models.CharField(
        _("姓名或单位名称"), max_length=120, blank=True, help_text=_("页面上显示的名称。")
    )
    id_number = models.CharField(
        _("居民身份证号"),
        max_length=18,
        blank=True,
        help_text=_("个人申请人的身份证号（GB 11643 校验）；列表与日志中脱敏显示。"),
    )
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        blank=True,
        help_text=_("单位申请人的统一社会信用代码（GB 32100 校验）。"),
    )
    phone = models.CharField(
        _("手机号"), max_length=20, blank=True, help_text=_("列表与日志中脱敏显示。")
    )
    agency = models.ForeignKey(
        "catalogue.Agency",
        verbose_name=_("所属经办机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("经办人员只能看到本机构、本地区的子件。"),
    )
    region = models.ForeignKey(
        "catalogue.Region",
        verbose_name=_("所属地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("柜员、经办人员与监督人员的工作地区；申请人的户籍或注册地区。"),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username


class ApiToken(models.Model):
    """A bearer token for an API client. Only the SHA-256 hash of the token is stored."""

    user = models.ForeignKey(
        User,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text=_("令牌代表的用户；用户停用后令牌随即失效。"),
    )
    key_hash = models.CharField(
        _("令牌摘要"),
        max_length=64,
        unique=True,
        help_text=_("令牌的 SHA-256 摘要（十六进制）；令牌本身只在签发时返回一次，不保存。"),
    )
    created_at = models.DateTimeField(_("签发时间"), help_text=_("令牌签发的时间。"))
    expires_at = models.DateTimeField(
        _("过期时间"),
        db_index=True,
        help_text=_("此时间之后令牌不再有效；有效期由 KUAIBAN_TOKEN_TTL_HOURS 设定。"),
    )
    last_used_at = models.DateTimeField(
        _("最近使用时间"),
        null=True,
        blank=True,
        help_text=_("最近一次用此令牌访问接口的时间（约每分钟更新一次）。"),
    )
    revoked_at = models.DateTimeField(
        _("撤销时间"),
        null=True,
        blank=True,
        help_text=_("令牌被撤销的时间；已撤销的令牌不能再使用。"),
    )

    class Meta:
        verbose_name = _("接口访问令牌")
        verbose_name_plural = _("接口访问令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"

    def is_usable_at(self, now: dt.datetime) -> bool:
        """Neither revoked nor expired at ``now`` (the user's own state is checked separately)."""
        return self.revoked_at is None and now < self.expires_at


class LoginFailure(models.Model):
    """One failed log-in for a username from an address, kept in the database so that every web
    node sees the same count. The failure that reaches the limit carries ``locks_until``."""

    username = models.CharField(
        _("用户名"),
        max_length=150,
        help_text=_("登录时填写的用户名（不论该用户是否存在）。"),
    )
    ip = models.CharField(_("来源地址"), max_length=45, help_text=_("发起登录的客户端 IP 地址。"))
    created_at = models.DateTimeField(_("失败时间"), db_index=True, help_text=_("登录失败的时间。"))
    locks_until = models.DateTimeField(
        _("锁定至"),
        null=True,
        blank=True,
        help_text=_("此次失败达到次数上限时，该用户名在该地址的登录暂停到此时间。"),
    )

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["username", "ip", "created_at"], name="accounts_failure_key_idx")
        ]

    def __str__(self) -> str:
        return f"{self.username} @ {self.ip}"


class Authorisation(models.Model):
    """亲情代办: a person lets a family member apply, follow and receive results for them,
    for a time, until revoked. Every act under it names who acted for whom."""

    grantor = models.ForeignKey(
        User,
        verbose_name=_("委托人"),
        on_delete=models.PROTECT,
        related_name="authorisations_given",
        help_text=_("被代办的人（多为老年人）。"),
    )
    agent = models.ForeignKey(
        User,
        verbose_name=_("代办人"),
        on_delete=models.PROTECT,
        related_name="authorisations_held",
        help_text=_("受托的家庭成员，须有本人实名账号。"),
    )
    relation = models.CharField(
        _("与委托人关系"), max_length=20, help_text=_("如 子女、配偶、父母、兄弟姐妹。")
    )
    may_apply = models.BooleanField(_("可代为申请"), default=True)
    may_query = models.BooleanField(
        _("可代为查询"), default=True, help_text=_("查看委托人的办件与进度。")
    )
    may_receive = models.BooleanField(
        _("可代为领取结果"), default=True, help_text=_("下载、领取办理结果通知书。")
    )
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("截止日期"), help_text=_("含当日；过期后代办人不能再查看。"))
    created_by = models.ForeignKey(
        User,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("委托人本人在网上授权，或综合柜员在窗口核验后登记。"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("亲情代办授权")
        verbose_name_plural = _("亲情代办授权")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(grantor=models.F("agent")), name="authorisation_not_self"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="authorisation_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent} 代 {self.grantor}"

    def is_active_on(self, day: dt.date) -> bool:
        return self.revoked_at is None and self.valid_from <= day <= self.valid_until

    @property
    def acts_label(self) -> str:
        """“王芳 代 张建国 办理”: how audit rows and pages name an act under it."""
        return f"{self.agent.display_name or self.agent.username} 代 {self.grantor.display_name or self.grantor.username} 办理"
