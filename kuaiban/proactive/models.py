"""免申即办: rules (each published version immutable), runs over the shared data, offers.

One offer per (rule, period, subject, about) — a database constraint — so a re-run or a
re-delivered chunk never duplicates; a second constraint over (exclusion group, period,
subject, about) means two benefits that cannot be had together are never both offered.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Target(models.TextChoices):
    PERSON = "person", _("个人")
    UNIT = "unit", _("单位")


class DeliveryMode(models.TextChoices):
    NOTIFY = "notify", _("告知可申请")
    CONFIRM = "confirm", _("核实确认意愿")
    GRANT = "grant", _("公示后直接享受")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已审核")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已停用")


class ProactiveRule(models.Model):
    code = models.CharField(
        _("规则代码"), max_length=60, unique=True, help_text=_("规则文件中的 code，如 retirement。")
    )
    title = models.CharField(_("名称"), max_length=120, help_text=_("向群众和企业展示的服务名称。"))
    target = models.CharField(
        _("服务对象"), max_length=10, choices=Target.choices, help_text=_("个人或单位。")
    )

    class Meta:
        verbose_name = _("免申即办规则")
        verbose_name_plural = _("免申即办规则")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title


class RuleVersion(models.Model):
    rule = models.ForeignKey(
        ProactiveRule,
        verbose_name=_("规则"),
        on_delete=models.PROTECT,
        related_name="versions",
        help_text=_("所属规则。"),
    )
    number = models.PositiveIntegerField(_("版本号"), help_text=_("同一规则内从 1 递增。"))
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=VersionStatus.choices,
        default=VersionStatus.DRAFT,
        help_text=_("草稿 → 已审核 → 已发布；已发布的版本不可修改。"),
    )
    definition = models.JSONField(
        _("规则内容"), help_text=_("校验后的规则：条件、金额公式、送达方式、服务、测试用例。")
    )
    content_hash = models.CharField(
        _("内容摘要"), max_length=64, help_text=_("规则内容的 SHA-256，相同内容不重复建版本。")
    )
    source_file = models.CharField(
        _("来源文件"), max_length=200, blank=True, help_text=_("载入该版本的规则文件及行号。")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("载入或起草该版本的人。"),
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("审核人不得是起草人。"),
    )
    approved_at = models.DateTimeField(
        _("审核时间"), null=True, blank=True, help_text=_("审核通过的时间。")
    )
    publisher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("发布该版本的人。"),
    )
    published_at = models.DateTimeField(
        _("发布时间"), null=True, blank=True, help_text=_("发布的时间；此后版本不可修改。")
    )
    preview_count = models.PositiveIntegerField(
        _("预览人数"),
        null=True,
        blank=True,
        help_text=_("发布前按当前共享数据统计的符合条件的对象数。"),
    )
    test_results = models.JSONField(
        _("测试用例结果"), default=list, blank=True, help_text=_("发布前运行的测试用例及结果。")
    )
    created_at = models.DateTimeField(
        _("创建时间"), auto_now_add=True, help_text=_("载入为草稿的时间。")
    )

    class Meta:
        verbose_name = _("规则版本")
        verbose_name_plural = _("规则版本")
        ordering = ["rule__code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "number"], name="rule_version_unique"),
            models.UniqueConstraint(
                fields=["rule"],
                condition=Q(status="published"),
                name="rule_one_published_version",
            ),
            models.CheckConstraint(
                condition=Q(approver__isnull=True) | ~Q(approver=F("author")),
                name="rule_version_approver_not_author",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule.title}（第 {self.number} 版）"

    @property
    def title(self) -> str:
        return str(self.definition.get("title", self.rule.title))


class RunStatus(models.TextChoices):
    RUNNING = "running", _("比对中")
    DONE = "done", _("已完成")


class RunTrigger(models.TextChoices):
    MANUAL = "manual", _("人工启动")
    EVENT = "event", _("事件触发")


class ProactiveRun(models.Model):
    version = models.ForeignKey(
        RuleVersion,
        verbose_name=_("规则版本"),
        on_delete=models.PROTECT,
        related_name="runs",
        help_text=_("比对所用的已发布版本。"),
    )
    period = models.CharField(
        _("期间"), max_length=10, help_text=_("如 2026、2026-12；一次性待遇为 once。")
    )
    as_of = models.DateField(
        _("比对日期"), help_text=_("条件按此日期计算（期间末日与今天较早者）。")
    )
    trigger = models.CharField(
        _("触发方式"),
        max_length=10,
        choices=RunTrigger.choices,
        default=RunTrigger.MANUAL,
        help_text=_("管理员启动，或共享数据中的事件（死亡登记、达到退休年龄）触发。"),
    )
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=RunStatus.choices,
        default=RunStatus.RUNNING,
        help_text=_("全部分片完成后为已完成。"),
    )
    chunks_total = models.PositiveIntegerField(
        _("分片数"), default=0, help_text=_("按对象主键区间切分的分片总数。")
    )
    chunks_done = models.PositiveIntegerField(
        _("已完成分片数"), default=0, help_text=_("已由工作进程完成的分片数（进度）。")
    )
    eligible = models.PositiveIntegerField(
        _("符合条件数"), default=0, help_text=_("各分片中符合条件的对象数之和。")
    )
    created = models.PositiveIntegerField(
        _("新生成服务数"), default=0, help_text=_("本次比对新写入的服务；重跑时已有的不再计入。")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("启动人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("人工启动的管理员；事件触发为空。"),
    )
    data_as_of = models.DateTimeField(_("数据时点"), help_text=_("比对开始的时间。"))
    finished_at = models.DateTimeField(
        _("完成时间"), null=True, blank=True, help_text=_("最后一个分片完成的时间。")
    )

    class Meta:
        verbose_name = _("比对批次")
        verbose_name_plural = _("比对批次")
        ordering = ["-data_as_of"]

    def __str__(self) -> str:
        return f"{self.version} {self.period}"

    @property
    def progress(self) -> float:
        return 1.0 if not self.chunks_total else self.chunks_done / self.chunks_total


class RunChunk(models.Model):
    """A slice of the subjects by primary-key range, taken by any worker through the outbox."""

    run = models.ForeignKey(
        ProactiveRun,
        verbose_name=_("比对批次"),
        on_delete=models.CASCADE,
        related_name="chunks",
        help_text=_("所属批次。"),
    )
    number = models.PositiveIntegerField(_("序号"), help_text=_("批次内从 0 起。"))
    low = models.BigIntegerField(_("起始编号"), help_text=_("对象主键下限（含）。"))
    high = models.BigIntegerField(_("结束编号"), help_text=_("对象主键上限（不含）。"))
    done = models.BooleanField(
        _("已完成"), default=False, help_text=_("与本分片的服务在同一事务中标记。")
    )
    eligible = models.PositiveIntegerField(
        _("符合条件数"), default=0, help_text=_("本分片中符合条件的对象数。")
    )
    created = models.PositiveIntegerField(
        _("新生成服务数"), default=0, help_text=_("本分片新写入的服务数。")
    )
    done_at = models.DateTimeField(
        _("完成时间"), null=True, blank=True, help_text=_("本分片完成的时间。")
    )

    class Meta:
        verbose_name = _("比对分片")
        verbose_name_plural = _("比对分片")
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="run_chunk_unique")]

    def __str__(self) -> str:
        return f"{self.run_id}#{self.number}"


class OfferStatus(models.TextChoices):
    OFFERED = "offered", _("待确认")
    PUBLICISED = "publicised", _("公示中")
    ACCEPTED = "accepted", _("已确认办理")
    DECLINED = "declined", _("已放弃")
    LAPSED = "lapsed", _("逾期未确认")
    GRANTED = "granted", _("已享受")
    WITHDRAWN = "withdrawn", _("异议成立，已撤销")


class Offer(models.Model):
    OPEN = (OfferStatus.OFFERED, OfferStatus.PUBLICISED)

    # A run writes millions of offers at once, all naming its own version and run, which it
    # holds: the database's per-row reference check (a lookup and a queued trigger event per
    # offer) and an index of each column cost a fifth of the insert, so the references are
    # kept by the application (PROTECT still refuses to delete a version or run with offers)
    # and a run's offers are found through `offer_run_idx`.
    version = models.ForeignKey(
        RuleVersion,
        verbose_name=_("规则版本"),
        on_delete=models.PROTECT,
        related_name="offers",
        db_constraint=False,
        db_index=False,
        help_text=_("生成该服务的已发布规则版本。"),
    )
    run = models.ForeignKey(
        ProactiveRun,
        verbose_name=_("比对批次"),
        on_delete=models.PROTECT,
        related_name="offers",
        db_constraint=False,
        db_index=False,
        help_text=_("生成该服务的比对批次。"),
    )
    rule_code = models.CharField(
        _("规则代码"), max_length=60, help_text=_("同规则版本的规则代码。")
    )
    period = models.CharField(_("期间"), max_length=10, help_text=_("同比对批次的期间。"))
    subject_kind = models.CharField(
        _("服务对象类型"), max_length=10, choices=Target.choices, help_text=_("个人或单位。")
    )
    subject_key = models.CharField(
        _("服务对象证件号"),
        max_length=18,
        help_text=_("个人的居民身份证号或单位的统一社会信用代码。"),
    )
    about_key = models.CharField(
        _("所涉人员证件号"),
        max_length=18,
        blank=True,
        default="",
        help_text=_("为他人办理时（如逝者的遗属待遇）该人员的身份证号；否则为空。"),
    )
    region_code = models.CharField(_("地区代码"), max_length=6, help_text=_("服务对象的地区。"))
    # NULL, not "": offers of rules in no group must not collide in the group constraint, and
    # NULLs are distinct in a unique constraint on PostgreSQL and SQLite alike.
    exclusion_group = models.CharField(  # noqa: DJ001
        _("互斥组"),
        max_length=60,
        null=True,
        blank=True,
        help_text=_("同组的服务不可同时享受；空表示不与其他服务互斥。"),
    )
    amount = models.DecimalField(
        _("金额"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("按规则金额公式计算（元）；不涉及资金时为空。"),
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=OfferStatus.choices,
        help_text=_("待确认、公示中、已确认办理、已放弃、逾期未确认、已享受或异议撤销。"),
    )
    eligible_on = models.DateField(_("符合条件日期"), help_text=_("比对日期。"))
    deadline = models.DateField(
        _("确认截止日期"), null=True, blank=True, help_text=_("核实确认类服务逾期即失效。")
    )
    publicity_until = models.DateField(
        _("公示截止日期"), null=True, blank=True, help_text=_("公示类服务公示期满且无异议即享受。")
    )
    created_at = models.DateTimeField(_("生成时间"), help_text=_("比对写入该服务的时间。"))
    decided_at = models.DateTimeField(
        _("办结时间"),
        null=True,
        blank=True,
        help_text=_("确认、放弃、失效、享受或撤销的时间。"),
    )
    notified_at = models.DateTimeField(
        _("通知时间"), null=True, blank=True, help_text=_("已通过发件箱通知服务对象的时间。")
    )
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("办件"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # `offer_application_idx`: only the offers that have one
        help_text=_("确认办理或享受后生成的办件。"),
    )

    class Meta:
        verbose_name = _("免申即办服务")
        verbose_name_plural = _("免申即办服务")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_code", "period", "subject_key", "about_key"],
                name="offer_one_per_rule_period_subject",
            ),
            # The group last: a probe by period and subject (a run's "already offered?") can
            # then use this index too without reading all of it — with no statistics on the
            # offers (a first run) PostgreSQL took either index for that probe.
            models.UniqueConstraint(
                fields=["period", "subject_key", "about_key", "exclusion_group"],
                name="offer_one_per_exclusion_group",
            ),
        ]
        indexes = [
            models.Index(fields=["subject_key", "-created_at"], name="offer_subject_idx"),
            models.Index(fields=["run", "id"], name="offer_run_idx"),
            models.Index(
                fields=["application"],
                condition=models.Q(application__isnull=False),
                name="offer_application_idx",
            ),
            # Only the offers the daily sweep looks for (`offers_sweep`): a run's grants and
            # notices are never in these, and cost no index entry.
            models.Index(
                fields=["deadline"],
                condition=models.Q(status=OfferStatus.OFFERED, deadline__isnull=False),
                name="offer_open_deadline_idx",
            ),
            models.Index(
                fields=["publicity_until"],
                condition=models.Q(status=OfferStatus.PUBLICISED),
                name="offer_publicity_until_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_code} {self.period}"


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class Objection(models.Model):
    offer = models.ForeignKey(
        Offer,
        verbose_name=_("公示的服务"),
        on_delete=models.CASCADE,
        related_name="objections",
        help_text=_("被提出异议的公示对象。"),
    )
    text = models.TextField(_("异议内容"), help_text=_("异议的事实和理由。"))
    contact = models.CharField(
        _("联系方式"), max_length=40, blank=True, help_text=_("便于核实的电话；列表中脱敏显示。")
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("登录后提出异议的账号。"),
    )
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=ObjectionStatus.choices,
        default=ObjectionStatus.OPEN,
        help_text=_("待处理的异议使公示对象暂不享受。"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("核实并处理异议的经办人员。"),
    )
    decision_note = models.TextField(_("处理意见"), blank=True, help_text=_("核实情况与结论。"))
    created_at = models.DateTimeField(
        _("提出时间"), auto_now_add=True, help_text=_("异议提交的时间。")
    )
    decided_at = models.DateTimeField(
        _("处理时间"), null=True, blank=True, help_text=_("经办人员处理异议的时间。")
    )

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.offer_id} {self.get_status_display()}"
