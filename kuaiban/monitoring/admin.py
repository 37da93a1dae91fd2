from django.contrib import admin
from django.http import HttpRequest

from kuaiban.monitoring.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin[WorkerHeartbeat]):
    """Which workers run, written by the workers themselves: to look at, not to edit."""

    list_display = ["worker_id", "seen_at", "swept_at", "delivered", "passes", "started_at"]
    ordering = ["-seen_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: WorkerHeartbeat | None = None
    ) -> bool:
        return False
