"""Records behind the self-service queries (热门高频事项): month-by-month contributions,
benefits being paid, 职业年金 and vocational skill certificates.

Like ``models.py`` these are a local copy of, or are replaced by, the province's platform;
``kuaiban shareddata_generate --history`` fills them with synthetic rows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContributionMonth(models.Model):
    """One month of contributions: 养老, 失业 and 工伤, on one base, paid by one payer."""

    person = models.ForeignKey(
        "shareddata.Person",
        verbose_name=_("人员"),
        on_delete=models.CASCADE,
        related_name="contribution_months",
        db_index=False,  # the unique (person, month) index serves lookups and the cascade
        help_text=_("参保缴费的人员。"),
    )
    month = models.DateField(_("费款所属期"), help_text=_("缴费所属月份，取该月1日。"))
    payer_name = models.CharField(
        _("缴费单位"),
        max_length=120,
        help_text=_("缴费的用人单位全称；灵活就业人员为“个人缴费（灵活就业）”。"),
    )
    payer_credit_code = models.CharField(
        _("缴费单位信用代码"),
        max_length=18,
        blank=True,
        help_text=_("缴费单位的统一社会信用代码；个人缴费时为空。"),
    )
    base = models.DecimalField(
        _("缴费基数"),
        help_text=_("当月核定的缴费工资基数（元）。"),
        max_digits=12,
        decimal_places=2,
        default=0,
    )
    pension_unit = models.DecimalField(
        _("养老保险单位缴费"),
        help_text=_("计入统筹基金（元）。"),
        max_digits=12,
        decimal_places=2,
        default=0,
    )
    pension_personal = models.DecimalField(
        _("养老保险个人缴费"),
        help_text=_("计入个人账户（元）。"),
        max_digits=12,
        decimal_places=2,
        default=0,
    )
    unemployment_unit = models.DecimalField(
        _("失业保险单位缴费"),
        help_text=_("元；未参加失业保险的月份为0。"),
        max_digits=12,
        decimal_places=2,
        default=0,
    )
    unemployment_personal = models.DecimalField(
        _("失业保险个人缴费"),
        help_text=_("元；未参加失业保险的月份为0。"),
        max_digits=12,
        decimal_places=2,
        default=0,
    )
    injury_unit = models.DecimalField(
        _("工伤保险单位缴费"),
        help_text=_("工伤保险只由单位缴费（元）；未参保为0。"),
        max_digits=12,
        decimal_places=2,
        default=0,
    )

    class Meta:
        verbose_name = _("月度缴费记录")
        verbose_name_plural = _("月度缴费记录")
        constraints = [
            models.UniqueConstraint(fields=["person", "month"], name="unique_contribution_month")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.month:%Y-%m}"

    @property
    def unemployment_paid(self) -> bool:
        return bool(self.unemployment_unit or self.unemployment_personal)


class BenefitKind(models.TextChoices):
    PENSION = "pension", _("基本养老金")
    UNEMPLOYMENT = "unemployment", _("失业保险金")


class BenefitStatus(models.TextChoices):
    PAYING = "paying", _("正常发放")
    SUSPENDED = "suspended", _("暂停发放")
    ENDED = "ended", _("已终止")


class Benefit(models.Model):
    """A benefit being paid, or paid until it ended (基本养老金, 失业保险金)."""

    person = models.ForeignKey(
        "shareddata.Person",
        verbose_name=_("领取人"),
        on_delete=models.CASCADE,
        related_name="benefits",
        db_index=False,
        help_text=_("领取待遇的人员。"),
    )
    kind = models.CharField(
        _("待遇类型"), max_length=20, choices=BenefitKind.choices, help_text=_("待遇项目。")
    )
    status = models.CharField(
        _("发放状态"),
        max_length=12,
        choices=BenefitStatus.choices,
        default=BenefitStatus.PAYING,
        help_text=_("正常发放、暂停发放或已终止。"),
    )
    started_on = models.DateField(_("待遇起始月"), help_text=_("首次发放所属月份的1日。"))
    ends_on = models.DateField(
        _("待遇终止月"),
        null=True,
        blank=True,
        help_text=_("最后一个应发月份的1日；基本养老金为空（按月发放至终身）。"),
    )
    monthly_amount = models.DecimalField(
        _("月发放标准"),
        help_text=_("当前每月发放的金额（元）。"),
        max_digits=12,
        decimal_places=2,
        default=0,
    )
    basic_part = models.DecimalField(
        _("基础养老金"),
        help_text=_("基本养老金的组成部分（元）；失业保险金为0。"),
        max_digits=12,
        decimal_places=2,
        default=0,
    )
    account_part = models.DecimalField(
        _("个人账户养老金"),
        help_text=_("基本养老金的组成部分（元）；失业保险金为0。"),
        max_digits=12,
        decimal_places=2,
        default=0,
    )
    transitional_part = models.DecimalField(
        _("过渡性养老金"),
        help_text=_("1996年以前有视同缴费年限的人员才有（元）；其余为0。"),
        max_digits=12,
        decimal_places=2,
        default=0,
    )
    months_total = models.PositiveSmallIntegerField(
        _("应领月数"), null=True, blank=True, help_text=_("失业保险金的最长领取月数；养老金为空。")
    )
    months_paid = models.PositiveIntegerField(
        _("已发放月数"), default=0, help_text=_("截至数据日期已发放的月数。")
    )
    paid_total = models.DecimalField(
        _("累计发放金额"),
        max_digits=14,
        decimal_places=2,
        default=0,
        help_text=_("截至数据日期累计发放的金额（元）。"),
    )
    bank = models.CharField(
        _("发放银行"), max_length=60, blank=True, help_text=_("待遇打入的社保卡金融账户开户行。")
    )
    region_name = models.CharField(
        _("待遇领取地"), max_length=60, blank=True, help_text=_("发放待遇的统筹地区，如 济南市。")
    )

    class Meta:
        verbose_name = _("待遇发放记录")
        verbose_name_plural = _("待遇发放记录")
        indexes = [models.Index(fields=["person", "kind"], name="benefit_person_idx")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind}"


class OccupationalAnnuity(models.Model):
    """职业年金: the supplementary pension of staff of 机关事业单位 (since October 2014)."""

    person = models.OneToOneField(
        "shareddata.Person",
        verbose_name=_("人员"),
        on_delete=models.CASCADE,
        related_name="annuity",
        help_text=_("职业年金的参加人。"),
    )
    unit_name = models.CharField(_("参加单位"), max_length=120, help_text=_("机关事业单位全称。"))
    joined_on = models.DateField(_("参加时间"), help_text=_("开始缴纳职业年金的月份1日。"))
    unit_total = models.DecimalField(
        _("单位缴费累计"),
        max_digits=14,
        decimal_places=2,
        default=0,
        help_text=_("单位按工资总额8%缴费的累计额（元）。"),
    )
    personal_total = models.DecimalField(
        _("个人缴费累计"),
        max_digits=14,
        decimal_places=2,
        default=0,
        help_text=_("个人按本人缴费工资4%缴费的累计额（元）。"),
    )
    earnings = models.DecimalField(
        _("投资收益累计"),
        max_digits=14,
        decimal_places=2,
        default=0,
        help_text=_("记账及投资运营收益的累计额（元）。"),
    )
    balance = models.DecimalField(
        _("账户余额"),
        max_digits=14,
        decimal_places=2,
        default=0,
        help_text=_("截至数据日期的职业年金个人账户余额（元）。"),
    )
    last_month = models.DateField(
        _("最近缴费月"), null=True, blank=True, help_text=_("最近一次缴费所属月份的1日。")
    )
    status = models.CharField(
        _("账户状态"), max_length=20, help_text=_("如 正常缴费、暂停缴费、待遇领取。")
    )

    class Meta:
        verbose_name = _("职业年金")
        verbose_name_plural = _("职业年金")

    def __str__(self) -> str:
        return f"{self.person_id} {self.unit_name}"


class SkillCertificateKind(models.TextChoices):
    SKILL_LEVEL = "skill_level", _("职业技能等级证书")
    VOCATIONAL = "vocational", _("职业资格证书（技能人员）")
    PROFESSIONAL = "professional", _("专业技术人员职业资格证书")


class SkillCertificate(models.Model):
    person = models.ForeignKey(
        "shareddata.Person",
        verbose_name=_("持证人"),
        on_delete=models.CASCADE,
        related_name="skill_certificates",
        db_index=False,
        help_text=_("证书的持有人。"),
    )
    kind = models.CharField(
        _("证书类别"),
        max_length=20,
        choices=SkillCertificateKind.choices,
        help_text=_("职业技能等级证书、技能人员职业资格证书或专业技术人员职业资格证书。"),
    )
    number = models.CharField(
        _("证书编号"), max_length=40, db_index=True, help_text=_("证书上印的编号。")
    )
    occupation = models.CharField(
        _("职业（工种）或资格名称"), max_length=60, help_text=_("如 电工、房地产估价师。")
    )
    level = models.CharField(
        _("等级"), max_length=20, blank=True, help_text=_("如 四级/中级工；专业技术资格为空。")
    )
    issuer = models.CharField(
        _("发证机构"), max_length=80, help_text=_("评价机构或发证的人社部门。")
    )
    issued_on = models.DateField(_("发证日期"), help_text=_("证书上的发证日期。"))

    class Meta:
        verbose_name = _("职业技能证书")
        verbose_name_plural = _("职业技能证书")
        indexes = [
            models.Index(fields=["person", "-issued_on"], name="skill_certificate_person_idx")
        ]

    def __str__(self) -> str:
        return f"{self.occupation} {self.number}"


# Written by the generator after the person's other records; ANALYZEd after a bulk load.
SELF_SERVICE_MODELS: tuple[type[models.Model], ...] = (
    ContributionMonth,
    Benefit,
    OccupationalAnnuity,
    SkillCertificate,
)
