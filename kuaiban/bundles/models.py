"""Policy packs (政策包) and the bundles (一件事) they define, loaded from pack files."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kuaiban.calendar.limits import LimitUnit, TimeLimit
from kuaiban.catalogue.models import ItemTarget, ServiceItem, target_serves


class Mode(models.TextChoices):
    PARALLEL = "parallel", _("打包办（并行）")
    SERIAL = "serial", _("打包办（串行）")
    INTEGRATED = "integrated", _("整合办")


class LimitSetBy(models.TextChoices):
    SEED = "seed", _("政策原文")
    BUREAU = "bureau", _("本地设定")


class SpeedUpListKind(models.TextChoices):
    BINDING = "binding", _("各地均适用")
    CANDIDATES = "candidates", _("备选清单（各地选取）")


class Pack(models.Model):
    code = models.SlugField(
        _("政策包代码"), max_length=40, unique=True, help_text=_("如 shandong-2020。")
    )
    name = models.CharField(_("名称"), max_length=200, help_text=_("政策文件标题。"))
    region = models.ForeignKey(
        "catalogue.Region",
        verbose_name=_("地区"),
        on_delete=models.PROTECT,
        related_name="packs",
        help_text=_("政策适用的地区：省级政策包为省份，扩展它的市县政策包为该市县。"),
    )
    extends = models.ForeignKey(
        "self",
        verbose_name=_("扩展的上级政策包"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="extensions",
        help_text=_(
            "市县政策包扩展省级政策包（向上兼容）：可增加一件事和事项、缩短承诺时限、"
            "从备选清单选取，不得删减或放慢。本地区的申请使用覆盖它的最基层政策包。"
        ),
    )
    document = models.CharField(
        _("文号"), max_length=80, blank=True, help_text=_("如 鲁人社字〔2020〕200号。")
    )
    issued = models.DateField(_("印发日期"), null=True, blank=True)
    seed = models.CharField(
        _("来源文件"), max_length=80, blank=True, help_text=_("政策原文文件名；市县政策包可为空。")
    )
    local_basis = models.CharField(
        _("本地依据"),
        max_length=300,
        blank=True,
        help_text=_("市县政策包所依据的决定或文件（扩展上级政策包时必填）。"),
    )
    version = models.CharField(_("版本"), max_length=20, help_text=_("政策包文件的版本号。"))
    speedup_list = models.CharField(
        _("提速办清单性质"),
        max_length=12,
        choices=SpeedUpListKind.choices,
        default=SpeedUpListKind.BINDING,
        help_text=_(
            "备选清单：各市县从中选取事项（如山西省选取 10 个以上），只有选中的事项在当地适用。"
        ),
    )
    speedup_min_pick = models.PositiveSmallIntegerField(
        _("每地至少选取"),
        default=0,
        help_text=_("备选清单每地至少选取的事项数（序号）；否则为 0。"),
    )
    speedup_list_text = models.TextField(
        _("选取要求原文"), blank=True, help_text=_("政策原文对备选清单的要求，照录。")
    )
    speedup_list_source = models.CharField(
        _("选取要求出处"), max_length=120, blank=True, help_text=_("如 001 正文 二（二）。")
    )
    file_name = models.CharField(
        _("政策包文件"), max_length=120, help_text=_("仓库中 packs/ 下的文件名。")
    )
    content_hash = models.CharField(
        _("内容摘要"),
        max_length=64,
        help_text=_("文件内容的 SHA-256；未变化时重复加载不做任何修改。"),
    )
    loaded_at = models.DateTimeField(_("加载时间"), auto_now=True)
    supplements = models.ForeignKey(
        "self",
        verbose_name=_("补充的政策包"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supplemented_by",
        help_text=_(
            "本政策包补充同一地区的另一政策包（如山东 2023 年经办服务意见补充 2020 年快办行动办法）："
            "一件事与提速办清单仍以被补充的政策包为准。"
        ),
    )

    class Meta:
        verbose_name = _("政策包")
        verbose_name_plural = _("政策包")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def basis(self) -> str:
        """The policy basis as citizens see it: the document's title and number, never a file."""
        return f"《{self.name}》（{self.document}）" if self.document else f"《{self.name}》"


