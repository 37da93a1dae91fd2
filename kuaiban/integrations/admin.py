from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from kuaiban.integrations.models import OutboxMessage
from kuaiban.integrations.services import outbox_resend


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin[OutboxMessage]):
    list_display = [
        "kind",
        "idempotency_key",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error_short",
        "created_at",
    ]
    list_filter = ["state", "kind"]
    # A request id from a log line or a receiver's log finds the messages the request wrote.
    search_fields = ["idempotency_key", "request_id"]
    readonly_fields = [
        "kind",
        "payload",
        "idempotency_key",
        "request_id",
        "attempts",
        "last_error",
        "claimed_by",
        "claimed_at",
        "created_at",
        "delivered_at",
    ]
    actions = ["resend"]

    @admin.display(description="最近一次错误")
    def last_error_short(self, message: OutboxMessage) -> str:
        error = message.last_error
        return error if len(error) <= 60 else error[:60] + "…"

    @admin.action(description="重新发送（仅死信）", permissions=["change"])
    def resend(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        selected = list(queryset.values_list("pk", flat=True))
        resent = outbox_resend(actor=request.user, message_ids=selected)
        if resent:
            self.message_user(
                request, f"已重新排队发送 {len(resent)} 条死信消息。", level=messages.SUCCESS
            )
        skipped = len(selected) - len(resent)
        if skipped:
            self.message_user(
                request,
                f"{skipped} 条消息不是死信（待发送或已送达），未做改动。",
                level=messages.WARNING,
            )
