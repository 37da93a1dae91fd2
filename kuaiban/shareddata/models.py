"""The built-in shared-data source (数据共享): people, units and their records.

In production these tables are a local copy of, or are replaced by, the province's
data-sharing platform (see connectors/); the demo fills them with a few fixed rows and
`kuaiban shareddata_generate` with synthetic data at any size (rows marked ``generated``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Person(models.Model):
    id_number = models.CharField(
        _("居民身份证号"), max_length=18, help_text=_("18位，末位可为X（大写）。")
    )
    name = models.CharField(_("姓名"), max_length=40, help_text=_("与身份证一致。"))
    gender = models.CharField(_("性别"), max_length=2, help_text=_("男 或 女。"))
    birth_date = models.DateField(_("出生日期"), help_text=_("与身份证号中的出生日期一致。"))
    phone = models.CharField(_("手机号"), max_length=20, blank=True, help_text=_("11位手机号。"))
    address = models.CharField(
        _("常住地址"), max_length=200, blank=True, help_text=_("现居住地的详细地址。")
    )
    household_address = models.CharField(
        _("户籍地址"), max_length=200, blank=True, help_text=_("户口登记地址。")
    )
    education = models.CharField(
        _("学历"), max_length=20, blank=True, help_text=_("如 高中、大学本科。")
    )
    region_code = models.CharField(_("户籍地区代码"), max_length=6, help_text=_("GB/T 2260 代码。"))
    graduated_on = models.DateField(
        _("高校毕业日期"),
        null=True,
        blank=True,
        help_text=_("普通高等学校毕业证书上的毕业日期（教育部门共享）；空表示无高校毕业记录。"),
    )
    generated = models.BooleanField(
        _("合成数据"),
        default=False,
        help_text=_("由 shareddata_generate 生成的演示/压测数据；--clear 只删除这些人员。"),
    )

    class Meta:
        verbose_name = _("人口信息")
        verbose_name_plural = _("人口信息")
        # A constraint, not ``unique=True``: on PostgreSQL the field option adds a second,
        # ``varchar_pattern_ops`` index for LIKE, which nothing here runs on ID numbers (387 MB
        # and a sort more to build at 10 M people, an index entry more per person written).
        constraints = [
            models.UniqueConstraint(fields=["id_number"], name="person_id_number_unique")
        ]

    def __str__(self) -> str:
        return self.name


class EnterpriseSize(models.TextChoices):
    LARGE = "大型", _("大型企业")
    MEDIUM = "中型", _("中型企业")
    SMALL = "小型", _("小型企业")
    MICRO = "微型", _("微型企业")


class Enterprise(models.Model):
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, help_text=_("18位，GB 32100。")
    )
    name = models.CharField(_("单位名称"), max_length=120, help_text=_("登记的全称。"))
    legal_representative = models.CharField(
        _("法定代表人"), max_length=40, help_text=_("法定代表人或负责人姓名。")
    )
    address = models.CharField(
        _("注册地址"), max_length=200, blank=True, help_text=_("营业执照上的住所。")
    )
    phone = models.CharField(
        _("联系电话"), max_length=20, blank=True, help_text=_("固定电话或手机号。")
    )
    region_code = models.CharField(_("注册地区代码"), max_length=6, help_text=_("GB/T 2260 代码。"))
    established = models.DateField(
        _("成立日期"), null=True, blank=True, help_text=_("营业执照上的成立日期。")
    )
    size = models.CharField(
        _("企业规模"),
        max_length=4,
        choices=EnterpriseSize.choices,
        blank=True,
        help_text=_("按国家统计局大中小微型企业划分办法；稳岗返还的返还比例按此区分。"),
    )
    insured_since = models.DateField(
        _("失业保险参保日期"),
        null=True,
        blank=True,
        help_text=_("单位首次参加失业保险的日期；空表示未参保。"),
    )
    employees = models.PositiveIntegerField(
        _("参保职工人数"), default=0, help_text=_("上年末参加失业保险的职工人数。")
    )
    layoffs_last_year = models.PositiveIntegerField(
        _("上年度裁员人数"), default=0, help_text=_("上年度单位裁减的参保职工人数。")
    )
    arrears = models.DecimalField(
        _("欠缴社会保险费"),
        max_digits=14,
        decimal_places=2,
        default=0,
        help_text=_("截至数据日期尚未缴纳的社会保险费（元）；0 表示无欠费。"),
    )
    ui_paid_last_year = models.DecimalField(
        _("上年度失业保险费"),
        max_digits=14,
        decimal_places=2,
        default=0,
        help_text=_("单位及其职工上年度实际缴纳的失业保险费（元）。"),
    )
    generated = models.BooleanField(
        _("合成数据"),
        default=False,
        help_text=_("由 shareddata_generate 生成的演示/压测数据；--clear 只删除这些单位。"),
    )

    class Meta:
        verbose_name = _("企业登记信息")
        verbose_name_plural = _("企业登记信息")

    def __str__(self) -> str:
        return self.name


class InsuranceRecord(models.Model):
    person = models.OneToOneField(
        Person,
        verbose_name=_("人员"),
        on_delete=models.CASCADE,
        related_name="insurance",
        help_text=_("参保人。"),
    )
    unit_name = models.CharField(
        _("参保单位"), max_length=120, blank=True, help_text=_("当前或最后的参保单位。")
    )
    first_contribution_date = models.DateField(
        _("首次参保日期"), help_text=_("首次缴纳社会保险费的日期。")
    )
    contribution_months = models.PositiveIntegerField(
        _("累计缴费月数"), help_text=_("实际缴费月数，不含中断期间。")
    )
    status = models.CharField(
        _("参保状态"), max_length=20, help_text=_("如 正常参保、暂停缴费、已退休。")
    )
    region_name = models.CharField(
        _("参保地"), max_length=60, blank=True, help_text=_("如 济南市。")
    )
    card_bank = models.CharField(
        _("社保卡开户银行"), max_length=60, blank=True, help_text=_("社保卡金融账户的开户网点。")
    )
    card_bank_account = models.CharField(
        _("社保卡银行账号"), max_length=30, blank=True, help_text=_("社保卡金融账户账号。")
    )
    pension_account_balance = models.DecimalField(
        _("个人账户余额"),
        max_digits=12,
        decimal_places=2,
        default=0,
        help_text=_("基本养老保险个人账户累计储存额（元）。"),
    )
    monthly_wage = models.DecimalField(
        _("本人月缴费工资"),
        max_digits=10,
        decimal_places=2,
        default=0,
        help_text=_("最近一次核定的本人月缴费工资（元），工伤待遇按此计算。"),
    )
    injury_grade = models.PositiveSmallIntegerField(
        _("伤残等级"),
        null=True,
        blank=True,
        help_text=_("劳动能力鉴定结论的伤残等级，1（一级）至10（十级）；空表示无鉴定结论。"),
    )
    last_activity_on = models.DateField(
        _("最近活动日期"),
        null=True,
        blank=True,
        help_text=_("最近一次就医结算、社保卡用卡或其他本人到场业务的日期，静默认证据此判断。"),
    )

    class Meta:
        verbose_name = _("参保信息")
        verbose_name_plural = _("参保信息")

    def __str__(self) -> str:
        return f"{self.person_id}"


class EmploymentRecord(models.Model):
    # The (person, start_date) index below serves the lookups and the cascade; no second index.
    person = models.ForeignKey(
        Person,
        verbose_name=_("人员"),
        on_delete=models.CASCADE,
        related_name="employments",
        db_index=False,
        help_text=_("就业登记的人员。"),
    )
    unit_name = models.CharField(_("用人单位"), max_length=120, help_text=_("用人单位全称。"))
    unit_credit_code = models.CharField(
        _("用人单位信用代码"), max_length=18, help_text=_("用人单位的统一社会信用代码。")
    )
    start_date = models.DateField(_("就业登记日期"), help_text=_("劳动关系开始的日期。"))
    end_date = models.DateField(
        _("终止日期"), null=True, blank=True, help_text=_("空表示仍在该单位就业。")
    )

    class Meta:
        verbose_name = _("就业登记")
        verbose_name_plural = _("就业登记")
        ordering = ["-start_date"]
        indexes = [models.Index(fields=["person", "-start_date"], name="employment_latest_idx")]

    def __str__(self) -> str:
        return self.unit_name


class UnemploymentRecord(models.Model):
    person = models.ForeignKey(
        Person,
        verbose_name=_("人员"),
        on_delete=models.CASCADE,
        related_name="unemployments",
        db_index=False,
        help_text=_("失业登记的人员。"),
    )
    registered_on = models.DateField(_("失业登记日期"), help_text=_("办理失业登记的日期。"))
    reason = models.CharField(_("失业原因"), max_length=60, help_text=_("如 劳动合同期满。"))
    status = models.CharField(_("状态"), max_length=20, help_text=_("如 登记失业、已就业。"))

    class Meta:
        verbose_name = _("失业登记")
        verbose_name_plural = _("失业登记")
        ordering = ["-registered_on"]
        indexes = [
            models.Index(fields=["person", "-registered_on"], name="unemployment_latest_idx")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.registered_on}"


class ECertificate(models.Model):
    person = models.ForeignKey(
        Person,
        verbose_name=_("持证人"),
        on_delete=models.CASCADE,
        related_name="certificates",
        db_index=False,
        help_text=_("证照的持有人。"),
    )
    kind = models.CharField(
        _("证照类型"),
        max_length=30,
        help_text=_(
            "social_security_card 社会保障卡、employment_card 就业创业证、graduation 技工院校毕业证书、"
            "disability_card 残疾人证（残联共享）。"
        ),
    )
    number = models.CharField(_("证照编号"), max_length=40, help_text=_("同类证照中唯一。"))
    issued_on = models.DateField(_("发证日期"), help_text=_("证照的签发日期。"))

    class Meta:
        verbose_name = _("电子证照")
        verbose_name_plural = _("电子证照")
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="unique_certificate")
        ]
        indexes = [
            models.Index(fields=["person", "kind", "-issued_on"], name="certificate_latest_idx")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"


class DeathRecord(models.Model):
    """A death as reported by civil affairs, public security or hospitals (死亡信息共享)."""

    person = models.OneToOneField(
        Person,
        verbose_name=_("逝者"),
        on_delete=models.CASCADE,
        related_name="death",
        help_text=_("去世的人员。"),
    )
    died_on = models.DateField(_("死亡日期"), help_text=_("死亡证明上的日期。"))
    next_of_kin_id_number = models.CharField(
        _("近亲属身份证号"),
        max_length=18,
        blank=True,
        help_text=_("办理丧葬、遗属待遇的近亲属（配偶、子女等）的居民身份证号。"),
    )
    next_of_kin_name = models.CharField(
        _("近亲属姓名"), max_length=40, blank=True, help_text=_("与身份证一致。")
    )
    next_of_kin_relation = models.CharField(
        _("与逝者关系"), max_length=10, blank=True, help_text=_("如 配偶、子女、父母。")
    )
    dependants = models.PositiveSmallIntegerField(
        _("供养直系亲属人数"),
        default=0,
        help_text=_("逝者生前主要供养的直系亲属人数（户籍与社会救助数据核定）。"),
    )
    recorded_at = models.DateTimeField(
        _("入库时间"),
        auto_now_add=True,
        db_index=True,
        help_text=_("死亡信息进入共享库的时间；事件触发按此找出新记录。"),
    )

    class Meta:
        verbose_name = _("死亡信息")
        verbose_name_plural = _("死亡信息")

    def __str__(self) -> str:
        return f"{self.person_id} {self.died_on}"


# The records behind the self-service queries live in their own module (one concern each).
# The people's columns the 免申即办 person rules read, in one row each (kept by triggers).
from kuaiban.shareddata.facts import PersonFacts  # noqa: E402
from kuaiban.shareddata.records import (  # noqa: E402
    Benefit,
    BenefitKind,
    BenefitStatus,
    ContributionMonth,
    OccupationalAnnuity,
    SkillCertificate,
    SkillCertificateKind,
)

__all__ = [
    "Benefit",
    "BenefitKind",
    "BenefitStatus",
    "ContributionMonth",
    "DeathRecord",
    "ECertificate",
    "EmploymentRecord",
    "Enterprise",
    "EnterpriseSize",
    "InsuranceRecord",
    "OccupationalAnnuity",
    "Person",
    "PersonFacts",
    "SkillCertificate",
    "SkillCertificateKind",
    "UnemploymentRecord",
]
