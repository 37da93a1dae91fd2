"""Appointments (预约) at a service point and the hall's queue (取号、叫号).

A `Slot` is a time window of one window type at one point with a capacity; its ``booked``
count moves only by conditional UPDATEs (`services.slot_take` / `slot_release`), and a check
constraint keeps it within the capacity, so two bookings at once can never overbook.
An `Appointment` holds one place in a slot; checking in turns it into a `QueueTicket`, which
walk-ins also get. Tickets are called 绿色通道 first, then appointments, then walk-ins, each in
the order they were issued (`QueueTicket.CALL_ORDER`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class WindowType(models.TextChoices):
    GENERAL = "general", _("综合受理窗口")
    CARD = "card", _("社会保障卡窗口")

    @staticmethod
    def serves(window: str, item_category: str) -> bool:
        """The 社会保障卡 window takes only card items; the general window takes every item."""
        return window == WindowType.GENERAL or item_category == "社会保障卡"


class Slot(models.Model):
    point = models.ForeignKey(
        "servicepoints.ServicePoint",
        verbose_name=_("服务网点"),
        on_delete=models.CASCADE,
        related_name="slots",
        help_text=_("提供该时段的网点。"),
    )
    window_type = models.CharField(
        _("窗口类型"), max_length=12, choices=WindowType.choices, help_text=_("该时段办理的窗口。")
    )
    starts_at = models.DateTimeField(_("开始时间"), help_text=_("时段开始。"))
    ends_at = models.DateTimeField(
        _("结束时间"), help_text=_("时段结束；过了结束时间未签到即为爽约。")
    )
    capacity = models.PositiveIntegerField(_("可预约人数"), help_text=_("该时段最多预约的人数。"))
    booked = models.PositiveIntegerField(
        _("已预约人数"), default=0, help_text=_("由预约、改约、取消自动维护，不超过可预约人数。")
    )

    class Meta:
        verbose_name = _("预约时段")
        verbose_name_plural = _("预约时段")
        ordering = ["point", "starts_at", "window_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "window_type", "starts_at"], name="unique_slot"
            ),
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")), name="slot_not_overbooked"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        local = self.starts_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
        return f"{local:%Y-%m-%d %H:%M} {self.get_window_type_display()}"

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - self.booked)


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("已预约")
    CHECKED_IN = "checked_in", _("已签到")
    CANCELLED = "cancelled", _("已取消")
    NO_SHOW = "no_show", _("爽约")


class AppointmentChannel(models.TextChoices):
    WEB = "web", _("网上预约")
    API = "api", _("接口预约")
    PHONE = "phone", _("电话预约")


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def no_shows(self, *, now: dt.datetime) -> AppointmentQuerySet:
        """Missed appointments: marked so by the sweep, or still booked after the slot ended
        (the same rule before and after the sweep has run)."""
        return self.filter(
            Q(status=AppointmentStatus.NO_SHOW)
            | Q(status=AppointmentStatus.BOOKED, slot__ends_at__lte=now)
        )


class Appointment(models.Model):
    number = models.CharField(
        _("预约号"),
        max_length=12,
        unique=True,
        help_text=_("签到时出示的号码（也在二维码中）。"),
    )
    slot = models.ForeignKey(
        Slot,
        verbose_name=_("时段"),
        on_delete=models.PROTECT,
        related_name="appointments",
        help_text=_("预约的时段；改约时换成新的时段。"),
    )
    item = models.ForeignKey(
        "catalogue.ServiceItem",
        verbose_name=_("办理事项"),
        on_delete=models.PROTECT,
        related_name="appointments",
        help_text=_("预约办理的事项；须是网点受理的事项。"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("预约人账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
        help_text=_("网上和接口预约的账号；电话预约没有账号时为空。"),
    )
    id_number = models.CharField(
        _("居民身份证号"),
        max_length=18,
        db_index=True,
        help_text=_("预约人的身份证号；列表与日志中脱敏显示，爽约规则按此计算。"),
    )
    name = models.CharField(_("姓名"), max_length=40, help_text=_("预约人姓名。"))
    phone = models.CharField(_("手机号"), max_length=20, help_text=_("接收预约提醒短信。"))
    channel = models.CharField(
        _("预约渠道"),
        max_length=8,
        choices=AppointmentChannel.choices,
        help_text=_("网上、接口或电话。"),
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代为预约的柜员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("电话预约时登记的柜员。"),
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.BOOKED,
        help_text=_("已预约、已签到、已取消或爽约。"),
    )
    created_at = models.DateTimeField(_("预约时间"), auto_now_add=True)
    changed_at = models.DateTimeField(
        _("最近变更时间"), null=True, blank=True, help_text=_("最近一次改约、取消或签到的时间。")
    )

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        ordering = ["-created_at"]
        constraints = [
            # One booked place per person and slot.
            models.UniqueConstraint(
                fields=["slot", "id_number"],
                condition=Q(status="booked"),
                name="one_booking_per_person_and_slot",
            )
        ]
        indexes = [models.Index(fields=["id_number", "status"], name="appointment_person_idx")]

    def __str__(self) -> str:
        return self.number


class TicketKind(models.TextChoices):
    """Also the calling order: 绿色通道 before appointments before walk-ins."""

    GREEN = "green", _("绿色通道")
    APPOINTMENT = "appointment", _("预约")
    WALK_IN = "walk_in", _("现场取号")


TICKET_PRIORITY = {TicketKind.GREEN: 0, TicketKind.APPOINTMENT: 1, TicketKind.WALK_IN: 2}
TICKET_PREFIX = {TicketKind.GREEN: "L", TicketKind.APPOINTMENT: "Y", TicketKind.WALK_IN: "A"}


class GreenReason(models.TextChoices):
    AGE = "age", _("老年人")
    DISABILITY = "disability", _("持证残疾人")


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("等候中")
    CALLED = "called", _("已叫号")
    DONE = "done", _("已办理")
    SKIPPED = "skipped", _("过号")


class QueueTicket(models.Model):
    CALL_ORDER = ("priority", "issued_at", "pk")

    point = models.ForeignKey(
        "servicepoints.ServicePoint",
        verbose_name=_("服务网点"),
        on_delete=models.CASCADE,
        related_name="tickets",
        help_text=_("取号的网点（大厅）。"),
    )
    day = models.DateField(_("日期"), help_text=_("取号的日期（北京时间）；号码每天从1开始。"))
    sequence = models.PositiveIntegerField(_("当日序号"), help_text=_("网点当日的取号顺序。"))
    label = models.CharField(
        _("号码"), max_length=8, help_text=_("叫号屏显示的号码：L 绿色通道、Y 预约、A 现场取号。")
    )
    window_type = models.CharField(
        _("窗口类型"), max_length=12, choices=WindowType.choices, help_text=_("到哪类窗口办理。")
    )
    kind = models.CharField(
        _("号码类型"), max_length=12, choices=TicketKind.choices, help_text=_("决定叫号顺序。")
    )
    priority = models.PositiveSmallIntegerField(
        _("优先级"), help_text=_("0 绿色通道，1 预约，2 现场取号；数字小的先叫。")
    )
    green_reason = models.CharField(
        _("绿色通道原因"),
        max_length=12,
        choices=GreenReason.choices,
        blank=True,
        help_text=_("按身份证号计算的年龄或残疾人证；不走绿色通道时为空。"),
    )
    appointment = models.OneToOneField(
        Appointment,
        verbose_name=_("预约"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ticket",
        help_text=_("签到取号的预约；现场取号为空。"),
    )
    id_number = models.CharField(
        _("居民身份证号"),
        max_length=18,
        blank=True,
        help_text=_("取号人的身份证号（判断绿色通道）；列表中脱敏显示。"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING
    )
    issued_at = models.DateTimeField(_("取号时间"), help_text=_("同一优先级按此先后叫号。"))
    called_at = models.DateTimeField(_("叫号时间"), null=True, blank=True)
    window_label = models.CharField(
        _("窗口"), max_length=20, blank=True, help_text=_("叫号的窗口，如 3号窗口。")
    )
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("叫号柜员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("按“下一位”的柜员。"),
    )

    class Meta:
        verbose_name = _("排队号")
        verbose_name_plural = _("排队号")
        ordering = ["day", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["point", "day", "sequence"], name="unique_ticket_number"
            )
        ]
        indexes = [
            models.Index(
                fields=["point", "day", "window_type", "status", "priority", "issued_at"],
                name="ticket_call_idx",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def window_name(self) -> str:
        """The window as the hall screen says it: 窗口 named once, however the clerk typed it."""
        label = self.window_label.strip()
        if not label or "窗口" in label:
            return label
        # A clerk may type just the number ("3") or "3号"; the screen reads "3号窗口".
        if label.isdigit():
            return f"{label}号窗口"
        return f"{label}窗口"
