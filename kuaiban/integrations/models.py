"""The outbox: durable work written in the same transaction as the change that causes it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxKind(models.TextChoices):
    APPLICATION_SUBMITTED = "application.submitted", _("办件已受理")
    SUBCASE_DISPATCH = "subcase.dispatch", _("子件分发")
    NOTIFY_APPLICANT = "notify.applicant", _("通知申请人")
    RATING_PUSH = "rating.push", _("推送好差评")
    DEADLINE_ALERT = "deadline.alert", _("时限预警")
    PROACTIVE_CHUNK = "proactive.chunk", _("免申即办比对分片")
    PROACTIVE_NOTIFY = "proactive.notify", _("免申即办服务通知")
    APPOINTMENT_REMIND = "appointment.remind", _("预约提醒短信")
    COMMITMENT_ASSIST = "commitment.assist", _("告知承诺协助核查请求")
    PROBLEM_NOTIFY = "problem.notify", _("办不成事反映答复通知")
    CARD_NOTIFY = "card.notify", _("社保卡状态变化通知")


class OutboxState(models.TextChoices):
    PENDING = "pending", _("待发送")
    DELIVERED = "delivered", _("已送达")
    DEAD = "dead", _("发送失败（死信）")


class OutboxMessage(models.Model):
    kind = models.CharField(_("类型"), max_length=40, choices=OutboxKind.choices)
    payload = models.JSONField(_("内容"), help_text=_("发送给下游的 JSON 内容。"))
    idempotency_key = models.CharField(
        _("幂等键"),
        max_length=120,
        unique=True,
        help_text=_("下游据此去重：同一消息重复投递只生效一次。"),
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=OutboxState.choices, default=OutboxState.PENDING
    )
    attempts = models.PositiveIntegerField(_("已尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(
        _("下次尝试时间"), default=timezone.now, help_text=_("工作进程领取到期的待发送消息。")
    )
    last_error = models.TextField(
        _("最近一次错误"), blank=True, help_text=_("已脱敏：不含完整的身份证号和手机号。")
    )
    claimed_by = models.CharField(
        _("领取者"),
        max_length=120,
        blank=True,
        help_text=_("最近一次领取该消息的工作进程（主机:进程号）。"),
    )
    claimed_at = models.DateTimeField(
        _("领取时间"),
        null=True,
        blank=True,
        help_text=_(
            "领取时同时把下次尝试时间推后一个租期；进程中途退出时，租期满后由其他进程重新领取。"
        ),
    )
    request_id = models.CharField(
        _("请求编号"),
        max_length=64,
        blank=True,
        help_text=_("写入该消息的请求的编号（X-Request-ID）；投递时随日志与请求头带出，便于追查。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("发件箱消息")
        verbose_name_plural = _("发件箱消息")
        ordering = ["created_at"]
        indexes = [
            # The claim's order (next_attempt_at, id): a claim reads its n rows off the index
            # instead of sorting every due message of a backlog.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(state="pending"),
                name="outbox_due_order_idx",
            ),
            # The dead letters, counted by the metrics endpoint and listed in the admin.
            models.Index(fields=["created_at"], condition=Q(state="dead"), name="outbox_dead_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.idempotency_key}"
