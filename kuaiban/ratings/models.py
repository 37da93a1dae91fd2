"""好差评: every case (一事一评) and window visit (一次一评) rated once; every bad rating followed up."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kuaiban.core.copied import copied_column


class RatingLevel(models.IntegerChoices):
    VERY_DISSATISFIED = 1, _("非常不满意")
    DISSATISFIED = 2, _("不满意")
    NEUTRAL = 3, _("基本满意")
    SATISFIED = 4, _("满意")
    VERY_SATISFIED = 5, _("非常满意")


class RatingSubject(models.TextChoices):
    CASE = "case", _("一事一评（办件）")
    VISIT = "visit", _("一次一评（窗口服务）")


class WindowVisit(models.Model):
    """One visit to a window (一次一评): who was served, by which clerk, where and when."""

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办事人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="window_visits",
    )
    applicant_name = models.CharField(_("办事人姓名"), max_length=120)
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("窗口人员"),
        on_delete=models.PROTECT,
        related_name="served_visits",
    )
    region = models.ForeignKey("catalogue.Region", verbose_name=_("地区"), on_delete=models.PROTECT)
    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="window_visits",
    )
    visited_at = models.DateTimeField(_("办理时间"), db_index=True)
    agency = models.ForeignKey(
        "catalogue.Agency",
        verbose_name=_("责任机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="window_visits",
        help_text=_("窗口服务的地点和责任机构：柜员所属机构（人社服务大厅）；差评由它整改。"),
    )

    class Meta:
        verbose_name = _("窗口服务记录")
        verbose_name_plural = _("窗口服务记录")

    def __str__(self) -> str:
        return f"{self.applicant_name} {self.visited_at:%Y-%m-%d}"


class Rating(models.Model):
    subject = models.CharField(_("评价对象"), max_length=8, choices=RatingSubject.choices)
    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rating",
    )
    visit = models.OneToOneField(
        WindowVisit,
        verbose_name=_("窗口服务"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rating",
    )
    level = models.PositiveSmallIntegerField(_("评价等级"), choices=RatingLevel.choices)
    indicators = models.JSONField(
        _("评价指标"),
        default=dict,
        blank=True,
        help_text=_(
            "国家指标逐项等级：网上 整体满意度、办事效率、办事指南精确度、办事便捷度、平台操作性；"
            "窗口 整体满意度、服务效率、服务水平、服务态度。"
        ),
    )
    comment = models.TextField(_("评价内容"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评价人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ratings",
    )
    real_name = models.BooleanField(_("实名评价"), default=True)
    is_default = models.BooleanField(
        _("默认评价"), default=False, help_text=_("超期未评时系统给出的默认评价。")
    )
    agency = models.ForeignKey(
        "catalogue.Agency",
        verbose_name=_("责任机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ratings",
        help_text=_("差评整改的责任机构。"),
    )
    region = models.ForeignKey("catalogue.Region", verbose_name=_("地区"), on_delete=models.PROTECT)
    rated_at = models.DateTimeField(_("评价时间"), db_index=True)
    excluded = models.BooleanField(
        _("不计入统计"), default=False, help_text=_("核实为误评或恶意评价的，不予采纳，原因保留。")
    )
    exclusion_reason = models.TextField(_("不予采纳原因"), blank=True)

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        ordering = ["-rated_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="rating_level_range"
            ),
            models.CheckConstraint(
                condition=(
                    Q(subject="case", application__isnull=False, visit__isnull=True)
                    | Q(subject="visit", visit__isnull=False)
                ),
                name="rating_has_its_subject",
            ),
            models.CheckConstraint(
                condition=Q(is_default=False) | Q(level__gte=3), name="rating_default_never_bad"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.rated_at:%Y-%m-%d}"

    @property
    def is_bad(self) -> bool:
        return self.level <= RatingLevel.DISSATISFIED


class TicketStatus(models.TextChoices):
    CALLBACK = "callback", _("待回访")
    VERIFY = "verify", _("待核实")
    RECTIFY = "rectify", _("整改中")
    FEEDBACK = "feedback", _("待反馈")
    REPORT = "report", _("待报送报告单")
    CLOSED = "closed", _("已办结")
    APPEAL = "appeal", _("申诉复核中")


class Verification(models.TextChoices):
    TRUE = "true", _("属实")
    MISTAKEN = "mistaken", _("误评")
    MALICIOUS = "malicious", _("恶意评价")


class RectificationMode(models.TextChoices):
    IMMEDIATE = "immediate", _("立行立改")
    LEDGER = "ledger", _("台账限期整改")
    EXPLANATION = "explanation", _("缺乏法定依据，解释说明")


class RectificationTicket(models.Model):
    """The bad-rating loop: 回访 → 核实 → 整改 → 反馈 → 报告单 (and 申诉复核)."""

    rating = models.OneToOneField(
        Rating, verbose_name=_("差评"), on_delete=models.CASCADE, related_name="ticket"
    )
    agency = models.ForeignKey(
        "catalogue.Agency",
        verbose_name=_("责任机构"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    # What the rating is about, copied when the ticket opens (none of it changes after): its
    # region, and the rated case's application — the rating's own, or its window visit's —
    # with that application's pack and bundle. Supervision counts the open steps past due of
    # a region, pack, bundle or item from the tickets alone; through each step's rating, the
    # rating's application and its visit that was 27,000 joined steps at 10 M sub-cases
    # (130–260 ms of a filtered overview).
    region = copied_column("catalogue.Region", _("地区"))
    application = copied_column("applications.Application", _("办件"), null=True)
    pack = copied_column("bundles.Pack", _("政策包"), null=True)
    bundle = copied_column("bundles.Bundle", _("一件事"), null=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=TicketStatus.choices, default=TicketStatus.CALLBACK
    )
    version = models.PositiveIntegerField(_("版本"), default=0)
    opened_at = models.DateTimeField(_("生成时间"))
    verification = models.CharField(
        _("核实结论"),
        max_length=10,
        choices=Verification.choices,
        blank=True,
        help_text=_("回访核实的结论；申诉复核后为复核结论。误评、恶意评价的差评不予采纳。"),
    )
    rectification_mode = models.CharField(
        _("整改方式"),
        max_length=12,
        choices=RectificationMode.choices,
        blank=True,
        help_text=_("立行立改、台账限期整改，或缺乏法定依据时解释说明。"),
    )
    rectified_at = models.DateTimeField(
        _("整改完成时间"),
        null=True,
        blank=True,
        help_text=_("报告单须在整改完成后5日内报送行风办。"),
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("差评整改工单")
        verbose_name_plural = _("差评整改工单")
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["agency", "status"], name="ticket_agency_status_idx")]

    def __str__(self) -> str:
        return f"{self.rating_id} {self.get_status_display()}"

    @classmethod
    def of_rating(cls, rating: Rating, **values: Any) -> RectificationTicket:
        """An unsaved ticket of ``rating``, with what the rating is about."""
        application = rating.application
        if application is None and rating.visit is not None:
            application = rating.visit.application
        return cls(
            rating=rating,
            region_id=rating.region_id,
            application=application,
            pack_id=application.pack_id if application else None,
            bundle_id=application.bundle_id if application else None,
            **values,
        )


class StepKind(models.TextChoices):
    CALLBACK = "callback", _("回访")
    VERIFY = "verify", _("核实")
    RECTIFY = "rectify", _("整改")
    FEEDBACK = "feedback", _("反馈评价人")
    REPORT = "report", _("报送核查整改情况报告单")
    APPEAL = "appeal", _("申诉")
    REVIEW = "review", _("复核")


class TicketStep(models.Model):
    """One step of a ticket: every step has an owner and a due time; overdue steps alert."""

    ticket = models.ForeignKey(
        RectificationTicket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="steps"
    )
    kind = models.CharField(_("环节"), max_length=10, choices=StepKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ticket_steps",
    )
    owner_agency = models.ForeignKey(
        "catalogue.Agency",
        verbose_name=_("责任机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    due_at = models.DateTimeField(_("完成期限"), db_index=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    outcome = models.CharField(_("结果"), max_length=20, blank=True)
    note = models.TextField(_("记录"), blank=True)
    overdue_alerted = models.BooleanField(_("已提醒超期"), default=False)

    class Meta:
        verbose_name = _("整改环节")
        verbose_name_plural = _("整改环节")
        ordering = ["ticket", "due_at"]
        indexes = [
            models.Index(fields=["done_at", "due_at"], name="ticket_step_due_idx"),
            # The open steps by deadline, for the supervision list of those past due (oldest
            # first, a page at a time, filtered by the ticket's region, pack …), as the
            # sub-cases' `subcase_running_due_idx`: without it PostgreSQL walked every step by
            # deadline and dropped the done ones (one district's first page at 10 M sub-cases:
            # 262–317 ms, 188–203 ms with it).
            models.Index(
                fields=["due_at", "id"],
                name="ticket_step_open_due_idx",
                condition=Q(done_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=False) | Q(owner_agency__isnull=False),
                name="ticket_step_has_owner",
            ),
            # The loop is a sequence: at any moment a ticket waits for at most one step.
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(done_at__isnull=True),
                name="ticket_one_open_step",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_at:%Y-%m-%d}"

    def is_overdue(self, now: dt.datetime) -> bool:
        """Still open after its due time (pure: no database)."""
        return self.done_at is None and self.due_at < now


class RatingInvitation(models.Model):
    """A completed application whose applicant was invited to rate it: once, reminded once."""

    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("办件"),
        on_delete=models.CASCADE,
        related_name="rating_invitation",
    )
    completed_at = models.DateTimeField(
        _("办结时间"), db_index=True, help_text=_("最后一个子件作出决定的时间；默认评价由此起算。")
    )
    invited_at = models.DateTimeField(_("邀请时间"), help_text=_("发出评价邀请的时间。"))
    reminded_at = models.DateTimeField(
        _("提醒时间"),
        null=True,
        blank=True,
        help_text=_("邀请后仍未评价时提醒一次；为空表示尚未提醒。"),
    )

    class Meta:
        verbose_name = _("评价邀请")
        verbose_name_plural = _("评价邀请")
        ordering = ["-invited_at"]
        indexes = [
            models.Index(
                fields=["invited_at"],
                condition=Q(reminded_at__isnull=True),
                name="rating_invite_remind_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.invited_at:%Y-%m-%d}"
