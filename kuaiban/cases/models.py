"""Sub-cases (子件): one per selected item of an application, routed to an agency."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kuaiban.core.copied import copied_column

if TYPE_CHECKING:
    from kuaiban.applications.models import Application


class SubCaseStatus(models.TextChoices):
    WAITING = "waiting", _("待前序阶段办结")
    OPEN = "open", _("待受理")
    ACCEPTED = "accepted", _("办理中")
    CORRECTION = "correction", _("待补正")
    APPROVED = "approved", _("已办结")
    REJECTED = "rejected", _("不予办理")
    STOPPED = "stopped", _("已终止")
    WITHDRAWN = "withdrawn", _("已撤回")
    # An approval found to rest on a false commitment (告知承诺不实), revoked by an officer.
    REVOKED = "revoked", _("已撤销办结决定")


# The clock runs only while the agency works on the sub-case; a correction request stops it.
CLOCK_RUNNING: tuple[SubCaseStatus, ...] = (SubCaseStatus.OPEN, SubCaseStatus.ACCEPTED)
# Nothing more happens to a sub-case in one of these.
SUBCASE_FINISHED: tuple[SubCaseStatus, ...] = (
    SubCaseStatus.APPROVED,
    SubCaseStatus.REJECTED,
    SubCaseStatus.STOPPED,
    SubCaseStatus.WITHDRAWN,
    SubCaseStatus.REVOKED,
)
# Still to be worked or answered: the complement of the finished set.
SUBCASE_UNFINISHED: tuple[SubCaseStatus, ...] = tuple(
    s for s in SubCaseStatus if s not in SUBCASE_FINISHED
)


class DeadlineState(models.TextChoices):
    ON_TIME = "on_time", _("正常")
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已超期")

    @classmethod
    def of(
        cls, *, due_at: dt.datetime, now: dt.datetime, due_soon_at: dt.datetime | None
    ) -> DeadlineState:
        """The one rule: overdue once the deadline has passed; due soon up to ``due_soon_at``
        (the end of the due-soon window, None for no window); else on time."""
        if due_at < now:
            return cls.OVERDUE
        if due_soon_at is not None and due_at <= due_soon_at:
            return cls.DUE_SOON
        return cls.ON_TIME


def clock_running_q() -> Q:
    """The sub-cases whose clock runs: being worked, not paused, with a deadline."""
    return Q(status__in=CLOCK_RUNNING, paused_since__isnull=True, due_at__isnull=False)


def deadline_state_q(state: str, *, now: dt.datetime, due_soon_at: dt.datetime) -> Q:
    """The running sub-cases that `DeadlineState.of` puts in ``state``, as a filter on due_at."""
    if state == DeadlineState.OVERDUE:
        return clock_running_q() & Q(due_at__lt=now)
    if state == DeadlineState.DUE_SOON:
        return clock_running_q() & Q(due_at__gte=now, due_at__lte=due_soon_at)
    return clock_running_q() & Q(due_at__gt=due_soon_at)


class SubCaseQuerySet(models.QuerySet["SubCase"]):
    def running(self) -> SubCaseQuerySet:
        """Sub-cases whose clock runs (`clock_running_q`)."""
        return self.filter(clock_running_q())

    def in_deadline_state(
        self, state: str, *, now: dt.datetime, due_soon_at: dt.datetime
    ) -> SubCaseQuerySet:
        return self.filter(deadline_state_q(state, now=now, due_soon_at=due_soon_at))


class SubCase(models.Model):
    RUNNING: ClassVar[tuple[SubCaseStatus, ...]] = CLOCK_RUNNING
    FINISHED: ClassVar[tuple[SubCaseStatus, ...]] = SUBCASE_FINISHED

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("办件"),
        on_delete=models.CASCADE,
        related_name="subcases",
    )
    # No index of its own: ``unique_subcase_item`` (application, item) answers "this
    # application's sub-case of the item". Given one, PostgreSQL bitmapped an item's million
    # sub-cases at 10 M (70–80 ms) to cross them with a day's, three times in one supervision
    # overview filtered by item, where reading the day's and checking the item was cheaper.
    item = models.ForeignKey(
        "catalogue.ServiceItem",
        verbose_name=_("服务事项"),
        on_delete=models.PROTECT,
        related_name="subcases",
        db_index=False,
    )
    # The application's region, pack and bundle, copied when the sub-case is made (none of
    # them changes after submission): supervision reads a day's decided sub-cases by them
    # without a join to every one of their applications (at 2 M sub-cases four fifths of that
    # read were probes of the applications' primary key). The application's PROTECT guards
    # their deletion, so they need no index of their own.
    region = copied_column("catalogue.Region", _("办理地区"))
    pack = copied_column("bundles.Pack", _("政策包"))
    bundle = copied_column("bundles.Bundle", _("一件事"))
    seed_name = models.CharField(_("事项名称（政策原文）"), max_length=200)
    agency_kind = models.CharField(_("责任机构类型"), max_length=32)
    agency = models.ForeignKey(
        "catalogue.Agency",
        verbose_name=_("责任机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subcases",
        help_text=_("按事项的机构类型与申请人所在地区分派。"),
    )
    stage = models.PositiveSmallIntegerField(_("阶段"), default=1)
    status = models.CharField(
        _("状态"), max_length=12, choices=SubCaseStatus.choices, default=SubCaseStatus.WAITING
    )
    due_at = models.DateTimeField(
        _("办结期限"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("阶段开始时按承诺时限计算；等待前序阶段时为空。"),
    )
    deadline_state = models.CharField(
        _("时限状态"),
        max_length=10,
        choices=DeadlineState.choices,
        default=DeadlineState.ON_TIME,
        help_text=_("由时限巡检更新；每次变化只提醒一次。"),
    )
    version = models.PositiveIntegerField(
        _("版本"), default=0, help_text=_("每次办理动作加一；两人同时操作时后提交者会被告知。")
    )
    paused_since = models.DateTimeField(
        _("计时暂停于"), null=True, blank=True, help_text=_("补正期间停止计时。")
    )
    pauses = models.JSONField(
        _("暂停记录"), default=list, blank=True, help_text=_("已结束的补正暂停 [开始, 结束]。")
    )
    correction_items = models.JSONField(
        _("一次性告知内容"), default=list, blank=True, help_text=_("需补正的全部内容，一次告知。")
    )
    check_results = models.JSONField(
        _("智能审核结果"), default=list, blank=True, help_text=_("自动审核规则的逐条结果。")
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handled_subcases",
    )
    opened_at = models.DateTimeField(_("开始办理时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    decision_note = models.TextField(_("办理意见"), blank=True)
    results = models.JSONField(_("办理结果"), default=list, blank=True)
    review_requested_at = models.DateTimeField(
        _("提请复核时间"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("高风险事项的办结须由另一名经办人复核后生效；提请后、复核前为待复核。"),
    )
    review_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提请复核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("第一位审核人；复核人不能是同一人。系统自动审核时为空。"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("高风险事项办结时的第二位经办人（本机构或省集中审核单位）。"),
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoke_reason = models.TextField(
        _("撤销或更正理由"), blank=True, help_text=_("如：告知承诺经核查不实。")
    )
    paid_amount = models.DecimalField(
        _("核定发放金额（元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("办结时核定支付给申请人的金额；达到本局设定的限额即为高风险，须复核。"),
    )
    reopened_at = models.DateTimeField(
        _("重新办理时间"),
        null=True,
        blank=True,
        help_text=_("已办结的子件重新办理的时间；重新办理后的办结须由另一名经办人复核。"),
    )
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("重新办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reopen_reason = models.TextField(
        _("重新办理理由"), blank=True, help_text=_("如：申请人异议成立，原决定依据的事实有误。")
    )

    objects = SubCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("子件")
        verbose_name_plural = _("子件")
        ordering = ["application", "stage", "pk"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="subcase_queue_idx"),
            # Supervision counts what was decided in a period (按时办结率, 办理用时).
            models.Index(fields=["decided_at"], name="subcase_decided_idx"),
            # The running sub-cases by deadline, for the overdue lists (oldest first, a page at
            # a time, filtered by agency or region). The queue's (status, due_at) cannot give
            # two statuses in deadline order, so PostgreSQL walked every deadline instead and
            # filtered: 530,000 sub-cases for one officer's first page at 10 M (1.1 s).
            models.Index(
                fields=["due_at", "id"],
                name="subcase_running_due_idx",
                condition=Q(status__in=CLOCK_RUNNING),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["application", "item"], name="unique_subcase_item"),
            models.CheckConstraint(condition=Q(stage__gte=1), name="subcase_stage_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.seed_name}"

    @classmethod
    def of_application(cls, application: Application, **values: Any) -> SubCase:
        """An unsaved sub-case of ``application``, with its region, pack and bundle."""
        return cls(
            application=application,
            region_id=application.region_id,
            pack_id=application.pack_id,
            bundle_id=application.bundle_id,
            **values,
        )

    @property
    def clock_running(self) -> bool:
        """The row form of `SubCaseQuerySet.running`."""
        return (
            self.status in CLOCK_RUNNING and self.paused_since is None and self.due_at is not None
        )

    @property
    def finished(self) -> bool:
        return self.status in SUBCASE_FINISHED

    @property
    def awaiting_review(self) -> bool:
        """待复核: a high-risk approval waiting for its second officer."""
        return self.review_requested_at is not None and self.status in CLOCK_RUNNING

    def current_deadline_state(
        self, *, now: dt.datetime, due_soon_at: dt.datetime | None
    ) -> DeadlineState | None:
        """The deadline state now (`DeadlineState.of`); None while the clock does not run.

        The stored ``deadline_state`` is this value as of the last sweep.
        """
        if not self.clock_running:
            return None
        assert self.due_at is not None  # clock_running
        return DeadlineState.of(due_at=self.due_at, now=now, due_soon_at=due_soon_at)
