"""Risk points per item and officers' posts (岗位权限), set by the bureau."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from kuaiban.riskcontrol.models import ItemRisk, Post, RiskSettings


@admin.register(ItemRisk)
class ItemRiskAdmin(admin.ModelAdmin[ItemRisk]):
    list_display = ["item", "points", "amount_threshold", "source"]
    raw_id_fields = ["item"]


@admin.register(RiskSettings)
class RiskSettingsAdmin(admin.ModelAdmin[RiskSettings]):
    """One row: the global amount threshold (an item's own threshold overrides it)."""

    list_display = ["__str__", "amount_threshold"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not RiskSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: RiskSettings | None = None) -> bool:
        return False


@admin.register(Post)
class PostAdmin(admin.ModelAdmin[Post]):
    list_display = ["user", "category", "may_decide", "may_review", "central_review"]
    list_filter = ["may_review", "central_review"]
    raw_id_fields = ["user"]