class Bundle(models.Model):
    pack = models.ForeignKey(
        Pack, verbose_name=_("政策包"), on_delete=models.CASCADE, related_name="bundles"
    )
    code = models.CharField(_("序号"), max_length=20, help_text=_("政策清单中的序号。"))
    name = models.CharField(_("一件事名称"), max_length=120)
    target = models.CharField(_("办事对象"), max_length=8, choices=ItemTarget.choices)
    mode = models.CharField(
        _("办理模式"),
        max_length=12,
        choices=Mode.choices,
        help_text=_(
            "并行：同时办理；串行：按阶段依次办理；整合办：合并为一次办理。具体场景可单独设置。"
        ),
    )
    promised_limit_value = models.PositiveIntegerField(_("打包承诺时限数值"), null=True, blank=True)
    promised_limit_unit = models.CharField(
        _("打包承诺时限单位"),
        max_length=16,
        choices=LimitUnit.choices,
        blank=True,
        help_text=_("政策为一件事整体规定的时限；留空时按所含事项计算。"),
    )
    lead = models.TextField(
        _("职责分工"), blank=True, help_text=_("牵头单位与责任单位，政策原文。")
    )
    notes = models.JSONField(
        _("备注"), default=list, blank=True, help_text=_("政策原文备注，逐条。")
    )
    source = models.CharField(_("政策出处"), max_length=120)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    set_by = models.CharField(
        _("来源"),
        max_length=8,
        choices=LimitSetBy.choices,
        default=LimitSetBy.SEED,
        help_text=_("政策原文列出的一件事，或市县人社部门本地新增的一件事。"),
    )
    basis = models.CharField(
        _("本地依据"),
        max_length=300,
        blank=True,
        help_text=_("本地新增的一件事的依据（政策条文或本局决定）。"),
    )

    class Meta:
        verbose_name = _("一件事")
        verbose_name_plural = _("一件事")
        ordering = ["pack", "position"]
        constraints = [models.UniqueConstraint(fields=["pack", "code"], name="unique_bundle_code")]

    def __str__(self) -> str:
        return self.name

    @property
    def title(self) -> str:
        """How pages name it: “失业”一件事, or 失业一件事 as is when the policy's name says so."""
        return self.name if self.name.rstrip("”").endswith("一件事") else f"“{self.name}”一件事"

    @property
    def promised_limit(self) -> TimeLimit | None:
        return TimeLimit.from_parts(self.promised_limit_value, self.promised_limit_unit)


class Question(models.Model):
    bundle = models.ForeignKey(
        Bundle, verbose_name=_("一件事"), on_delete=models.CASCADE, related_name="questions"
    )
    key = models.SlugField(_("问题键"), max_length=60)
    text = models.CharField(
        _("问题"), max_length=200, help_text=_("情形引导中向申请人提出的是非题。")
    )
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("情形引导问题")
        verbose_name_plural = _("情形引导问题")
        ordering = ["bundle", "position"]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "key"], name="unique_question_key")
        ]

    def __str__(self) -> str:
        return self.text


