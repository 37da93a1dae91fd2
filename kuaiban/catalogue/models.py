"""The catalogue (事项目录): regions, agencies, service items, materials and form fields."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kuaiban.calendar.limits import LimitUnit, TimeLimit


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县（市、区）")


class Region(models.Model):
    code = models.CharField(
        _("行政区划代码"), max_length=6, unique=True, help_text=_("GB/T 2260 六位代码，如 370100。")
    )
    name = models.CharField(_("名称"), max_length=60, help_text=_("如 济南市、历下区。"))
    level = models.CharField(_("层级"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("省级地区没有上级。"),
    )

    class Meta:
        verbose_name = _("地区")
        verbose_name_plural = _("地区")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class AgencyKind(models.TextChoices):
    SOCIAL_INSURANCE = "social_insurance", _("社会保险经办机构")
    EMPLOYMENT = "employment", _("公共就业人才服务机构")
    LABOUR_RELATIONS = "labour_relations", _("劳动关系（劳动用工管理）部门")
    PUBLIC_INSTITUTION = "public_institution", _("事业单位人事管理部门")
    WAGES = "wages", _("工资福利部门")
    SOCIAL_INSURANCE_ADMIN = "social_insurance_admin", _("社会保险行政部门")
    CARD_SERVICE = "card_service", _("社会保障卡服务机构")
    SKILLS = "skills", _("职业技能鉴定机构")
    PERSONNEL_EXAM = "personnel_exam", _("人事考试机构")
    # Not a case agency: the 人社服务大厅 (综合受理窗口) where clerks serve walk-ins. A window
    # visit belongs to it, and a bad window rating is rectified by it; no item routes to it.
    SERVICE_HALL = "service_hall", _("人社服务大厅（综合受理窗口）")


# The kinds that work sub-cases: an item of a pack names one of these, never the service hall.
CASE_AGENCY_KINDS = tuple(kind for kind in AgencyKind if kind != AgencyKind.SERVICE_HALL)


def service_hall_name(region: Region) -> str:
    """Where a clerk of ``region`` serves walk-ins when no hall agency is on record."""
    return f"{region.name}人社服务大厅"


class Delivery(models.TextChoices):
    WORKBENCH = "workbench", _("在本平台工作台办理")
    WEBHOOK = "webhook", _("推送至本机构业务系统（现行系统办理）")


class Agency(models.Model):
    code = models.SlugField(
        _("机构代码"), max_length=40, unique=True, help_text=_("机构的唯一代码。")
    )
    name = models.CharField(_("名称"), max_length=120, help_text=_("如 济南市社会保险事业中心。"))
    kind = models.CharField(
        _("机构类型"),
        max_length=32,
        choices=AgencyKind.choices,
        help_text=_("事项按机构类型和申请人所在地区分派到具体机构。"),
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("所在地区"),
        on_delete=models.PROTECT,
        related_name="agencies",
        help_text=_("机构负责的地区。"),
    )

    delivery = models.CharField(
        _("办理方式"),
        max_length=12,
        choices=Delivery.choices,
        default=Delivery.WORKBENCH,
        help_text=_("现行系统办理的机构通过签名的 Webhook 接收子件，并通过接口回传办理结果。"),
    )
    webhook_url = models.URLField(
        _("Webhook 地址"), blank=True, help_text=_("本机构业务系统接收子件的地址。")
    )
    webhook_secret = models.CharField(
        _("签名密钥"),
        max_length=128,
        blank=True,
        help_text=_("双方共享的 HMAC-SHA256 密钥：平台用它签名推送，机构用它签名回传。"),
    )
    address = models.CharField(
        _("办理地点"),
        max_length=200,
        blank=True,
        help_text=_("办事群众到现场办理的地址，显示在办事指南上。"),
    )
    office_hours = models.CharField(
        _("办理时间"),
        max_length=200,
        blank=True,
        help_text=_("对外办公时间，如 工作日 9:00—12:00，13:30—17:00（法定节假日除外）。"),
    )
    phone = models.CharField(
        _("咨询电话"), max_length=40, blank=True, help_text=_("本机构的业务咨询电话。")
    )

    class Meta:
        verbose_name = _("经办机构")
        verbose_name_plural = _("经办机构")
        ordering = ["region__code", "kind"]

    def __str__(self) -> str:
        return self.name


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


_Row = TypeVar("_Row", bound="CatalogueRow")


class CatalogueRowQuerySet(models.QuerySet[_Row]):
    def current(self, on: dt.date | None = None) -> CatalogueRowQuerySet[_Row]:
        """Published rows valid on ``on`` (today by default)."""
        on = on or timezone.localdate()
        return self.filter(status=PublicationStatus.PUBLISHED, valid_from__lte=on).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on)
        )


class CatalogueRow(models.Model):
    """Draft/published state and a validity window, shared by every catalogue row."""

    status = models.CharField(
        _("发布状态"),
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.PUBLISHED,
        help_text=_("草稿不对外显示，也不能被申请。"),
    )
    valid_from = models.DateField(
        _("生效日期"), default=dt.date(2020, 1, 1), help_text=_("自该日起有效。")
    )
    valid_until = models.DateField(
        _("失效日期"), null=True, blank=True, help_text=_("该日之后不再有效；留空表示长期有效。")
    )
    source_hash = models.CharField(
        _("来源摘要"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("上次从目录文件加载时该行内容的摘要；文件未改动时重新加载不会覆盖后台的修改。"),
    )

    class Meta:
        abstract = True

    def is_current(self, on: dt.date) -> bool:
        return (
            self.status == PublicationStatus.PUBLISHED
            and self.valid_from <= on
            and (self.valid_until is None or self.valid_until >= on)
        )


class MaterialKind(models.TextChoices):
    IDENTITY = "identity", _("身份证件")
    CERTIFICATE = "certificate", _("证照证书")
    FORM = "form", _("申请表")
    CONTRACT = "contract", _("合同协议")
    PROOF = "proof", _("证明材料")
    COMMITMENT = "commitment", _("承诺书")
    OTHER = "other", _("其他")


class SharedSource(models.TextChoices):
    PERSON = "person", _("人口信息")
    INSURANCE = "insurance", _("参保信息")
    EMPLOYMENT = "employment", _("就业登记")
    UNEMPLOYMENT = "unemployment", _("失业登记")
    ENTERPRISE = "enterprise", _("企业登记")
    E_CERTIFICATE = "e_certificate", _("电子证照")


class Material(CatalogueRow):
    code = models.SlugField(
        _("材料代码"),
        max_length=60,
        unique=True,
        help_text=_("同一材料在各事项中使用同一代码，打包时据此去重。"),
    )
    name = models.CharField(_("材料名称"), max_length=120)
    kind = models.CharField(_("材料类型"), max_length=16, choices=MaterialKind.choices)
    shared_source = models.CharField(
        _("共享数据来源"),
        max_length=16,
        choices=SharedSource.choices,
        blank=True,
        help_text=_("可通过数据共享获取时，不再要求申请人提交（网上来）。"),
    )
    commitment_allowed = models.BooleanField(
        _("可告知承诺"), default=False, help_text=_("申请人可签署告知承诺书替代该证明材料。")
    )
    key = models.BooleanField(_("关键材料"), default=False, help_text=_("关键材料不能容缺受理。"))
    needed_when = models.JSONField(
        _("需要提供的条件"),
        default=dict,
        blank=True,
        help_text=_(
            "为空时总需要；否则是一条智能审核规则（如供养亲属人数至少为 1），"
            "按表单所填不成立时不列出、也不要求这份材料。"
        ),
    )

    objects = CatalogueRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CommitmentText(models.Model):
    """告知承诺书: what the applicant promises instead of a material, the consequence of a false
    promise and how it is checked (Jiangsu 2021 二（三）1 “规范编制告知承诺书文本……公示”). Versioned:
    a signature records the version it was made on; a changed text is a new version."""

    material = models.ForeignKey(
        Material,
        verbose_name=_("替代的材料"),
        on_delete=models.CASCADE,
        related_name="commitment_texts",
    )
    version = models.CharField(_("文本版本"), max_length=20, help_text=_("如 2026.1。"))
    promise = models.TextField(_("承诺事项"), help_text=_("申请人承诺的具体内容。"))
    consequence = models.TextField(_("承诺不实的后果"), help_text=_("法律责任与失信记录。"))
    verification = models.TextField(_("核查方式"), help_text=_("办理后如何核查。"))
    source = models.CharField(_("政策依据"), max_length=200, help_text=_("种子文件中的位置。"))
    published_at = models.DateTimeField(_("公布时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("告知承诺书文本")
        verbose_name_plural = _("告知承诺书文本")
        ordering = ["material", "-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["material", "version"], name="unique_commitment_text_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.material_id}@{self.version}"

    @property
    def full_text(self) -> str:
        """The text as it is shown and signed."""
        return f"{self.promise}{self.consequence}{self.verification}"


def commitment_texts_current(
    codes: list[str] | None = None, *, rows: models.QuerySet[CommitmentText] | None = None
) -> dict[str, CommitmentText]:
    """The latest published text of each material named by ``codes`` (or among ``rows``), in
    one query."""
    if rows is None:
        rows = CommitmentText.objects.filter(material__code__in=codes or [])
    found: dict[str, CommitmentText] = {}
    for text in rows.select_related("material").distinct():
        found.setdefault(text.material.code, text)  # ordered newest first per material
    return found


class FieldType(models.TextChoices):
    TEXT = "text", _("文本")
    ID_NUMBER = "id_number", _("居民身份证号")
    CREDIT_CODE = "credit_code", _("统一社会信用代码")
    PHONE = "phone", _("手机号")
    DATE = "date", _("日期")
    INTEGER = "integer", _("整数")
    MONEY = "money", _("金额")
    CHOICE = "choice", _("选项")
    BOOL = "bool", _("是/否")
    TEXTAREA = "textarea", _("多行文本")
    BANK_ACCOUNT = "bank_account", _("银行账号")
    # One of the bureau's card service points (the choices come from the cards app).
    CARD_POINT = "card_point", _("社保卡领卡网点")


class FormField(CatalogueRow):
    key = models.SlugField(
        _("字段键"),
        max_length=60,
        unique=True,
        help_text=_("同一信息在各事项表单中使用同一键，合并表单时据此去重。"),
    )
    label = models.CharField(_("字段名称"), max_length=120)
    field_type = models.CharField(_("字段类型"), max_length=16, choices=FieldType.choices)
    required = models.BooleanField(_("必填"), default=True)
    prefill = models.CharField(
        _("预填来源"),
        max_length=80,
        blank=True,
        help_text=_("共享数据路径，如 person.name；有数据时自动预填。"),
    )
    choices = models.JSONField(
        _("可选值"), default=list, blank=True, help_text=_("选项类字段的可选值列表。")
    )
    only_gender = models.CharField(
        _("仅适用性别"),
        max_length=2,
        blank=True,
        choices=[("男", "男"), ("女", "女")],
        help_text=_("填写后，只在申请人的性别（由身份证号得出）与之相同时询问。"),
    )

    objects = CatalogueRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("表单字段")
        verbose_name_plural = _("表单字段")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.label


class ItemTarget(models.TextChoices):
    PERSON = "person", _("个人")
    UNIT = "unit", _("单位")
    BOTH = "both", _("个人或单位")


def target_serves(target: str, kind: str) -> bool:
    """Whether a 办事对象 of ``target`` ("" none given) admits an applicant of ``kind`` (person /
    unit; "" unknown, e.g. staff acting for someone)."""
    return not kind or target in ("", ItemTarget.BOTH, kind)


class ServiceItem(CatalogueRow):
    code = models.CharField(
        _("事项编码"),
        max_length=40,
        unique=True,
        help_text=_("全国人社公共服务事项清单编码（如 1.1.5）；无编码的事项使用本地编码 L-…。"),
    )
    name = models.CharField(_("事项名称"), max_length=160)
    aliases = models.JSONField(
        _("别名"), default=list, blank=True, help_text=_("各政策文件对同一事项的其他叫法。")
    )
    category = models.CharField(
        _("业务板块"), max_length=20, help_text=_("如 社会保险、就业创业。")
    )
    agency_kind = models.CharField(
        _("责任机构类型"),
        max_length=32,
        choices=[(kind.value, kind.label) for kind in CASE_AGENCY_KINDS],
        help_text=_("办理该事项的机构类型；按申请人所在地区确定具体机构。"),
    )
    target = models.CharField(_("办事对象"), max_length=8, choices=ItemTarget.choices)
    legal_limit_value = models.PositiveIntegerField(_("法定时限数值"), null=True, blank=True)
    legal_limit_unit = models.CharField(
        _("法定时限单位"),
        max_length=16,
        choices=LimitUnit.choices,
        blank=True,
        help_text=_("留空表示政策未规定法定时限（“无”）。"),
    )
    promised_limit_value = models.PositiveIntegerField(_("承诺时限数值"), null=True, blank=True)
    promised_limit_unit = models.CharField(
        _("承诺时限单位"),
        max_length=16,
        choices=LimitUnit.choices,
        default=LimitUnit.WORKING_DAYS,
        help_text=_("本机构承诺的办结时限；政策包的提速清单可覆盖。"),
    )
    online = models.BooleanField(_("可全程网办"), default=True)
    onsite_required = models.BooleanField(
        _("须到现场"), default=False, help_text=_("法律法规规定必须到现场办理。")
    )
    pays_money = models.BooleanField(
        _("涉及资金支付"), default=False, help_text=_("涉及资金支出的事项须在表单上作出信用承诺。")
    )
    system_performs = models.BooleanField(
        _("由系统直接办理"),
        default=False,
        help_text=_(
            "仅当本平台自身完成该事项的办理行为时勾选；勾选的即办事项在智能审核全部通过后由系统"
            "自动办结（秒办）。涉及资金支付的事项不得勾选，须由经办人员审核。"
        ),
    )
    fee = models.CharField(
        _("收费标准"),
        max_length=200,
        blank=True,
        help_text=_("依法收费的事项填写收费标准及依据；留空表示不收费。"),
    )
    materials = models.ManyToManyField["Material", "ItemMaterial"](
        Material, verbose_name=_("申请材料"), through="ItemMaterial", related_name="items"
    )
    fields = models.ManyToManyField["FormField", "ItemField"](
        FormField, verbose_name=_("表单字段"), through="ItemField", related_name="items"
    )
    sources = models.JSONField(
        _("政策出处"), default=list, blank=True, help_text=_("事项在政策文件中出现的位置。")
    )
    first_issue = models.JSONField(
        _("首次制发的证照"),
        default=list,
        blank=True,
        help_text=_(
            "本事项首次制发的证照（材料代码列表，如社会保障卡）：同一场景不再要求提供，"
            "共享数据显示已持有的申请人会被告知。"
        ),
    )
    checks = models.JSONField(
        _("智能审核规则"),
        default=list,
        blank=True,
        help_text=_(
            "对申请表单自动核验的规则列表（如年龄、缴费月数），格式见 docs/PACK_FORMAT.md；"
            "即办事项全部规则通过时由系统自动办结（秒办）。"
        ),
    )

    objects = CatalogueRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务事项")
        verbose_name_plural = _("服务事项")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(promised_limit_unit=""), name="item_promised_unit_set"
            ),
            # system_approval_problem, as an invariant: money is never paid by the system alone.
            models.CheckConstraint(
                condition=~Q(system_performs=True, pays_money=True),
                name="item_money_not_system_performed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def legal_limit(self) -> TimeLimit | None:
        return TimeLimit.from_parts(self.legal_limit_value, self.legal_limit_unit)

    @property
    def promised_limit(self) -> TimeLimit:
        limit = TimeLimit.from_parts(self.promised_limit_value, self.promised_limit_unit)
        assert limit is not None  # guaranteed by the item_promised_unit_set constraint
        return limit

    @property
    def instant(self) -> bool:
        return self.promised_limit.is_instant

    @property
    def public_code(self) -> str:
        """The code citizens may see: a national catalogue code, never a local one (L-…)."""
        return item_public_code(self.code)

    @property
    def label(self) -> str:
        """The item as lists name it: its public code, when it has one, and its name."""
        return item_label(code=self.code, name=self.name)

    @property
    def fee_text(self) -> str:
        return self.fee or "不收费"

    def serves(self, kind: str) -> bool:
        """Whether an applicant of ``kind`` can have this item done, by its 办事对象."""
        return target_serves(self.target, kind)


LOCAL_CODE_PREFIX = "L-"


def item_public_code(code: str) -> str:
    """A national catalogue code as is; a local one (L-…) is internal and shown as nothing."""
    return "" if code.startswith(LOCAL_CODE_PREFIX) else code


def item_label(*, code: str, name: str) -> str:
    """“1.6.1 职工正常退休（职）申请”, or only the name for an item with a local code."""
    public = item_public_code(code)
    return f"{public} {name}" if public else name


def system_approval_problem(*, system_performs: bool, pays_money: bool) -> str | None:
    """Why an item may not be done by the system alone (秒办), or None when it may.

    The one rule for the catalogue file, the admin form and the automatic review: an item
    that pays out money is always decided by an officer.
    """
    if system_performs and pays_money:
        return "涉及资金支付的事项不能由系统直接办理（秒办），须由经办人员审核"
    return None


class ItemMaterial(models.Model):
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, verbose_name=_("事项"))
    material = models.ForeignKey(Material, on_delete=models.PROTECT, verbose_name=_("材料"))
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("事项材料")
        verbose_name_plural = _("事项材料")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["item", "material"], name="unique_item_material")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.material_id}"


class ItemField(models.Model):
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, verbose_name=_("事项"))
    field = models.ForeignKey(FormField, on_delete=models.PROTECT, verbose_name=_("字段"))
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("事项字段")
        verbose_name_plural = _("事项字段")
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["item", "field"], name="unique_item_field")]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.field_id}"


class Route(models.Model):
    """The routing table: which agency handles an agency kind (or one item) for a region.

    A sub-case goes to the route of the nearest region up the chain (district → city →
    province); a route for a specific item beats a route for its agency kind.
    """

    region = models.ForeignKey(
        Region,
        verbose_name=_("地区"),
        on_delete=models.CASCADE,
        related_name="routes",
        help_text=_("本地区及其下级地区（无更具体的路由时）的申请由该机构办理。"),
    )
    agency_kind = models.CharField(_("机构类型"), max_length=32, choices=AgencyKind.choices)
    item = models.ForeignKey(
        ServiceItem,
        verbose_name=_("特定事项"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="routes",
        help_text=_("留空表示该机构类型的全部事项。"),
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("办理机构"), on_delete=models.PROTECT, related_name="routes"
    )

    class Meta:
        verbose_name = _("分派路由")
        verbose_name_plural = _("分派路由")
        ordering = ["region__code", "agency_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "agency_kind"],
                condition=Q(item__isnull=True),
                name="unique_route_kind",
            ),
            models.UniqueConstraint(
                fields=["region", "item"], condition=Q(item__isnull=False), name="unique_route_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.agency_kind} → {self.agency}"
