"""Applications (办件): one submission of a bundle, with one number, one set of materials."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kuaiban.applications.snapshot import Snapshot


class Channel(models.TextChoices):
    WEB = "web", _("网站")
    APP = "app", _("移动端")
    KIOSK = "kiosk", _("自助终端")
    WINDOW = "window", _("综合窗口")
    API = "api", _("系统接口")
    PROACTIVE = "proactive", _("免申即办")


class ApplicationStatus(models.TextChoices):
    RECEIVED = "received", _("已受理")
    IN_PROGRESS = "in_progress", _("办理中")
    NEEDS_CORRECTION = "needs_correction", _("待补正")
    PARTLY_DONE = "partly_done", _("部分办结")
    DONE = "done", _("已办结")
    REJECTED = "rejected", _("不予办理")
    WITHDRAWN = "withdrawn", _("已撤回")


# 已办结 in the broad sense: every sub-case decided; the applicant may rate.
APPLICATION_FINISHED: tuple[ApplicationStatus, ...] = (
    ApplicationStatus.DONE,
    ApplicationStatus.PARTLY_DONE,
    ApplicationStatus.REJECTED,
)


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("个人")
    UNIT = "unit", _("单位")


class Application(models.Model):
    FINISHED: ClassVar[tuple[ApplicationStatus, ...]] = APPLICATION_FINISHED

    number = models.CharField(
        _("办件编号"),
        max_length=24,
        unique=True,
        help_text=_("地区代码-日期-当日序号，如 370102-20261123-00017。"),
    )
    pack = models.ForeignKey("bundles.Pack", verbose_name=_("政策包"), on_delete=models.PROTECT)
    bundle = models.ForeignKey("bundles.Bundle", verbose_name=_("一件事"), on_delete=models.PROTECT)
    scenario = models.ForeignKey(
        "bundles.Scenario", verbose_name=_("具体场景"), on_delete=models.PROTECT
    )
    snapshot = models.JSONField(
        _("受理时的一件事版本"),
        help_text=_(
            "提交时冻结的政策包版本、事项、时限、表单与材料清单，之后修改政策包不影响本件。"
        ),
    )
    applicant_kind = models.CharField(_("申请人类型"), max_length=8, choices=ApplicantKind.choices)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        help_text=_("窗口代办且申请人没有账号时为空。"),
    )
    applicant_name = models.CharField(_("申请人姓名或单位名称"), max_length=120)
    applicant_id_number = models.CharField(_("申请人身份证号"), max_length=18, blank=True)
    applicant_credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    applicant_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    region = models.ForeignKey(
        "catalogue.Region",
        verbose_name=_("办理地区"),
        on_delete=models.PROTECT,
        help_text=_("子件按此地区分派到经办机构。"),
    )
    received_region = models.ForeignKey(
        "catalogue.Region",
        verbose_name=_("收件地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("跨省通办、全省通办：在此地收件、由办理地区的经办机构办理；本地办理时为空。"),
    )
    channel = models.CharField(_("受理渠道"), max_length=12, choices=Channel.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        related_name="submitted_applications",
        help_text=_("申请人本人，或代为受理的综合柜员。"),
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("亲情代办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications_as_agent",
        help_text=_("家庭成员凭亲情代办授权代为申请时为代办人；本人申请或窗口受理时为空。"),
    )
    note = models.CharField(
        _("受理说明"),
        max_length=200,
        blank=True,
        help_text=_("如 上门办：在申请人家中受理。"),
    )
    answers = models.JSONField(_("情形引导回答"), default=dict, blank=True)
    items = models.JSONField(_("所选事项"), default=list, help_text=_("事项编码列表。"))
    form = models.JSONField(_("表单内容"), default=dict)
    burden = models.JSONField(
        _("减负数据"), default=dict, help_text=_("逐项申请与打包办理的对比。")
    )
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.RECEIVED,
    )
    promised_due_at = models.DateTimeField(_("承诺办结时间"))
    submitted_at = models.DateTimeField(_("受理时间"), auto_now_add=True, db_index=True)
    idempotency_key = models.CharField(
        _("幂等键"),
        max_length=120,
        blank=True,
        help_text=_("客户端重试同一提交时使用同一键，返回同一办件。"),
    )
    request_hash = models.CharField(_("请求摘要"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-submitted_at"]
        # Named indexes, not ``db_index=True``: on PostgreSQL the field option adds a second,
        # ``varchar_pattern_ops`` index for LIKE, which nothing here runs on these identifiers
        # (two index entries fewer per submission).
        indexes = [
            models.Index(fields=["applicant_id_number"], name="application_applicant_id"),
            models.Index(fields=["applicant_credit_code"], name="application_applicant_credit"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["submitted_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="unique_idempotency_key_per_submitter",
            ),
            models.CheckConstraint(
                condition=~Q(applicant_id_number="") | ~Q(applicant_credit_code=""),
                name="application_has_applicant_identifier",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def acted_for_label(self) -> str:
        """“王芳 代 张建国 办理” when a family member applied under an authorisation."""
        if self.agent_id is None:
            return ""
        agent = self.agent
        assert agent is not None
        return f"{agent.display_name or agent.username} 代 {self.applicant_name} 办理"

    @property
    def finished(self) -> bool:
        return self.status in APPLICATION_FINISHED

    @property
    def frozen(self) -> Snapshot:
        """The bundle version this application was accepted under, typed; read once per
        instance (a submission's automatic checks ask for it once per sub-case)."""
        kept = self.__dict__.get("_frozen")
        if kept is None or kept[0] is not self.snapshot:
            kept = (self.snapshot, Snapshot.from_dict(self.snapshot))
            self.__dict__["_frozen"] = kept
        return kept[1]


class Provision(models.TextChoices):
    UPLOADED = "uploaded", _("已上传")
    SHARED = "shared", _("数据共享获取")
    ONLINE_FORM = "online_form", _("由在线表单生成")
    COMMITMENT = "commitment", _("告知承诺")
    GAP = "gap", _("容缺后补")
    CORRECTION = "correction", _("补正材料")


class ApplicationMaterial(models.Model):
    application = models.ForeignKey(
        Application, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="materials"
    )
    code = models.CharField(_("材料代码"), max_length=60)
    name = models.CharField(_("材料名称"), max_length=120)
    provision = models.CharField(_("提供方式"), max_length=12, choices=Provision.choices)
    file = models.FileField(_("文件"), upload_to="materials/%Y/%m/", blank=True)
    content_type = models.CharField(
        _("文件类型"), max_length=40, blank=True, help_text=_("按文件内容识别。")
    )
    size = models.PositiveIntegerField(_("文件大小"), default=0)
    sha256 = models.CharField(_("文件摘要"), max_length=64, blank=True)
    shared_record = models.CharField(_("共享数据记录"), max_length=80, blank=True)
    due_date = models.DateField(
        _("补齐期限"), null=True, blank=True, help_text=_("容缺受理的材料须在此日期前补齐。")
    )
    supplied_at = models.DateTimeField(_("补齐时间"), null=True, blank=True)
    supplied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("补交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("容缺材料后补时：申请人本人，或在窗口收件的综合柜员。"),
    )

    class Meta:
        verbose_name = _("办件材料")
        verbose_name_plural = _("办件材料")
        ordering = ["application", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "code"], name="unique_application_material"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def file_kind(self) -> str:
        """The file's kind as people say it (PDF 文件, JPG 图片), never a MIME type."""
        return FILE_KINDS.get(self.content_type, "文件")


FILE_KINDS = {"application/pdf": "PDF 文件", "image/jpeg": "JPG 图片", "image/png": "PNG 图片"}


class CommitmentKind(models.TextChoices):
    NOTIFICATION = "notification", _("告知承诺")
    CREDIT = "credit", _("信用承诺")


class ApplicationCommitment(models.Model):
    application = models.ForeignKey(
        Application, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="commitments"
    )
    kind = models.CharField(_("承诺类型"), max_length=12, choices=CommitmentKind.choices)
    material_code = models.CharField(_("替代的材料"), max_length=60, blank=True)
    text = models.TextField(_("承诺内容"))
    text_version = models.CharField(
        _("承诺书文本版本"),
        max_length=20,
        blank=True,
        help_text=_("签署时公布的告知承诺书文本版本；信用承诺为空。"),
    )
    signer = models.CharField(_("承诺人"), max_length=120)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签署账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("申请人本人，或窗口代为受理时的综合柜员（当面签署）。"),
    )
    signed_at = models.DateTimeField(_("承诺时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("承诺")
        verbose_name_plural = _("承诺")

    def __str__(self) -> str:
        return f"{self.kind} {self.material_code}"


class SharedDataUse(models.Model):
    application = models.ForeignKey(
        Application,
        verbose_name=_("办件"),
        on_delete=models.CASCADE,
        related_name="shared_data_uses",
    )
    source = models.CharField(_("数据类别"), max_length=20)
    connector = models.CharField(
        _("数据来源"),
        max_length=40,
        help_text=_("如 local（本地共享库）、http（省数据共享平台）。"),
    )
    record = models.CharField(_("记录标识"), max_length=80)
    used_for = models.JSONField(_("用途"), default=list, help_text=_("预填的字段与免交的材料。"))
    used_at = models.DateTimeField(_("使用时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("共享数据使用记录")
        verbose_name_plural = _("共享数据使用记录")

    def __str__(self) -> str:
        return f"{self.connector}:{self.record}"


class NumberSequence(models.Model):
    """The last number given for a region on a day; incremented atomically."""

    region_code = models.CharField(_("地区代码"), max_length=6)
    day = models.DateField(_("日期"))
    last = models.PositiveIntegerField(_("当日最后序号"), default=0)

    class Meta:
        verbose_name = _("办件编号序列")
        verbose_name_plural = _("办件编号序列")
        constraints = [
            models.UniqueConstraint(fields=["region_code", "day"], name="unique_number_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.region_code}-{self.day}:{self.last}"