class Scenario(models.Model):
    bundle = models.ForeignKey(
        Bundle, verbose_name=_("一件事"), on_delete=models.CASCADE, related_name="scenarios"
    )
    code = models.CharField(_("场景编号"), max_length=20, help_text=_("如 7-2。"))
    name = models.CharField(
        _("具体场景"), max_length=120, help_text=_("如 因病提前退休；江苏清单的“分类”。")
    )
    target = models.CharField(_("办事对象"), max_length=8, choices=ItemTarget.choices)
    mode = models.CharField(_("办理模式"), max_length=12, choices=Mode.choices)
    source = models.CharField(_("政策出处"), max_length=120)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    field_rules = models.JSONField(
        _("由情形确定的字段"),
        default=dict,
        blank=True,
        help_text=_(
            "字段键 → {value: 固定值} / {same_as: 另一字段键} / {from: 共享数据路径}；"
            "由情形确定的信息不再询问申请人。"
        ),
    )
    notes = models.JSONField(
        _("场景备注"),
        default=list,
        blank=True,
        help_text=_("只属于本场景的政策原文备注，逐条；全一件事共用的备注在一件事上。"),
    )

    class Meta:
        verbose_name = _("具体场景")
        verbose_name_plural = _("具体场景")
        ordering = ["bundle", "position"]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "code"], name="unique_scenario_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class BundleItem(models.Model):
    scenario = models.ForeignKey(
        Scenario, verbose_name=_("具体场景"), on_delete=models.CASCADE, related_name="bundle_items"
    )
    item = models.ForeignKey(
        ServiceItem,
        verbose_name=_("服务事项"),
        on_delete=models.PROTECT,
        related_name="bundle_items",
    )
    seed_name = models.CharField(
        _("政策原文名称"), max_length=200, help_text=_("该政策文件中对事项的叫法。")
    )
    required = models.BooleanField(_("必做/必选"), help_text=_("否则为情形事项/可选事项。"))
    stage = models.PositiveSmallIntegerField(
        _("阶段"), default=1, help_text=_("串行办理时的阶段序号，从1开始。")
    )
    when = models.SlugField(
        _("触发问题"),
        max_length=60,
        blank=True,
        help_text=_("情形事项：申请人对该问题回答“是”时自动纳入。"),
    )
    source = models.CharField(_("政策出处"), max_length=120)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    group = models.CharField(
        _("所属事项组"),
        max_length=300,
        blank=True,
        help_text=_("政策原文把几项写作一组（“…（含A；B）”）时，该组的原文名称；成员各自成项。"),
    )
    target = models.CharField(
        _("办事对象"),
        max_length=10,
        choices=ItemTarget.choices,
        blank=True,
        help_text=_("原文为该事项单列办事对象时填写；为空则同场景。"),
    )
    group_required = models.BooleanField(
        _("事项组必做"),
        default=False,
        help_text=_("所属事项组为必做时，申请人须至少选择该组的一项。"),
    )

    class Meta:
        verbose_name = _("场景事项")
        verbose_name_plural = _("场景事项")
        ordering = ["scenario", "stage", "position"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "item"], name="unique_scenario_item"),
            models.CheckConstraint(condition=Q(stage__gte=1), name="bundle_item_stage_positive"),
        ]

    def __str__(self) -> str:
        return self.seed_name

    def offered_to(self, kind: str) -> bool:
        """Whether an applicant of ``kind`` (person / unit; "" unknown) is offered the item: its
        own 办事对象 decides where the seed gives one (Jiangsu 序号2: 用人单位退工停保登记 is the
        unit's only); otherwise the scenario's, which the application checks."""
        return target_serves(self.target, kind)


class SpeedUp(models.Model):
    pack = models.ForeignKey(
        Pack, verbose_name=_("政策包"), on_delete=models.CASCADE, related_name="speedups"
    )
    seq = models.PositiveSmallIntegerField(_("序号"))
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("服务事项"), on_delete=models.PROTECT, related_name="speedups"
    )
    seed_name = models.CharField(_("政策原文名称"), max_length=200)
    legal_text = models.TextField(_("当前规定的办结时限（原文）"))
    promised_text = models.TextField(_("提速后办结时限（原文）"))
    legal_limit_value = models.PositiveIntegerField(_("法定时限数值"), null=True, blank=True)
    legal_limit_unit = models.CharField(
        _("法定时限单位"), max_length=16, choices=LimitUnit.choices, blank=True
    )
    promised_limit_value = models.PositiveIntegerField(_("提速时限数值"), null=True, blank=True)
    promised_limit_unit = models.CharField(
        _("提速时限单位"), max_length=16, choices=LimitUnit.choices
    )
    promised_set_by = models.CharField(
        _("提速时限来源"),
        max_length=8,
        choices=LimitSetBy.choices,
        help_text=_(
            "原文为文字表述（如“各地结合实际制定提速目标”）时，数值由本地设定，可在此修改。"
        ),
    )
    source = models.CharField(_("政策出处"), max_length=120)
    group = models.CharField(
        _("所属事项组"),
        max_length=300,
        blank=True,
        help_text=_(
            "原文一行写作一组事项（“…（含A；B）”）时该组的原文名称；该行时限适用于组内每一项。"
        ),
    )

    class Meta:
        verbose_name = _("提速办事项")
        verbose_name_plural = _("提速办事项")
        ordering = ["pack", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["pack", "seq", "item"], name="unique_speedup_seq"),
            models.UniqueConstraint(fields=["pack", "item"], name="unique_speedup_item"),
        ]

    def __str__(self) -> str:
        return self.seed_name

    @property
    def legal_limit(self) -> TimeLimit | None:
        return TimeLimit.from_parts(self.legal_limit_value, self.legal_limit_unit)

    @property
    def promised_limit(self) -> TimeLimit:
        limit = TimeLimit.from_parts(self.promised_limit_value, self.promised_limit_unit)
        assert limit is not None
        return limit


