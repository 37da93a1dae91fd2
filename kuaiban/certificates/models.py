"""Certificates anyone can verify: every 证明 and 权益记录单 issued as a signed PDF carries a
verification code and a QR code leading to the public verification page."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateKind(models.TextChoices):
    RIGHTS_RECORD = "rights_record", _("个人权益记录单")
    CONTRIBUTION_PROOF = "contribution_proof", _("个人参保缴费证明")
    BENEFIT_PROOF = "benefit_proof", _("待遇领取证明")
    UNEMPLOYMENT_TRANSFER = "unemployment_transfer", _("参保人员失业保险关系转移证明")


class Certificate(models.Model):
    kind = models.CharField(
        _("证明类型"), max_length=30, choices=CertificateKind.choices, help_text=_("开具的证明。")
    )
    code = models.CharField(
        _("验证码"),
        max_length=19,
        unique=True,
        help_text=_("印在证明上的验证码（16位字母数字，每4位一组），凭此验真。"),
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("开具账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
        help_text=_("在网上或接口开具的本人账号；自助终端开具时为空。"),
    )
    holder_id_number = models.CharField(
        _("持有人身份证号"),
        max_length=18,
        db_index=True,
        help_text=_("证明所述的人员；验真页面只显示脱敏后的号码。"),
    )
    holder_name = models.CharField(_("持有人姓名"), max_length=40, help_text=_("与身份证一致。"))
    summary = models.JSONField(
        _("主要内容"),
        default=dict,
        help_text=_("验真时展示的主要内容（已脱敏），如 参保状态、累计缴费月数。"),
    )
    sha256 = models.CharField(
        _("文件摘要"), max_length=64, help_text=_("签名后 PDF 文件的 SHA-256 摘要。")
    )
    channel = models.CharField(
        _("开具渠道"), max_length=10, help_text=_("web 网上、api 移动端、kiosk 自助终端。")
    )
    issued_at = models.DateTimeField(_("开具时间"), auto_now_add=True, help_text=_("签发时间。"))
    revoked_at = models.DateTimeField(
        _("作废时间"), null=True, blank=True, help_text=_("空表示有效。")
    )
    revoked_reason = models.CharField(
        _("作废原因"), max_length=200, blank=True, help_text=_("作废时写明，验真时展示。")
    )

    class Meta:
        verbose_name = _("电子证明")
        verbose_name_plural = _("电子证明")
        indexes = [models.Index(fields=["holder", "-issued_at"], name="certificate_holder_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.code}"

    @property
    def valid(self) -> bool:
        return self.revoked_at is None


class CertificateFile(models.Model):
    """The signed PDF, byte for byte as issued (kept apart so that verification reads a small row)."""

    certificate = models.OneToOneField(
        Certificate,
        verbose_name=_("证明"),
        on_delete=models.CASCADE,
        related_name="file",
        help_text=_("所属证明。"),
    )
    pdf = models.BinaryField(_("PDF 文件"), help_text=_("带数字签名和电子印章的 PDF。"))

    class Meta:
        verbose_name = _("证明文件")
        verbose_name_plural = _("证明文件")

    def __str__(self) -> str:
        return str(self.certificate_id)
