"""The two small services among the hot items: 专业技术人员资格考试报名 (a registration that is
its own case, reviewed by the 人事考试机构) and 职业资格证书邮寄发放 (a mailing request with an
address and its tracking state)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ExamSession(models.Model):
    """One sitting of a national professional qualification exam in a province."""

    name = models.CharField(
        _("考试名称"), max_length=80, help_text=_("如 2027年度房地产估价师职业资格考试。")
    )
    qualification = models.CharField(
        _("资格名称"), max_length=40, help_text=_("考试合格后取得的资格，如 房地产估价师。")
    )
    region = models.ForeignKey(
        "catalogue.Region",
        verbose_name=_("考区"),
        on_delete=models.PROTECT,
        help_text=_("组织报名的省份。"),
    )
    opens_on = models.DateField(_("报名开始日期"), help_text=_("含当日。"))
    closes_on = models.DateField(_("报名截止日期"), help_text=_("含当日。"))
    exam_on = models.DateField(_("考试日期"), help_text=_("第一科考试的日期。"))
    min_education = models.CharField(
        _("最低学历"),
        max_length=20,
        blank=True,
        help_text=_("报名条件中的最低学历，如 大学专科；空表示不限。"),
    )

    class Meta:
        verbose_name = _("资格考试")
        verbose_name_plural = _("资格考试")
        ordering = ["-exam_on", "pk"]

    def __str__(self) -> str:
        return self.name


class ExamRegistrationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待资格审核")
    APPROVED = "approved", _("审核通过")
    REJECTED = "rejected", _("审核未通过")
    CANCELLED = "cancelled", _("已取消")


class ExamRegistration(models.Model):
    number = models.CharField(
        _("报名编号"), max_length=24, unique=True, help_text=_("KS-年份-序号，报名时生成。")
    )
    session = models.ForeignKey(
        ExamSession,
        verbose_name=_("考试"),
        on_delete=models.PROTECT,
        related_name="registrations",
        help_text=_("报名的考试。"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报名人账号"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exam_registrations",
        help_text=_("提交报名的个人账号；在自助终端凭身份证报名的为空。"),
    )
    channel = models.CharField(
        _("报名渠道"),
        max_length=10,
        default="web",
        help_text=_("web 网上、api 移动端、kiosk 自助终端。"),
    )
    id_number = models.CharField(
        _("居民身份证号"), max_length=18, help_text=_("报名人的证件号码。")
    )
    name = models.CharField(_("姓名"), max_length=40, help_text=_("与身份证一致。"))
    phone = models.CharField(_("手机号"), max_length=20, help_text=_("考试通知发送到此号码。"))
    education = models.CharField(
        _("学历"), max_length=20, help_text=_("共享数据中的学历，报名条件据此审核。")
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ExamRegistrationStatus.choices,
        default=ExamRegistrationStatus.SUBMITTED,
        help_text=_("待资格审核、审核通过、审核未通过或已取消。"),
    )
    note = models.CharField(
        _("审核意见"), max_length=200, blank=True, help_text=_("审核未通过时写明原因。")
    )
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True, help_text=_("提交时间。"))
    reviewed_at = models.DateTimeField(
        _("审核时间"), null=True, blank=True, help_text=_("作出审核结论的时间。")
    )
    version = models.PositiveIntegerField(
        _("版本"), default=1, help_text=_("每次变更加一；审核以此防止并发覆盖。")
    )

    class Meta:
        verbose_name = _("资格考试报名")
        verbose_name_plural = _("资格考试报名")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "id_number"],
                condition=~Q(status="cancelled"),
                name="one_registration_per_exam",
            )
        ]

    def __str__(self) -> str:
        return self.number


class MailingStatus(models.TextChoices):
    REQUESTED = "requested", _("已申请，待寄出")
    SHIPPED = "shipped", _("已寄出")
    DELIVERED = "delivered", _("已签收")
    CANCELLED = "cancelled", _("已取消")


class CertificateMailing(models.Model):
    number = models.CharField(
        _("申请编号"), max_length=24, unique=True, help_text=_("YJ-年份-序号，申请时生成。")
    )
    certificate = models.ForeignKey(
        "shareddata.SkillCertificate",
        verbose_name=_("证书"),
        on_delete=models.PROTECT,
        related_name="mailings",
        help_text=_("要邮寄的专业技术人员职业资格证书。"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人账号"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificate_mailings",
        help_text=_("提出邮寄申请的个人账号（证书持有人）；在自助终端申请的为空。"),
    )
    channel = models.CharField(
        _("申请渠道"),
        max_length=10,
        default="web",
        help_text=_("web 网上、api 移动端、kiosk 自助终端。"),
    )
    recipient = models.CharField(_("收件人"), max_length=40, help_text=_("收件人姓名。"))
    phone = models.CharField(_("收件人电话"), max_length=20, help_text=_("11位手机号。"))
    address = models.CharField(_("收件地址"), max_length=200, help_text=_("省市区及详细地址。"))
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=MailingStatus.choices,
        default=MailingStatus.REQUESTED,
        help_text=_("已申请、已寄出、已签收或已取消。"),
    )
    carrier = models.CharField(
        _("快递公司"), max_length=40, blank=True, help_text=_("寄出时填写，如 中国邮政EMS。")
    )
    tracking_number = models.CharField(
        _("运单号"), max_length=40, blank=True, help_text=_("寄出时填写。")
    )
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True, help_text=_("提交时间。"))
    shipped_at = models.DateTimeField(
        _("寄出时间"), null=True, blank=True, help_text=_("交寄快递的时间。")
    )
    delivered_at = models.DateTimeField(
        _("签收时间"), null=True, blank=True, help_text=_("收件人签收的时间。")
    )
    version = models.PositiveIntegerField(
        _("版本"), default=1, help_text=_("每次变更加一；状态更新以此防止并发覆盖。")
    )

    class Meta:
        verbose_name = _("证书邮寄申请")
        verbose_name_plural = _("证书邮寄申请")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate"],
                condition=~Q(status="cancelled"),
                name="one_mailing_per_certificate",
            )
        ]

    def __str__(self) -> str:
        return self.number