class HotItem(models.Model):
    pack = models.ForeignKey(
        Pack, verbose_name=_("政策包"), on_delete=models.CASCADE, related_name="hot_items"
    )
    seq = models.PositiveSmallIntegerField(_("序号"))
    item = models.ForeignKey(
        ServiceItem,
        verbose_name=_("服务事项"),
        on_delete=models.PROTECT,
        related_name="hot_entries",
    )
    seed_name = models.CharField(_("政策原文名称"), max_length=200)
    channels = models.JSONField(
        _("对接渠道"), default=list, help_text=_("政策原文列出的办理渠道。")
    )
    source = models.CharField(_("政策出处"), max_length=120)

    class Meta:
        verbose_name = _("热门高频事项")
        verbose_name_plural = _("热门高频事项")
        ordering = ["pack", "seq"]
        constraints = [models.UniqueConstraint(fields=["pack", "seq"], name="unique_hot_item_seq")]

    def __str__(self) -> str:
        return self.seed_name


class ContactPoint(models.Model):
    pack = models.ForeignKey(
        Pack, verbose_name=_("政策包"), on_delete=models.CASCADE, related_name="contact_points"
    )
    name = models.CharField(_("地点"), max_length=60)
    level = models.CharField(
        _("联系层级"), max_length=40, help_text=_("如 省级联系点、部、省共同联系点。")
    )
    source = models.CharField(_("政策出处"), max_length=120)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("联系点")
        verbose_name_plural = _("联系点")
        ordering = ["pack", "position"]
        constraints = [
            models.UniqueConstraint(fields=["pack", "name"], name="unique_contact_point")
        ]

    def __str__(self) -> str:
        return self.name


class TargetKind(models.TextChoices):
    """What a policy target measures; its unit and direction are in `kuaiban/bundles/targets.py`."""

    BUNDLES = "bundles", _("打包办理的“一件事”")
    SPEEDUP_ITEMS = "speedup_items", _("在规定时限基础上提速的事项")
    CHOSEN_SPEEDUPS = "chosen_speedups", _("从备选清单选取的提速办事项")
    ONLINE_RATE = "online_rate", _("全程网办率")
    CALLBACK_RATE = "callback_rate", _("实名差评回访率")
    REPORT_DAYS = "report_days", _("差评整改报告单报送时限")
    INSTANT_MINUTES = "instant_minutes", _("即办件办结时限")
    CROSS_PROVINCE_ITEMS = "cross_province_items", _("跨省通办事项")


class Target(models.Model):
    """A target the policy sets (工作目标), with its wording, scope, deadline and source."""

    pack = models.ForeignKey(
        Pack, verbose_name=_("政策包"), on_delete=models.CASCADE, related_name="targets"
    )
    kind = models.CharField(
        _("目标类别"), max_length=24, choices=TargetKind.choices, help_text=_("目标衡量的指标。")
    )
    value = models.PositiveIntegerField(
        _("目标值"), help_text=_("比率为百分数，个数为个，时限为日或分钟（按目标类别）。")
    )
    ratio = models.PositiveSmallIntegerField(
        _("提速幅度（%）"),
        null=True,
        blank=True,
        help_text=_("仅“提速的事项”：在规定时限基础上提速的百分比，如 50。"),
    )
    text = models.TextField(_("政策原文"), help_text=_("设定该目标的原文语句。"))
    scope = models.CharField(
        _("适用范围"), max_length=120, help_text=_("如 省级事项、全省各级人社部门。")
    )
    deadline = models.DateField(
        _("完成期限"), null=True, blank=True, help_text=_("原文为“持续推进”等无固定期限时为空。")
    )
    deadline_text = models.CharField(
        _("期限原文"), max_length=60, help_text=_("如 2021年6月底前、持续推进。")
    )
    source = models.CharField(_("政策出处"), max_length=120, help_text=_("原文位置标注。"))
    position = models.PositiveSmallIntegerField(
        _("顺序"), default=0, help_text=_("在政策包中的顺序。")
    )

    class Meta:
        verbose_name = _("工作目标")
        verbose_name_plural = _("工作目标")
        ordering = ["pack", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["pack", "kind", "deadline"], name="unique_target_kind_deadline"
            ),
            models.CheckConstraint(
                condition=Q(kind="speedup_items", ratio__gte=1, ratio__lte=100)
                | (~Q(kind="speedup_items") & Q(ratio__isnull=True)),
                name="target_ratio_only_for_speedups",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.deadline_text}"


class ProvisionKind(models.TextChoices):
    STANDARD = "standard", _("服务标准")
    PROACTIVE = "proactive", _("免申即享")
    CROSS_REGION = "cross_region", _("跨域通办")


class ItemScope(models.TextChoices):
    """Where an item is taken in: 全省通办 anywhere in the province, 跨省通办 in any province."""

    PROVINCE_WIDE = "province_wide", _("全省通办")
    CROSS_PROVINCE = "cross_province", _("跨省通办")


class Provision(models.Model):
    """A provision of a policy and the platform features that serve it (none: 尚未提供)."""

    pack = models.ForeignKey(
        Pack, verbose_name=_("政策包"), on_delete=models.CASCADE, related_name="provisions"
    )
    code = models.SlugField(_("条款代码"), max_length=40, help_text=_("在政策包内唯一。"))
    kind = models.CharField(
        _("条款类别"), max_length=16, choices=ProvisionKind.choices, help_text=_("条款的性质。")
    )
    title = models.CharField(_("条款"), max_length=60, help_text=_("简称，如 综合窗口全覆盖。"))
    text = models.TextField(_("政策原文"), help_text=_("条款原文语句。"))
    features = models.JSONField(
        _("平台落实"),
        default=list,
        blank=True,
        help_text=_("落实该条款的平台功能（kuaiban/bundles/features.py 的代码）；为空即尚未提供。"),
    )
    items = models.JSONField(
        _("相关事项"),
        default=list,
        blank=True,
        help_text=_("条款点名的服务事项目录代码，如 免申即享的稳岗返还。"),
    )
    scope = models.CharField(
        _("通办范围"),
        max_length=16,
        choices=ItemScope.choices,
        blank=True,
        help_text=_(
            "跨域通办条款：所列事项在本政策包地区可全省通办或跨省通办（异地收件、办理地办理）；"
            "经办机构可在此增删事项。"
        ),
    )
    source = models.CharField(_("政策出处"), max_length=120, help_text=_("原文位置标注。"))
    position = models.PositiveSmallIntegerField(
        _("顺序"), default=0, help_text=_("在政策包中的顺序。")
    )

    class Meta:
        verbose_name = _("政策条款")
        verbose_name_plural = _("政策条款")
        ordering = ["pack", "position"]
        constraints = [models.UniqueConstraint(fields=["pack", "code"], name="unique_provision")]

    def __str__(self) -> str:
        return self.title
